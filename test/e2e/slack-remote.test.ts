import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { FakeGitHub } from "../fakes/github/index.js";
import type { SlackMessage } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";
import { checkoutOfDemo } from "./github.js";
import { buttonsOf, visible } from "./harness.js";
import { assertRemoteTurnedOff, commandPolls, sessionOfLink } from "./mission-control.js";
import { decodeQr } from "./qr.js";

const OWNER = "UOWNER10";

describe("Slack: remote sessions through Mission Control", () => {
  const { h, gh } = useBridge({ github: true, ready: ({ h }) => checkoutOfDemo(h.workdir) });

  const say = (header: SlackMessage, text: string) => h.say(header, OWNER, text);

  test("remote on posts the link and a QR code that reads back to it; status keeps it, even after a crash", async () => {
    const header = await h.startSession(OWNER, "hello remote");
    await h.waitForReply(header, /user turns: 1/);
    await say(header, "remote on");
    const link = await h.waitForReply(header, /Follow and steer this session on GitHub/);
    const url = /<(https:\/\/github\.com\/octo\/demo\/tasks\/[\w-]+)\|/.exec(visible(link))?.[1];
    assert.ok(url, visible(link));
    const qr = await h.slack.waitFor(
      () => h.slack.files.find((f) => f.thread_ts === header.ts && f.filename === "session-qr.png"),
      { what: "the QR code" },
    );
    assert.equal(decodeQr(qr.bytes), url);

    const shared = sessionOfLink(gh, url);
    await h.crashAndRestart();
    // The runtime started afresh is connected to Mission Control again: GitHub can still steer it.
    const polls = commandPolls(gh, shared);
    await gh.waitFor(() => commandPolls(gh, shared) > polls || undefined, {
      what: "Mission Control to be polled again after the restart",
      timeoutMs: 15_000,
    });
    await say(header, "status");
    const status = await h.waitForReply(header, /Session status/);
    assert.ok(visible(status).includes(url), visible(status));
    const links = h.slack
      .thread(header.channel, header.ts)
      .filter((m) => /Follow and steer/.test(visible(m)));
    assert.equal(links.length, 1, "the link is not posted again after the restart");

    await say(header, "remote off");
    await h.waitForReply(header, new RegExp(`Remote control turned off by <@${OWNER}>`));
  });

  test("remote off tells Mission Control: the session can no longer be steered from GitHub", async () => {
    const header = await h.startSession(OWNER, "share then stop sharing");
    await h.waitForReply(header, /user turns: 1/);
    await say(header, "remote on");
    const link = await h.waitForReply(header, /Follow and steer this session on GitHub/);
    const url = /<(https:\/\/github\.com\/octo\/demo\/tasks\/[\w-]+)\|/.exec(visible(link))?.[1] ?? "";
    const mc = sessionOfLink(gh, url);
    // Steerable: the runtime asks Mission Control for commands (every ~3 s).
    await gh.waitFor(() => commandPolls(gh, mc) > 0, { what: "the first command poll", timeoutMs: 10_000 });
    await say(header, "remote off");
    await h.waitForReply(header, new RegExp(`Remote control turned off by <@${OWNER}>`));
    await assertRemoteTurnedOff(gh, mc);
  });

  test("a permission answered on github.com closes the card as answered on GitHub; a late click changes nothing", async () => {
    const header = await h.startSession(OWNER, "hi");
    await h.waitForReply(header, /user turns: 1/);
    await say(header, "remote on");
    await h.waitForReply(header, /Follow and steer this session on GitHub/);
    await say(header, "RUN: touch from-github.txt");
    const card = await h.waitForCard(header);
    const requestId = buttonsOf(card)[0]?.value ?? "";
    const session = await h.slack.waitFor(
      () =>
        [...gh.mc.sessions.values()].find((s) => s.events.some((e) => JSON.stringify(e).includes(requestId))),
      { what: "Mission Control to see the request" },
    );
    gh.mc.pushCommand(session.id, {
      type: "permission_response",
      content: { promptId: requestId, approved: true, scope: "once" },
    });
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "the card to close",
      timeoutMs: 20_000,
    });
    assert.match(visible(card), /Approved once.* on GitHub/);
    assert.ok(existsSync(join(h.workdir, "from-github.txt")));
    const from = h.slack.ephemerals.length;
    await h.slack.sendBlockAction({
      user_id: OWNER,
      channel_id: card.channel,
      message_ts: card.ts,
      thread_ts: header.ts,
      action_id: "perm.deny",
      value: requestId,
    });
    const late = await h.slack.waitFor(() => h.slack.ephemerals.slice(from).find((e) => e.user === OWNER), {
      what: "the late click's answer",
    });
    assert.match(late.text, /already answered/);
  });

  test("why remote did not work, in words a user can act on; the session keeps working", async () => {
    const cases: [Parameters<FakeGitHub["setMode"]>[0], RegExp][] = [
      [{ sessions: "forbidden" }, /not enabled for this repository by the organization/],
      [{ sessions: "error" }, /Mission Control could not be reached/],
    ];
    for (const [mode, message] of cases) {
      await gh.setMode({ sessions: "ok", userStatus: 200, ...mode });
      const header = await h.startSession(OWNER, `remote case ${JSON.stringify(mode)}`);
      await h.waitForReply(header, /user turns: 1/);
      await say(header, "remote on");
      await h.waitForReply(header, message, `the explanation for ${JSON.stringify(mode)}`);
      await say(header, "still here?");
      await h.waitForReply(header, /You said: still here\?/);
    }
    await gh.setMode({ sessions: "ok", userStatus: 200 });
  });
});

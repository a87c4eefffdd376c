import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import type { FakeGitHub } from "../fakes/github/index.js";
import { buttonId, buttons, requestIdOf } from "./discord-driver.js";
import { useBridge } from "./fixture.js";
import { checkoutOfDemo } from "./github.js";
import { assertRemoteTurnedOff, commandPolls, sessionOfLink } from "./mission-control.js";
import { decodeQr } from "./qr.js";

const OWNER = "240000000000000010";

/** The Mission Control URL a Discord user can follow: the target of the masked link `[label](url)`. */
const linkTarget = /\]\((https:\/\/github\.com\/octo\/demo\/tasks\/[\w-]+)\)/;

describe("Discord: remote sessions through Mission Control", () => {
  const { h, drv, gh } = useBridge({
    discordOwner: OWNER,
    github: true,
    ready: ({ h }) => checkoutOfDemo(h.workdir),
  });

  /** The bot's messages in the thread that carry the QR code image. */
  const qrMessages = (threadId: string) =>
    drv.replies(threadId).filter((m) => m.attachments.some((a) => a.filename === "session-qr.png"));

  test("remote on posts the link and a QR code that reads back to it; status keeps it, even after a crash", async () => {
    const threadId = await drv.start("hello remote");
    await drv.waitReply(threadId, /user turns: 1/);
    await drv.say(threadId, "remote on");
    const link = await drv.waitReply(threadId, /Follow and steer this session on GitHub/);
    const url = linkTarget.exec(messageText(link))?.[1];
    assert.ok(url, messageText(link));
    assert.match(messageText(link), /Scan the QR code with GitHub Mobile/);
    const qr = await h.discord.waitFor(() => qrMessages(threadId)[0], {
      what: "the QR code",
      timeoutMs: 20_000,
    });
    const png = qr.attachments.find((a) => a.filename === "session-qr.png");
    assert.ok(png);
    assert.equal(decodeQr(png.bytes), url);
    assert.ok(
      drv.replies(threadId).indexOf(link) < drv.replies(threadId).indexOf(qr),
      "the QR code follows the link",
    );

    await h.crashAndRestart();
    await drv.say(threadId, "status");
    const status = await drv.waitReply(threadId, /Session status/);
    assert.ok(messageText(status).includes(url), messageText(status));
    const links = drv.replies(threadId).filter((m) => /Follow and steer/.test(messageText(m)));
    assert.equal(links.length, 1, "the link is not posted again after the restart");
    assert.equal(qrMessages(threadId).length, 1, "nor is the QR code");

    await drv.say(threadId, "remote off");
    await drv.waitReply(threadId, new RegExp(`Remote control turned off by <@${OWNER}>`));
  });

  test("remote off tells Mission Control: the session can no longer be steered from GitHub", async () => {
    const threadId = await drv.start("share then stop sharing");
    await drv.waitReply(threadId, /user turns: 1/);
    await drv.say(threadId, "remote on");
    const link = await drv.waitReply(threadId, /Follow and steer this session on GitHub/);
    const mc = sessionOfLink(gh, linkTarget.exec(messageText(link))?.[1] ?? "");
    // Steerable: the runtime asks Mission Control for commands (every ~3 s).
    await gh.waitFor(() => commandPolls(gh, mc) > 0, { what: "the first command poll", timeoutMs: 10_000 });
    await drv.say(threadId, "remote off");
    await drv.waitReply(threadId, new RegExp(`Remote control turned off by <@${OWNER}>`));
    await assertRemoteTurnedOff(gh, mc);
  });

  test("a permission answered on github.com closes the card as answered on GitHub; a stale click changes nothing", async () => {
    const threadId = await drv.start("hi");
    await drv.waitReply(threadId, /user turns: 1/);
    await drv.say(threadId, "remote on");
    await drv.waitReply(threadId, /Follow and steer this session on GitHub/);

    // Answered on GitHub: the card closes by itself.
    await drv.say(threadId, "RUN: touch from-github.txt");
    const card = await drv.waitCard(threadId);
    const requestId = requestIdOf(card);
    const session = await gh.waitFor(
      () =>
        [...gh.mc.sessions.values()].find((s) => s.events.some((e) => JSON.stringify(e).includes(requestId))),
      { what: "Mission Control to see the request", timeoutMs: 20_000 },
    );
    gh.mc.pushCommand(session.id, {
      type: "permission_response",
      content: { promptId: requestId, approved: true, scope: "once" },
    });
    await drv.waitClosed(card, { what: "the card to close", timeoutMs: 20_000 });
    assert.match(messageText(card), /Approved once.* on GitHub/);
    assert.doesNotMatch(messageText(card), /<@/, "no one in the thread is named as the decider");
    assert.ok(existsSync(join(h.workdir, "from-github.txt")));

    // A Discord client that still shows the buttons (the card's edit held back by a 2 s rate limit):
    // the click is told the request was already answered, and the GitHub answer stands.
    await drv.say(threadId, "RUN: touch from-github-2.txt");
    const second = await drv.waitCard(threadId, "the second card");
    const secondId = requestIdOf(second);
    const approve = buttonId(second, "Approve once");
    const cardEdit = new RegExp(`^PATCH /channels/${threadId}/messages/${second.id}$`);
    h.discord.failNext(cardEdit, { status: 429, retryAfter: 2 }, 1);
    await gh.waitFor(
      () =>
        [...gh.mc.sessions.values()].some((s) => s.events.some((e) => JSON.stringify(e).includes(secondId))),
      { what: "Mission Control to see the second request", timeoutMs: 20_000 },
    );
    gh.mc.pushCommand(session.id, {
      type: "permission_response",
      content: { promptId: secondId, approved: true, scope: "once" },
    });
    await h.discord.waitFor(
      () => h.discord.calls.some((c) => c.fault && cardEdit.test(`${c.method} ${c.path}`)),
      { what: "the GitHub answer to be recorded (the card edit is attempted)", timeoutMs: 20_000 },
    );
    assert.ok(buttons(second).length > 0, "the buttons are still shown");
    const late = await h.discord.clickButton({ user_id: OWNER, message_id: second.id, custom_id: approve });
    const note = await drv.ephemeralTo(late, /already answered/);
    assert.equal((note.flags ?? 0) & 64, 64, "only the clicker sees it");
    await drv.waitClosed(second, { match: /Approved once.* on GitHub/ });
    assert.doesNotMatch(messageText(second), new RegExp(`by <@${OWNER}>`));
    assert.ok(existsSync(join(h.workdir, "from-github-2.txt")));
  });

  /** Turns remote on in a new session while GitHub fails as `mode` says; resolves with the thread. */
  async function remoteFails(
    mode: Parameters<FakeGitHub["setMode"]>[0],
    explanation: RegExp,
  ): Promise<string> {
    await gh.setMode({ sessions: "ok", userStatus: 200, ...mode });
    try {
      const threadId = await drv.start(`remote case ${JSON.stringify(mode)}`);
      await drv.waitReply(threadId, /user turns: 1/);
      await drv.say(threadId, "remote on");
      await drv.waitReply(threadId, explanation, `the explanation for ${JSON.stringify(mode)}`);
      await drv.say(threadId, "still here?");
      await drv.waitReply(threadId, /You said: still here\?/);
      assert.equal(qrMessages(threadId).length, 0, "no QR code without a link");
      assert.equal(drv.replies(threadId).filter((m) => /Follow and steer/.test(messageText(m))).length, 0);
      return threadId;
    } finally {
      await gh.setMode({ sessions: "ok", userStatus: 200 });
    }
  }

  const failures: [Parameters<FakeGitHub["setMode"]>[0], RegExp][] = [
    [{ sessions: "forbidden" }, /not enabled for this repository by the organization/],
    [{ sessions: "error" }, /Mission Control could not be reached/],
  ];

  test("why remote did not work, in words a user can act on; the session keeps working", async () => {
    for (const [mode, explanation] of failures) await remoteFails(mode, explanation);
  });

  test("each failure is explained once, by its cause: no second, generic warning pointing elsewhere", async () => {
    const extra: Record<string, string[]> = {};
    for (const [mode, explanation] of failures) {
      const threadId = await remoteFails(mode, explanation);
      const others = drv
        .replies(threadId)
        .filter((m) => /⚠️/.test(messageText(m)) && !explanation.test(messageText(m)))
        .map((m) => messageText(m));
      if (others.length > 0) extra[JSON.stringify(mode)] = others;
    }
    assert.deepEqual(extra, {}, "warnings shown besides the explanation of the cause");
  });
});

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { useBridge } from "./fixture.js";
import { buttonsOf, visible } from "./harness.js";
import { pendingTerminalRequest } from "./runtime.js";

const OWNER = "UOWNER9";

describe("Slack: /copilot attach brings a terminal's session into a thread", () => {
  const { h, terminal } = useBridge({ terminal: true, env: { BRIDGE_ADMINS: `slack:${OWNER}` } });

  test("a pending request from the terminal becomes a card; the thread's answer wins and the command runs", async () => {
    const { session, requestId, completed } = await pendingTerminalRequest(
      terminal,
      { ...h.model.sessionConfig(), workingDirectory: h.workdir },
      "RUN: touch from-attach.txt",
    );

    const from = h.slack.messages.length;
    await h.slack.sendSlashCommand({
      user_id: OWNER,
      channel_id: "C0001",
      text: `attach ${session.sessionId}`,
    });
    const header = await h.slack.waitFor(
      () => h.slack.messages.slice(from).find((m) => !m.thread_ts && /Attached session/.test(visible(m))),
      { what: "the attached session's header" },
    );
    assert.match(visible(header), new RegExp(session.sessionId));
    const card = await h.waitForCard(header);
    assert.equal(buttonsOf(card)[0]?.value, requestId, "the card answers the terminal's pending request");
    assert.match(visible(card), /touch from-attach\.txt/);
    await h.click(OWNER, card, "perm.once");
    assert.equal(await completed, "approved");
    await h.slack.waitFor(() => existsSync(join(h.workdir, "from-attach.txt")), {
      what: "the command to run",
    });
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "the card to close",
    });
    assert.match(visible(card), new RegExp(`Approved once.* by <@${OWNER}>`));

    // Attaching again points to the existing thread.
    const ephemerals = h.slack.ephemerals.length;
    await h.slack.sendSlashCommand({
      user_id: OWNER,
      channel_id: "C0001",
      text: `attach ${session.sessionId}`,
    });
    const again = await h.slack.waitFor(
      () => h.slack.ephemerals.slice(ephemerals).find((e) => e.user === OWNER),
      {
        what: "the already-attached notice",
      },
    );
    assert.match(again.text, /already in a thread/);
    await session.disconnect();
  });

  test("an unknown or malformed session id is refused and nothing is opened", async () => {
    // New threads are what an attach would open (the first test's thread may still get its reply).
    const roots = () => h.slack.messages.filter((m) => !m.thread_ts).length;
    const before = roots();
    const from = h.slack.ephemerals.length;
    await h.slack.sendSlashCommand({
      user_id: OWNER,
      channel_id: "C0001",
      text: "attach 00000000-dead-beef-0000-000000000000",
    });
    const unknown = await h.slack.waitFor(
      () => h.slack.ephemerals.slice(from).find((e) => e.user === OWNER),
      {
        what: "the refusal",
      },
    );
    assert.match(unknown.text, /No session 00000000-dead-beef-0000-000000000000 is known/);
    const from2 = h.slack.ephemerals.length;
    await h.slack.sendSlashCommand({ user_id: OWNER, channel_id: "C0001", text: "attach ../../etc" });
    const usage = await h.slack.waitFor(() => h.slack.ephemerals.slice(from2).find((e) => e.user === OWNER), {
      what: "the usage",
    });
    assert.match(usage.text, /Usage: `\/copilot attach &lt;session-id&gt;`/);
    assert.equal(roots(), before, "no thread was opened");
  });
});

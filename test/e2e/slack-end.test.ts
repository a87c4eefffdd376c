/**
 * Sessions end: by `end` (or the header's End session button) from the owner or an approver, or by
 * themselves after BRIDGE_SESSION_IDLE_DAYS without a prompt. An ended session keeps no card open,
 * reaches no model, is not resumed after a restart, and its thread says it has ended. Messages in
 * threads the bridge has nothing to do with leave nothing in the store.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { type SlackMessage, slackEntity } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";
import { buttonsOf, cardRequestId, visible } from "./harness.js";
import { countRows, editThread, slackKey } from "./store-file.js";

const OWNER = "UOWNER11";
const APPROVER = "UAPPROVER11";
const STRANGER = "USTRANGER11";
const dayMs = 24 * 3600 * 1000;

/** Slack shows `<prompt>` escaped. */
const newSession = "Start a new session with /copilot (?:<|&lt;)prompt(?:>|&gt;)\\.";
const endedAnswer = new RegExp(`This Copilot session has ended\\. Nothing was sent\\. ${newSession}`);

describe("Slack: ending a session", () => {
  const { h } = useBridge({ env: { BRIDGE_APPROVERS: `slack:${APPROVER}` } });

  const ephemeralTo = (user: string, match: RegExp, from: number) =>
    h.slack.waitFor(() => h.slack.ephemerals.slice(from).find((e) => e.user === user && match.test(e.text)), {
      what: `a notice to ${user} matching ${match}`,
    });
  const headerEnded = (header: SlackMessage) =>
    h.slack.waitFor(() => (buttonsOf(header).length === 0 ? header : undefined), {
      what: "the header to lose its buttons",
    });

  test("`end` from the owner: the waiting card closes, the header shows it ended, a later message reaches no model", async () => {
    const header = await h.startSession(OWNER, "RUN: touch never-after-end.txt");
    const card = await h.waitForCard(header);
    await h.say(header, OWNER, "end");
    await h.waitForReply(
      header,
      new RegExp(`⏹️ Session ended by <@${OWNER}>\\. 1 waiting prompt was closed\\.`),
    );
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "the card to close",
    });
    assert.match(visible(card), /Closed \(the session ended\)/);
    await headerEnded(header);
    assert.match(visible(header), new RegExp(`⏹️ Session ended by <@${OWNER}>`));
    assert.match(visible(header), /Copilot session/, "the header still says what the session was");

    const asked = h.model.requests.length;
    const from = h.slack.ephemerals.length;
    await h.say(header, OWNER, "are you still there?");
    await ephemeralTo(OWNER, endedAnswer, from);
    // A barrier: a later message, in a session that is live, answered by the model.
    const later = await h.startSession(OWNER, "a later session");
    await h.waitForReply(later, /You said: a later session \(user turns: 1\)/);
    assert.ok(
      h.model.requests.slice(asked).every((r) => JSON.stringify(r.messages).includes("a later session")),
      "nothing reached the model",
    );
    assert.equal(existsSync(join(h.workdir, "never-after-end.txt")), false, "the command never ran");
  });

  test("the header's End session button, from an approver, aborts the running turn and drops what was queued", async () => {
    const header = await h.startSession(OWNER, "SLOW: 4000");
    await h.slack.waitFor(
      () => h.model.requests.some((r) => JSON.stringify(r.messages).includes("SLOW: 4000")),
      {
        what: "the slow turn",
      },
    );
    await h.say(header, OWNER, "queued while working");
    await h.waitForReply(header, /queued/i, "the queue notice");
    await h.click(APPROVER, header, "ctl.end");
    await h.waitForReply(
      header,
      new RegExp(`⏹️ Session ended by <@${APPROVER}>\\. 1 queued message was dropped\\.`),
    );
    await headerEnded(header);
    // About time: had the turn not been aborted, the model would send "slow done" 4 s after it began,
    // and an ended thread takes no later message to answer after it; wait past that.
    await new Promise((r) => setTimeout(r, 4500));
    const thread = h.slack.thread(header.channel, header.ts).map(visible).join("\n");
    assert.doesNotMatch(thread, /slow done/, "the turn was aborted");
    assert.ok(
      !h.model.requests.some((r) => JSON.stringify(r.messages).includes("queued while working")),
      "the queued message was never sent",
    );
  });

  test("a stranger's `end` and End session click are refused; the session goes on", async () => {
    const header = await h.startSession(OWNER, "hello, end me not");
    await h.waitForReply(header, /user turns: 1/);
    const refusal = new RegExp(`Only <@${OWNER}> or an approver can do that\\. Nothing was changed\\.`);
    let from = h.slack.ephemerals.length;
    await h.slack.sendEvent({
      type: "message",
      channel: header.channel,
      user: STRANGER,
      text: [slackEntity.user(h.slack.botUserId), " end"],
      ts: h.slack.nextTs(),
      thread_ts: header.ts,
    });
    await ephemeralTo(STRANGER, refusal, from);
    from = h.slack.ephemerals.length;
    await h.click(STRANGER, header, "ctl.end");
    await ephemeralTo(STRANGER, refusal, from);
    assert.ok(
      buttonsOf(header).some((b) => b.text === "End session"),
      "the header keeps its controls",
    );
    await h.say(header, OWNER, "still here?");
    await h.waitForReply(header, /You said: still here\?/);
    assert.doesNotMatch(h.slack.thread(header.channel, header.ts).map(visible).join("\n"), /Session ended/);
  });

  test("after a restart, an ended session is not resumed (a live one is), and its thread still answers", async () => {
    const live = await h.startSession(OWNER, "stay alive");
    await h.waitForReply(live, /user turns: 1/);
    const ended = await h.startSession(OWNER, "end me before the restart");
    await h.waitForReply(ended, /user turns: 1/);
    await h.say(ended, OWNER, "end");
    await headerEnded(ended);
    const from = h.output.length;
    await h.crashAndRestart();
    await h.slack.waitFor(
      () => h.output.slice(from).some((l) => l.includes("session resumed") && l.includes(slackKey(h, live))),
      { what: "the live session to be resumed", timeoutMs: 30_000 },
    );
    const asked = h.model.requests.length;
    const notices = h.slack.ephemerals.length;
    await h.say(ended, OWNER, "hello again?");
    await ephemeralTo(OWNER, endedAnswer, notices);
    await h.say(live, OWNER, "and you?");
    await h.waitForReply(live, /You said: and you\?/);
    assert.ok(
      !h.model.requests.slice(asked).some((r) => JSON.stringify(r.messages).includes("hello again?")),
      "the ended thread's message reached no model",
    );
    // Read after both threads answered later messages: a loaded session would be in the log by then.
    // Only what the new process logged (the old one's last lines may be read in after `from`).
    const since = h.output.slice(from);
    const logs = since.slice(since.findIndex((l) => l.includes("copilot-chat-bridge is serving"))).join("\n");
    assert.ok(!logs.includes(slackKey(h, ended)), `the ended session was not loaded:\n${logs}`);
  });

  test("messages in threads the bridge has no session for leave no de-duplication rows", async () => {
    const header = await h.startSession(OWNER, "count my rows");
    await h.waitForReply(header, /user turns: 1/);
    const before = await countRows(h, "dedup");
    for (let i = 0; i < 50; i++) {
      const parent = `1700000000.${String(i).padStart(6, "0")}`;
      await h.slack.sendEvent({
        type: "message",
        channel: "CUNRELATED",
        user: STRANGER,
        text: i % 5 === 0 ? [slackEntity.user("UFRIEND"), " lunch?"] : `chatter ${i}`,
        ts: h.slack.nextTs(),
        thread_ts: parent,
        parent_user_id: "UFRIEND",
      });
    }
    // A message in the session's thread is remembered (it is acted on): the count is not blind.
    await h.say(header, OWNER, "one more");
    await h.waitForReply(header, /You said: one more/);
    assert.equal(await countRows(h, "dedup"), before + 1);
  });
});

describe("Slack: sessions end after BRIDGE_SESSION_IDLE_DAYS without a prompt", () => {
  const { h } = useBridge({ env: { BRIDGE_SESSION_IDLE_DAYS: "3" } });

  test("at start-up, a session idle for 5 days ends (its card closes); one idle for 2 days is resumed", async () => {
    const idle = await h.startSession(OWNER, "RUN: touch idle-never.txt");
    const card = await h.waitForCard(idle);
    const recent = await h.startSession(OWNER, "recent enough");
    await h.waitForReply(recent, /user turns: 1/);
    await h.cardSaved(cardRequestId(card)); // written right after Slack accepts the card
    const now = Date.now();
    await editThread(h, slackKey(h, idle), (r) => ({ ...r, lastActivityAt: now - 5 * dayMs }));
    await editThread(h, slackKey(h, recent), (r) => ({ ...r, lastActivityAt: now - 2 * dayMs }));

    const from = h.output.length;
    await h.crashAndRestart();
    await h.waitForReply(
      idle,
      new RegExp(
        `⏹️ This session ended after 5 days without activity\\. 1 waiting prompt was closed\\. ${newSession}`,
      ),
    );
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "the idle session's card to close",
    });
    assert.match(visible(card), /Closed \(the session ended\)/);
    await h.slack.waitFor(() => (buttonsOf(idle).length === 0 ? idle : undefined), {
      what: "the header to show it ended",
    });
    assert.match(visible(idle), /Session ended after 5 days without activity/);
    assert.ok(
      !h.output.slice(from).some((l) => l.includes("session resumed") && l.includes(slackKey(h, idle))),
      "the idle session was not resumed",
    );
    const notices = h.slack.ephemerals.length;
    await h.say(idle, OWNER, "wake up");
    await h.slack.waitFor(
      () => h.slack.ephemerals.slice(notices).find((e) => e.user === OWNER && endedAnswer.test(e.text)),
      { what: "the ended answer" },
    );
    await h.say(recent, OWNER, "still with me?");
    await h.waitForReply(recent, /You said: still with me\?/);
    assert.equal(existsSync(join(h.workdir, "idle-never.txt")), false);
  });
});

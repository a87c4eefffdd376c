/**
 * The core bridge end to end (fake chat, real runtime, scripted model): commands, permission cards,
 * redelivered events, thread messages, platform failures and idle sessions. Queued messages and
 * per-person budgets are in core-bridge-queue.test.ts.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { APPROVER, OWNER, payloadOf, STRANGER, startBridge } from "./core-harness.js";

test("a command opens a thread named after its owner and the answer appears in it", async (t) => {
  const h = await startBridge(t);
  await h.chat.command(OWNER, "hello there");
  const thread = await h.threadOf();
  assert.match(thread.header.text, new RegExp(`Copilot session started by <@${OWNER}>`));
  assert.match(thread.header.text, /hello there/);
  assert.match(thread.header.text, /interactive/);
  const answer = await h.reply(thread, /You said: hello there \(user turns: 1\)/);
  await h.bridge.settled();
  assert.equal(answer.text, "You said: hello there (user turns: 1)");
  assert.deepEqual(h.chat.noticesFor(OWNER), [], "no notice for a command that worked");
});

test("shell card: strangers and bad clicks change nothing, the owner's approval runs it once", async (t) => {
  const h = await startBridge(t);
  await h.chat.command(OWNER, "RUN: touch approved.txt");
  const thread = await h.threadOf();
  const card = await h.card(thread);
  assert.match(card.text, /Run a shell command/);
  assert.match(card.text, /touch approved\.txt/);
  assert.deepEqual(
    card.buttons.map((b) => b.label),
    ["Approve once", "Deny", "Deny with reason…"],
  );
  const requestId = payloadOf(card, "perm.once");

  await h.chat.click(STRANGER, card, "perm.once", requestId);
  await h.noticeTo(
    STRANGER,
    new RegExp(`Only <@${OWNER}> or an approver can decide this. Nothing was changed.`),
  );
  await h.chat.click(OWNER, card, "perm.explode", requestId);
  await h.noticeTo(OWNER, /not one this bridge knows/);
  await h.chat.click(OWNER, card, "perm.once", "../../etc");
  await h.noticeTo(OWNER, /not one this bridge knows/, 1);
  await h.chat.click(OWNER, card, "perm.once", "a".repeat(500));
  await h.noticeTo(OWNER, /not one this bridge knows/, 2);
  await h.bridge.settled();
  assert.equal(card.edits, 0, "the card was not touched");
  assert.equal(card.buttons.length, 3);
  assert.equal(existsSync(join(h.workdir, "approved.txt")), false, "nothing ran");

  await h.chat.click(OWNER, card, "perm.once", requestId);
  await h.reply(thread, /Tool bash result/);
  assert.equal(existsSync(join(h.workdir, "approved.txt")), true, "the command ran");
  await h.reply(thread, /^✓ ran `touch approved\.txt`$/);
  await h.bridge.settled();
  assert.deepEqual(card.buttons, [], "the decided card has no buttons");
  assert.match(card.text, new RegExp(`Approved once by <@${OWNER}>`));
  assert.equal(card.edits, 1, "one edit shows the outcome");

  const before = h.chat.noticesFor(APPROVER).length;
  await h.chat.click(APPROVER, card, "perm.deny", requestId);
  await h.noticeTo(APPROVER, /already answered/, before);
  await h.bridge.settled();
  assert.match(card.text, new RegExp(`Approved once by <@${OWNER}>`), "the outcome stays");
  assert.equal(card.edits, 1);
});

test("deny with a reason: the modal's reason reaches the agent and nothing runs", async (t) => {
  const h = await startBridge(t);
  await h.chat.command(OWNER, "RUN: touch denied.txt");
  const thread = await h.threadOf();
  const card = await h.card(thread);
  await h.chat.click(APPROVER, card, "perm.deny_reason", payloadOf(card, "perm.deny_reason"));
  const opened = await h.chat.waitFor(() => h.chat.modals[0], "the deny modal");
  assert.equal(opened.user?.id, APPROVER);
  assert.equal(await h.chat.submitModal(APPROVER, opened, { reason: "not on a Friday" }), undefined);
  await h.reply(thread, /User feedback: not on a Friday/);
  await h.bridge.settled();
  assert.match(card.text, new RegExp(`Denied with a reason \\(Copilot goes on\\) by <@${APPROVER}>`));
  assert.match(card.text, /Reason: not on a Friday/);
  assert.deepEqual(card.buttons, []);
  assert.equal(existsSync(join(h.workdir, "denied.txt")), false);
});

test("commands that start nothing: empty, help, oversize", async (t) => {
  const h = await startBridge(t, { maxPromptChars: 200 });
  await h.chat.command(OWNER, "   ");
  await h.chat.command(OWNER, "help");
  await h.chat.command(OWNER, "x".repeat(201));
  const notices = h.chat.noticesFor(OWNER);
  assert.equal(notices.length, 3);
  assert.match(notices[0] ?? "", /^Usage: `\/copilot <what you want Copilot to do>`/);
  assert.equal(notices[1], notices[0]);
  assert.match(notices[2] ?? "", /201 characters long; the limit is 200\. Nothing was started\./);
  assert.equal(h.chat.threads.length, 0, "no thread was opened");
  assert.equal(h.model.requests.length, 0, "nothing reached the model");
});

test("a delivery seen twice (same event id) is handled once", async (t) => {
  const h = await startBridge(t);
  await h.chat.command(OWNER, "only once", { id: "ev-dup" });
  await h.chat.command(OWNER, "only once", { id: "ev-dup" });
  // Two deliveries of one event at the same moment (a retry racing the original).
  await Promise.all([1, 2].map(() => h.chat.command(OWNER, "raced", { id: "ev-race" })));
  assert.equal(h.chat.threads.length, 2, "one thread per distinct event");
  const thread = await h.threadOf();
  await h.reply(thread, /You said: only once \(user turns: 1\)/);
  await h.chat.message(thread, OWNER, "again", false, { id: "ev-msg" });
  await h.chat.message(thread, OWNER, "again", false, { id: "ev-msg" });
  await h.reply(thread, /You said: again \(user turns: 2\)/);
  // A later message counts the user turns the agent saw: a duplicate forwarded would make it 4.
  await h.chat.message(thread, OWNER, "last");
  await h.reply(thread, /You said: last \(user turns: \d+\)/);
  await h.bridge.settled();
  const answers = thread.replies.filter((r) => /You said/.test(r.text)).map((r) => r.text);
  assert.deepEqual(answers, [
    "You said: only once (user turns: 1)",
    "You said: again (user turns: 2)",
    "You said: last (user turns: 3)",
  ]);
});

test("thread messages: strangers need a mention, oversize ones are refused", async (t) => {
  const h = await startBridge(t, { maxPromptChars: 200 });
  await h.chat.command(OWNER, "first");
  const thread = await h.threadOf();
  await h.reply(thread, /You said: first \(user turns: 1\)/);
  await h.bridge.settled();
  await h.chat.message(thread, STRANGER, "ignored chatter");
  await h.chat.message(thread, STRANGER, "hey bot", true);
  await h.reply(thread, /You said: hey bot \(user turns: 2\)/);
  assert.ok(!h.model.requests.some((r) => r.messages.some((m) => m.content.includes("ignored chatter"))));
  await h.chat.message(thread, OWNER, "y".repeat(201));
  await h.noticeTo(OWNER, /201 characters long; the limit is 200\. It was not sent to Copilot\./);
  await h.bridge.settled();
  assert.ok(!h.model.requests.some((r) => r.messages.some((m) => m.content.includes("yyyy"))));
  assert.deepEqual(h.chat.noticesFor(STRANGER), [], "ignored messages get no notice");
});

test("approve for session on a file write: the card says so and the next write needs no card", async (t) => {
  const h = await startBridge(t);
  await h.chat.command(OWNER, "WRITE: a.txt hello");
  const thread = await h.threadOf();
  const card = await h.card(thread);
  assert.match(card.text, /Write a file/);
  assert.match(card.text, /a\.txt/);
  await h.chat.click(OWNER, card, "perm.session", payloadOf(card, "perm.session"));
  await h.reply(thread, /Tool create result: Created file .*a\.txt/);
  await h.bridge.settled();
  assert.match(card.text, new RegExp(`Approved for this session by <@${OWNER}>`));
  await h.chat.message(thread, OWNER, "WRITE: b.txt second");
  await h.reply(thread, /Tool create result: Created file .*b\.txt/);
  await h.bridge.settled();
  assert.equal(thread.replies.filter((r) => r.text.includes("🔐")).length, 1, "no second card");
  assert.equal(existsSync(join(h.workdir, "b.txt")), true);
});

test("a failed post of the answer does not lose it", async (t) => {
  const h = await startBridge(t);
  h.chat.failNext("post");
  await h.chat.command(OWNER, "hello there");
  const thread = await h.threadOf();
  await h.reply(thread, /^You said: hello there \(user turns: 1\)$/);
  assert.equal(h.chat.calls.post, thread.replies.length + 1, "the failed post was tried");
});

test("a platform failure opening the thread is told to the person who ran the command", async (t) => {
  const h = await startBridge(t);
  h.chat.failNext("openThread", new Error("channel_not_found"));
  await h.chat.command(OWNER, "hello");
  assert.equal(h.chat.threads.length, 0);
  const notices = h.chat.noticesFor(OWNER);
  // Every user-visible failure is a clear message, never a silent drop.
  assert.equal(notices.length, 1, `one notice expected, got ${JSON.stringify(notices)}`);
  assert.match(notices[0] ?? "", /could not|couldn't|failed/i);
});

test("a session without a prompt for longer than the idle limit ends at the next sweep; an active one does not", async (t) => {
  const day = 24 * 3600 * 1000;
  let offset = 0;
  const h = await startBridge(t, {
    now: () => Date.now() + offset,
    sessionIdleMs: 3 * day,
    sweepEveryMs: 100,
  });
  await h.chat.command(OWNER, "going quiet");
  const quiet = await h.threadOf(0);
  await h.reply(quiet, /user turns: 1/);
  offset += 2 * day;
  await h.chat.command(OWNER, "keeps talking");
  const busy = await h.threadOf(1);
  await h.reply(busy, /user turns: 1/);
  assert.deepEqual(
    quiet.header.buttons.map((b) => b.label),
    ["Stop", "Mode: plan", "Mode: autopilot", "End session"],
  );
  offset += 2 * day; // quiet: 4 days without a prompt; busy: 2
  await h.reply(
    quiet,
    /^⏹️ This session ended after 4 days without activity\. Start a new session with \/copilot <prompt>\.$/,
  );
  await h.chat.waitFor(
    () => (quiet.header.buttons.length === 0 ? quiet : undefined),
    "the header to lose its buttons",
  );
  assert.match(quiet.header.text, /⏹️ Session ended after 4 days without activity/);
  const asked = h.model.requests.length;
  await h.chat.message(quiet, OWNER, "hello?");
  await h.noticeTo(OWNER, /This Copilot session has ended\. Nothing was sent\./);
  await h.chat.message(busy, OWNER, "still here");
  await h.reply(busy, /You said: still here/);
  assert.equal(h.model.requests.length, asked + 1, "only the live session's message reached the model");
  assert.ok(!busy.replies.some((r) => /ended/.test(r.text)));
});

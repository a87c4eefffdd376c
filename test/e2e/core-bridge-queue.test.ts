/**
 * The core bridge end to end (fake chat, real runtime, scripted model): messages written while a turn
 * runs are queued, sent together when it ends, bounded, dropped by `stop`, and survive a failed turn;
 * strangers get a message budget per thread.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Reply, userTurns } from "../fakes/model/index.js";
import { APPROVER, OWNER, STRANGER, startBridge } from "./core-harness.js";

test("a message while the agent works is queued, said so, and answered after the turn", async (t) => {
  const h = await startBridge(t);
  await h.chat.command(OWNER, "SLOW: 1500");
  const thread = await h.threadOf();
  await h.chat.waitFor(() => h.model.requests.length > 0, "the model to be asked");
  await h.chat.message(thread, OWNER, "and then this");
  const queued = await h.reply(thread, /queued/);
  assert.match(queued.text, new RegExp(`message from <@${OWNER}> is queued \\(1 waiting\\)`));
  assert.ok(!thread.replies.some((r) => r.text === "slow done"), "queued while the turn still ran");
  const answer = await h.reply(thread, /You said: and then this \(user turns: 2\)/);
  const order = thread.replies.map((r) => r.text);
  assert.ok(order.indexOf("slow done") >= 0, `the first answer is shown:\n${order.join("\n")}`);
  assert.ok(order.indexOf("slow done") < order.indexOf(answer.text), "answers in order");
  await h.bridge.settled();
  assert.equal(queued.text, `📨 The queued message from <@${OWNER}> was sent to Copilot.`);
});

test("messages queued during a turn go as one prompt, senders named; the queue is bounded", async (t) => {
  const h = await startBridge(t, { maxQueued: 3 });
  await h.chat.command(OWNER, "SLOW: 2000");
  const thread = await h.threadOf();
  await h.chat.waitFor(() => h.model.requests.length > 0, "the model to be asked");
  await h.chat.message(thread, OWNER, "one");
  await h.chat.message(thread, STRANGER, "two", true);
  await h.chat.message(thread, APPROVER, "three");
  await h.chat.message(thread, OWNER, "four");
  await h.noticeTo(
    OWNER,
    /^This session's queue is full: 3 messages are waiting .* try again when the turn ends\.$/,
  );
  const notice = await h.reply(thread, /queued \(3 waiting\)/);
  await h.reply(thread, /\(user turns: 2\)/);
  await h.bridge.settled();
  assert.equal(
    userTurns(h.model.requests.at(-1)?.messages ?? []).at(-1),
    [
      `From slack user ${OWNER} (the session owner):\none`,
      `From slack user ${STRANGER}:\ntwo`,
      `From slack user ${APPROVER}:\nthree`,
    ].join("\n\n"),
  );
  assert.ok(!h.model.requests.some((r) => JSON.stringify(r.messages).includes("four")), "refused, not sent");
  assert.equal(
    notice.text,
    `📨 3 queued messages from <@${OWNER}>, <@${STRANGER}> and <@${APPROVER}> were sent to Copilot together.`,
  );
  assert.equal(thread.replies.filter((r) => /queued/.test(r.text)).length, 1, "one notice for the turn");
});

test("queued messages that do not fit in one prompt wait for the next turn", async (t) => {
  const h = await startBridge(t, { maxPromptChars: 30 });
  await h.chat.command(OWNER, "SLOW: 1500");
  const thread = await h.threadOf();
  await h.chat.waitFor(() => h.model.requests.length > 0, "the model to be asked");
  for (const text of ["queued-one--", "queued-two--", "queued-three"])
    await h.chat.message(thread, OWNER, text);
  await h.reply(thread, /You said: queued-three \(user turns: 3\)/);
  const prompts = h.model.requests.map((r) => userTurns(r.messages).at(-1));
  assert.deepEqual(
    prompts.filter((p) => p?.startsWith("queued")),
    ["queued-one--\n\nqueued-two--", "queued-three"],
  );
});

test("stop drops the queued messages and says so", async (t) => {
  const h = await startBridge(t);
  await h.chat.command(OWNER, "SLOW: 3000");
  const thread = await h.threadOf();
  await h.chat.waitFor(() => h.model.requests.length > 0, "the model to be asked");
  await h.chat.message(thread, STRANGER, "queued one", true);
  await h.chat.message(thread, STRANGER, "queued two", true);
  await h.chat.message(thread, OWNER, "stop");
  await h.reply(
    thread,
    new RegExp(
      `^⏹️ Stopped by <@${OWNER}>\\. 2 queued messages were dropped\\. Reply in this thread to continue\\.$`,
    ),
  );
  await h.reply(
    thread,
    new RegExp(`^🗑️ 2 queued messages from <@${STRANGER}> were not sent: the turn was stopped\\.$`),
  );
  // The barrier: a message written now would be queued behind anything still queued and sent with
  // it, so once its answer is in, a dropped message that was sent after all would be among the requests.
  await h.chat.message(thread, OWNER, "still there?");
  await h.reply(thread, /You said: still there\? \(user turns: 2\)/);
  assert.ok(!h.model.requests.some((r) => JSON.stringify(r.messages).includes("queued one")));
});

test("a stranger gets a budget per thread (told once, with when to try again); owner and approvers do not", async (t) => {
  let offset = 0;
  const h = await startBridge(t, {
    userRate: { count: 2, windowMs: 60_000 },
    now: () => Date.now() + offset,
  });
  await h.chat.command(OWNER, "first");
  const thread = await h.threadOf();
  await h.reply(thread, /user turns: 1/);
  await h.chat.message(thread, STRANGER, "s1", true);
  await h.reply(thread, /You said: s1/);
  await h.chat.message(thread, STRANGER, "help", true);
  await h.reply(thread, /`stop` aborts the current turn/);
  await h.chat.message(thread, STRANGER, "s3", true);
  await h.chat.message(thread, STRANGER, "s4", true);
  await h.bridge.settled();
  const told = h.chat.noticesFor(STRANGER);
  assert.equal(told.length, 1, `told once: ${JSON.stringify(told)}`);
  assert.match(
    told[0] ?? "",
    /^You have sent 2 messages in this thread in the last minute, the most anyone but the session's owner and approvers may\. This one was not sent to Copilot; try again in [1-6]?\d s\.$/,
  );
  for (const [i, user] of [OWNER, APPROVER, OWNER, APPROVER].entries()) {
    await h.chat.message(thread, user, `m${i}`);
    await h.reply(thread, new RegExp(`You said: m${i} `));
  }
  assert.deepEqual(h.chat.noticesFor(OWNER), []);
  assert.deepEqual(h.chat.noticesFor(APPROVER), []);
  assert.ok(!h.model.requests.some((r) => JSON.stringify(r.messages).includes("s3")), "refused, not sent");
  offset += 61_000; // a new window
  await h.chat.message(thread, STRANGER, "s5", true);
  await h.reply(thread, /You said: s5/);
});

test("a model error is shown in the thread and the queued messages still go through, in order", async (t) => {
  const h = await startBridge(t);
  // biome-ignore lint/suspicious/noThenProperty: `then` is part of the Reply API (never awaited)
  const failure: Reply = { stallMs: 600, then: { error: 400, message: "bad things" } };
  h.model.setResponder((req) => (userTurns(req.messages).at(-1) === "BOOM" ? failure : undefined));
  await h.chat.command(OWNER, "BOOM");
  const thread = await h.threadOf();
  await h.chat.waitFor(() => h.model.requests.length > 0, "the model to be asked");
  await h.chat.message(thread, OWNER, "one");
  await h.chat.message(thread, OWNER, "two");
  // Both were queued during the failing turn: they go on together, as one turn, in order.
  await h.reply(thread, /^You said: one\n\ntwo \(user turns: 2\)$/);
  const texts = thread.replies.map((r) => r.text);
  const at = (re: RegExp) => texts.findIndex((x) => re.test(x));
  assert.ok(at(/⚠️ Copilot error: 400 bad things/) >= 0, h.chat.dump());
  assert.ok(at(/Copilot error/) < at(/You said: one/), h.chat.dump());
  assert.equal(userTurns(h.model.requests.at(-1)?.messages ?? []).at(-1), "one\n\ntwo");
});

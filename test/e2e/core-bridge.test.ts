import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SdkGateway } from "../../src/copilot/gateway.js";
import { Bridge, type BridgeOptions } from "../../src/core/bridge.js";
import { silentLogger } from "../../src/core/log.js";
import { AccessPolicy } from "../../src/core/policy.js";
import { KeyvBridgeStore } from "../../src/store/keyv-store.js";
import { FakeChat, type ShownMessage, type ShownThread } from "../fakes/chat.js";
import { FakeModel, type Reply, userTurns } from "../fakes/model/index.js";

const OWNER = "UOWNER";
const APPROVER = "UAPPROVER";
const STRANGER = "USTRANGER";

/** A Bridge with a fake chat, the real bundled Copilot runtime and a scripted model, all private to one test. */
async function startBridge(
  t: { after(fn: () => Promise<void>): void },
  opts: {
    maxPromptChars?: number;
    maxQueued?: number;
    userRate?: BridgeOptions["userRate"];
    now?: () => number;
    sessionIdleMs?: number;
    sweepEveryMs?: number;
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), "ccb-core-"));
  const workdir = join(dir, "work");
  const home = join(dir, "copilot-home");
  mkdirSync(workdir);
  const model = await FakeModel.start();
  const chat = new FakeChat();
  const bridge = new Bridge({
    adapters: [chat],
    gateway: new SdkGateway({
      log: silentLogger,
      runtimeHome: home,
      env: { ...process.env, HOME: dir, COPILOT_HOME: home },
      provider: { type: "openai", baseUrl: model.baseUrl, apiKey: "fake-model-key" },
      model: "fake-model",
    }),
    store: KeyvBridgeStore.open("memory://", silentLogger),
    policy: new AccessPolicy({ approvers: [{ platform: "slack", id: APPROVER }] }),
    log: silentLogger,
    workingDirectory: workdir,
    maxPromptChars: opts.maxPromptChars ?? 20_000,
    ...(opts.maxQueued ? { maxQueued: opts.maxQueued } : {}),
    ...(opts.userRate ? { userRate: opts.userRate } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.sessionIdleMs ? { sessionIdleMs: opts.sessionIdleMs } : {}),
    ...(opts.sweepEveryMs ? { sweepEveryMs: opts.sweepEveryMs } : {}),
    streamIntervalMs: 50,
    dedupTtlMs: 60_000,
    resumeConcurrency: 2,
  });
  t.after(async () => {
    await bridge.stop();
    await model.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await bridge.start();

  const threadOf = (n = 0) => chat.waitFor(() => chat.threads[n], `thread #${n + 1}`);
  const reply = (thread: ShownThread, match: RegExp) =>
    chat.waitFor(() => thread.replies.find((r) => match.test(r.text)), `a reply matching ${match}`);
  const card = (thread: ShownThread) =>
    chat.waitFor(() => thread.replies.find((r) => r.text.includes("🔐")), "a permission card");
  const noticeTo = (user: string, match: RegExp, from = 0) =>
    chat.waitFor(
      () =>
        chat
          .noticesFor(user)
          .slice(from)
          .find((n) => match.test(n)),
      `a notice to ${user} matching ${match}`,
    );
  return { chat, model, bridge, workdir, threadOf, reply, card, noticeTo };
}

function payloadOf(card: ShownMessage, action: string): string {
  const button = card.buttons.find((b) => b.action === action);
  assert.ok(button, `no ${action} button on the card:\n${card.text}`);
  return button.payload;
}

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
  await new Promise((r) => setTimeout(r, 1000));
  assert.ok(!h.model.requests.some((r) => JSON.stringify(r.messages).includes("queued one")));
  await h.chat.message(thread, OWNER, "still there?");
  await h.reply(thread, /You said: still there\? \(user turns: 2\)/);
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

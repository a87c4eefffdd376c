import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import { chunkMarkdown } from "../../src/core/chunk.js";
import { RateDeferred } from "../../src/core/errors.js";
import { LiveMessage } from "../../src/core/live-message.js";
import type { SendOptions } from "../../src/core/ports/chat.js";
import { SerialQueue } from "../../src/core/serial.js";
import type { Message } from "../../src/core/types.js";
import { FakeChat } from "../fakes/chat.js";

/**
 * A LiveMessage showing `content.text` in a fresh thread of a fake chat, as the transcript does, on
 * the test's mock clock: time passes only in `advance` and `until`.
 */
async function setup(
  t: TestContext,
  intervalMs: number,
  limits = { messageChars: 3500, cardCodeChars: 1500, messagesPerReply: 6 },
) {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"], now: 1_700_000_000_000 });
  const chat = new FakeChat(limits);
  const { thread } = await chat.openThread(
    { platform: "slack", channel: "C1", workspace: "T1" },
    { blocks: [{ type: "line", inline: ["header"] }], summary: "header" },
  );
  const errors: unknown[] = [];
  const queue = new SerialQueue((error) => errors.push(error));
  const content = { text: "" };
  const render = (): Message[] =>
    chunkMarkdown(content.text, chat.limits.messageChars).map((chunk) => ({
      blocks: [{ type: "markdown", text: chunk }],
      summary: chunk.slice(0, 150),
    }));
  /** Interim sends to refuse with RateDeferred (as an adapter short of rate budget does). */
  const budget = { defer: 0, deferMs: 30, deferred: 0, interim: [] as boolean[] };
  const gate = (options: SendOptions) => {
    budget.interim.push(options.interim === true);
    if (options.interim && budget.defer > 0) {
      budget.defer--;
      budget.deferred++;
      throw new RateDeferred(budget.deferMs);
    }
  };
  const live = new LiveMessage(
    {
      post: async (m, options) => {
        gate(options);
        return chat.post(thread, m);
      },
      edit: async (ref, m, options) => {
        gate(options);
        return chat.edit(ref, m);
      },
      schedule: (task) => queue.push(task),
      intervalMs,
      now: () => Date.now(),
    },
    render,
  );
  /** Lets `ms` pass on the mock clock, a few at a time, running what each step queued. */
  const advance = async (ms: number, stepMs = 5) => {
    await queue.idle();
    for (let passed = 0; passed < ms; passed += stepMs) {
      t.mock.timers.tick(Math.min(stepMs, ms - passed));
      await queue.idle();
    }
  };
  /** Lets time pass until `probe` holds; fails when it does not within `withinMs` of mock time. */
  const until = async <T>(probe: () => T | undefined | false, what: string, withinMs = 10_000) => {
    const started = Date.now();
    for (;;) {
      await queue.idle();
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() - started >= withinMs) assert.fail(`not within ${withinMs} ms: ${what}\n${chat.dump()}`);
      t.mock.timers.tick(5);
    }
  };
  const replies = () => chat.thread(thread).replies;
  const shownText = () =>
    replies()
      .map((r) => r.text)
      .join("");
  return { chat, thread, queue, content, live, replies, shownText, errors, budget, advance, until };
}

test("100 rapid changes are coalesced into a few updates that end with the final content", async (t) => {
  const interval = 40;
  const s = await setup(t, interval);
  const started = Date.now();
  for (let i = 1; i <= 100; i++) {
    s.content.text += `word${i} `;
    s.live.changed();
    if (i % 10 === 0) await s.advance(15);
  }
  s.content.text += "THE END";
  s.live.changed();
  // Not complete(): coalescing alone must bring the last content within about one interval.
  await s.until(() => s.shownText().endsWith("THE END"), "the final content", interval * 10);
  await s.queue.idle();
  const elapsed = Date.now() - started;
  const updates = s.chat.calls.post + s.chat.calls.edit;
  assert.equal(s.replies().length, 1, "one message follows the content");
  assert.ok(updates >= 2, `the content was shown while it changed (${updates} updates)`);
  assert.ok(
    updates <= Math.floor(elapsed / interval) + 2,
    `${updates} updates in ${elapsed} ms with a ${interval} ms interval`,
  );
  assert.equal(s.replies()[0]?.text, s.content.text);
  assert.deepEqual(s.errors, []);
});

test("complete() shows the final content at once, without waiting for the interval", async (t) => {
  const s = await setup(t, 5000);
  s.content.text = "first";
  s.live.changed();
  await s.until(() => s.replies().length === 1, "the first post");
  s.content.text = "first and more";
  s.live.changed(); // inside the interval: deferred by 5 s
  await s.advance(4900, 100);
  assert.equal(s.replies()[0]?.text, "first", "a change inside the interval waits");
  s.content.text = "first and more, done";
  s.live.complete();
  await s.queue.idle(); // no time passes
  assert.equal(s.replies()[0]?.text, "first and more, done", "the final content is shown at once");
  assert.equal(s.replies()[0]?.edits, 1, "one edit for the final content");
  s.content.text += " (late)";
  s.live.changed(); // after complete(): nothing more is shown
  await s.advance(6000, 100); // past the interval the change would otherwise have waited for
  assert.equal(s.chat.calls.edit, 1);
  assert.equal(s.replies()[0]?.text, "first and more, done");
});

test("content that outgrows one message continues in a second one, in order", async (t) => {
  const limit = 120;
  const s = await setup(t, 10, { messageChars: limit, cardCodeChars: 100, messagesPerReply: 100 });
  const lines = Array.from({ length: 12 }, (_, i) => `line ${String(i).padStart(2, "0")} of the answer`);
  for (const line of lines) {
    s.content.text += `${line}\n`;
    s.live.changed();
    await s.advance(15);
  }
  s.live.complete();
  await s.queue.idle();
  const replies = s.replies();
  assert.ok(replies.length >= 2, `expected a continuation message, got ${replies.length}`);
  for (const r of replies) assert.ok(r.text.length <= limit, `a message of ${r.text.length} chars`);
  const shownLines = replies.flatMap((r) => r.text.split("\n")).filter((l) => l !== "");
  assert.deepEqual(shownLines, lines, "every line once, in order, across the messages");
  const posted = replies.map((r) => Number(r.ref.id));
  assert.deepEqual(
    posted,
    [...posted].sort((a, b) => a - b),
    "the first part was posted first",
  );
});

test("a failed edit does not lose content: the next change shows the latest text", async (t) => {
  const s = await setup(t, 20);
  s.content.text = "one";
  s.live.changed();
  await s.until(() => s.replies().length === 1, "the first post");
  s.chat.failNext("edit");
  s.content.text = "one two";
  s.live.changed();
  await s.until(() => s.chat.calls.edit === 1, "the failing edit");
  await s.queue.idle();
  assert.equal(s.replies()[0]?.text, "one", "the failed edit changed nothing");
  assert.equal(s.errors.length, 1, "the failure was reported");
  s.content.text = "one two three";
  s.live.changed();
  await s.until(() => s.replies()[0]?.text === "one two three", "the latest content");
  assert.equal(s.replies().length, 1, "still one message");
});

test("a failed first post is retried on the next change instead of being dropped", async (t) => {
  const s = await setup(t, 20);
  s.chat.failNext("post");
  s.content.text = "hello";
  s.live.changed();
  await s.until(() => s.chat.calls.post === 1, "the failing post");
  await s.queue.idle();
  assert.equal(s.replies().length, 0);
  s.content.text = "hello world";
  s.live.complete();
  await s.queue.idle();
  assert.deepEqual(
    s.replies().map((r) => r.text),
    ["hello world"],
  );
});

test("when the final update fails after the platform's retries, it is tried again later", async (t) => {
  const s = await setup(t, 10);
  s.content.text = "partial";
  s.live.changed();
  await s.until(() => s.shownText() === "partial", "the partial content", 2000);
  s.chat.failNext("edit", new Error("503 from the platform"));
  s.content.text = "partial and final";
  s.live.complete();
  await s.queue.idle();
  assert.equal(s.shownText(), "partial", "the failed edit did not show");
  await s.until(() => s.shownText() === "partial and final", "the retried final content", 3000);
  assert.equal(s.errors.length, 1);
});

test("an interim update the adapter defers is tried again when told, with the content of that moment", async (t) => {
  const s = await setup(t, 10);
  s.budget.defer = 3;
  s.budget.deferMs = 40;
  s.content.text = "one";
  s.live.changed();
  await s.until(() => s.budget.deferred === 1, "the first deferral");
  s.content.text = "one two";
  s.live.changed(); // a retry is already due: no extra update
  await s.until(() => s.replies().length === 1, "the post after three deferrals", 2000);
  assert.equal(s.budget.deferred, 3);
  assert.equal(s.replies()[0]?.text, "one two", "the post shows the content of when it went out");
  assert.equal(s.chat.calls.post, 1, "deferred sends reached nothing");
  assert.deepEqual(s.errors, [], "a deferral is not a failure");
});

test("the final update is never interim, and goes out even while interim ones are deferred", async (t) => {
  const s = await setup(t, 10);
  s.content.text = "partial";
  s.live.changed();
  await s.until(() => s.replies().length === 1, "the first post");
  s.budget.defer = 1000;
  s.budget.deferMs = 5000;
  s.content.text = "partial and more";
  s.live.changed();
  await s.until(() => s.budget.deferred === 1, "the deferred interim edit");
  s.content.text = "partial and more, final";
  s.live.complete();
  await s.queue.idle();
  assert.equal(s.shownText(), "partial and more, final", "the final content, at once");
  assert.equal(s.budget.interim.at(-1), false, "the last send was not interim");
  await s.advance(6000, 100); // past the deferred edit's retry (5 s) and any interval
  assert.equal(s.chat.calls.edit, 1, "no interim edit after the final one");
  assert.deepEqual(s.errors, []);
});

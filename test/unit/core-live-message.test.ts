import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { chunkMarkdown } from "../../src/core/chunk.js";
import { RateDeferred } from "../../src/core/errors.js";
import { LiveMessage } from "../../src/core/live-message.js";
import type { SendOptions } from "../../src/core/ports/chat.js";
import { SerialQueue } from "../../src/core/serial.js";
import type { Message } from "../../src/core/types.js";
import { FakeChat } from "../fakes/chat.js";

/** A LiveMessage showing `content.text` in a fresh thread of a fake chat, as the transcript does. */
async function setup(
  intervalMs: number,
  limits = { messageChars: 3500, cardCodeChars: 1500, messagesPerReply: 6 },
) {
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
      now: Date.now,
    },
    render,
  );
  const replies = () => chat.thread(thread).replies;
  const shownText = () =>
    replies()
      .map((r) => r.text)
      .join("");
  return { chat, thread, queue, content, live, replies, shownText, errors, budget };
}

test("100 rapid changes are coalesced into a few updates that end with the final content", async () => {
  const interval = 40;
  const s = await setup(interval);
  const started = Date.now();
  for (let i = 1; i <= 100; i++) {
    s.content.text += `word${i} `;
    s.live.changed();
    if (i % 10 === 0) await sleep(15);
  }
  s.content.text += "THE END";
  s.live.changed();
  // Not complete(): coalescing alone must bring the last content within about one interval.
  await s.chat.waitFor(() => s.shownText().endsWith("THE END"), "the final content", interval * 10);
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

test("complete() shows the final content at once, without waiting for the interval", async () => {
  const s = await setup(5000);
  s.content.text = "first";
  s.live.changed();
  await s.chat.waitFor(() => s.replies().length === 1, "the first post");
  s.content.text = "first and more";
  s.live.changed(); // inside the interval: deferred by ~5 s
  await sleep(20);
  assert.equal(s.replies()[0]?.text, "first", "a change inside the interval waits");
  const before = Date.now();
  s.content.text = "first and more, done";
  s.live.complete();
  await s.chat.waitFor(() => s.replies()[0]?.text === "first and more, done", "the final content", 1000);
  assert.ok(Date.now() - before < 1000);
  assert.equal(s.replies()[0]?.edits, 1, "one edit for the final content");
  s.live.changed(); // after complete(): nothing more is shown
  await sleep(20);
  await s.queue.idle();
  assert.equal(s.chat.calls.edit, 1);
});

test("content that outgrows one message continues in a second one, in order", async () => {
  const limit = 120;
  const s = await setup(10, { messageChars: limit, cardCodeChars: 100, messagesPerReply: 100 });
  const lines = Array.from({ length: 12 }, (_, i) => `line ${String(i).padStart(2, "0")} of the answer`);
  for (const line of lines) {
    s.content.text += `${line}\n`;
    s.live.changed();
    await sleep(15);
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

test("a failed edit does not lose content: the next change shows the latest text", async () => {
  const s = await setup(20);
  s.content.text = "one";
  s.live.changed();
  await s.chat.waitFor(() => s.replies().length === 1, "the first post");
  s.chat.failNext("edit");
  s.content.text = "one two";
  s.live.changed();
  await s.chat.waitFor(() => s.chat.calls.edit === 1, "the failing edit");
  await s.queue.idle();
  assert.equal(s.replies()[0]?.text, "one", "the failed edit changed nothing");
  assert.equal(s.errors.length, 1, "the failure was reported");
  s.content.text = "one two three";
  s.live.changed();
  await s.chat.waitFor(() => s.replies()[0]?.text === "one two three", "the latest content");
  assert.equal(s.replies().length, 1, "still one message");
});

test("a failed first post is retried on the next change instead of being dropped", async () => {
  const s = await setup(20);
  s.chat.failNext("post");
  s.content.text = "hello";
  s.live.changed();
  await s.chat.waitFor(() => s.chat.calls.post === 1, "the failing post");
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

test("when the final update fails after the platform's retries, it is tried again later", async () => {
  const s = await setup(10);
  s.content.text = "partial";
  s.live.changed();
  await s.chat.waitFor(() => s.shownText() === "partial", "the partial content", 2000);
  s.chat.failNext("edit", new Error("503 from the platform"));
  s.content.text = "partial and final";
  s.live.complete();
  await s.queue.idle();
  assert.equal(s.shownText(), "partial", "the failed edit did not show");
  await s.chat.waitFor(() => s.shownText() === "partial and final", "the retried final content", 3000);
  assert.equal(s.errors.length, 1);
});

test("an interim update the adapter defers is tried again when told, with the content of that moment", async () => {
  const s = await setup(10);
  s.budget.defer = 3;
  s.budget.deferMs = 40;
  s.content.text = "one";
  s.live.changed();
  await s.chat.waitFor(() => s.budget.deferred === 1, "the first deferral");
  s.content.text = "one two";
  s.live.changed(); // a retry is already due: no extra update
  await s.chat.waitFor(() => s.replies().length === 1, "the post after three deferrals", 2000);
  assert.equal(s.budget.deferred, 3);
  assert.equal(s.replies()[0]?.text, "one two", "the post shows the content of when it went out");
  assert.equal(s.chat.calls.post, 1, "deferred sends reached nothing");
  assert.deepEqual(s.errors, [], "a deferral is not a failure");
});

test("the final update is never interim, and goes out even while interim ones are deferred", async () => {
  const s = await setup(10);
  s.content.text = "partial";
  s.live.changed();
  await s.chat.waitFor(() => s.replies().length === 1, "the first post");
  s.budget.defer = 1000;
  s.budget.deferMs = 5000;
  s.content.text = "partial and more";
  s.live.changed();
  await s.chat.waitFor(() => s.budget.deferred === 1, "the deferred interim edit");
  s.content.text = "partial and more, final";
  s.live.complete();
  await s.chat.waitFor(() => s.shownText() === "partial and more, final", "the final content", 1000);
  assert.equal(s.budget.interim.at(-1), false, "the last send was not interim");
  await sleep(50);
  assert.equal(s.chat.calls.edit, 1, "no interim edit after the final one");
  assert.deepEqual(s.errors, []);
});

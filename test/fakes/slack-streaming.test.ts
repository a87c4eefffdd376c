/**
 * The fake Slack's agent surfaces through the real @slack/web-api WebClient (the one inside
 * @slack/bolt) and the real Bolt App: chat.startStream / appendStream / stopStream and
 * `client.chatStream()`, assistant.threads.setStatus, agents.sessions.setStatus, their tiers, and
 * the native Stop button's agent_session_stopped event over Socket Mode and HTTP.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, afterEach, before, describe, it } from "node:test";
import { App, LogLevel, webApi } from "@slack/bolt";
import { FakeSlack } from "./slack/index.js";
import { CHANNEL, clientOptions, silent, USER } from "./slack-bolt.js";

const platformError = (error: string) => (e: unknown) =>
  (e as { data?: { error?: string } }).data?.error === error;

const rateLimited = (retryAfter: number) => (e: unknown) => {
  const err = e as { code?: string; retryAfter?: number };
  return err.code === webApi.ErrorCode.RateLimitedError && err.retryAfter === retryAfter;
};

/** A client that surfaces every error (no retries, 429s rejected). */
const clientFor = (fake: FakeSlack, token = fake.botToken) =>
  new webApi.WebClient(token, { ...clientOptions(fake), logger: silent, rejectRateLimitedCalls: true });

describe("fake Slack streamed messages", () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;
  const recipient = { recipient_user_id: USER, recipient_team_id: "T0001" };
  /** A fresh thread root (a user's message) and a stream started in it. */
  const start = async (extra: Record<string, unknown> = {}) => {
    const thread_ts = fake.nextTs();
    const res = await client.chat.startStream({ channel: CHANNEL, thread_ts, ...recipient, ...extra });
    return { thread_ts, ts: res.ts as string, res };
  };

  before(async () => {
    fake = await FakeSlack.start();
    client = clientFor(fake);
  });
  after(() => fake.stop());

  it("startStream makes one bot message in the thread, answers {channel, ts}, and streams into it", async () => {
    const { thread_ts, ts, res } = await start({ markdown_text: "**Hel" });
    assert.equal(res.ok, true);
    assert.equal(res.channel, CHANNEL);
    assert.match(ts, /^\d{10}\.\d{6}$/);
    const [message] = fake.thread(CHANNEL, thread_ts);
    assert.equal(fake.thread(CHANNEL, thread_ts).length, 1);
    assert.equal(message?.ts, ts);
    assert.equal(message?.user, fake.botUserId);
    assert.equal(message?.text, "**Hel");
    const stream = fake.stream(CHANNEL, ts);
    assert.equal(stream?.state, "streaming");
    assert.equal(stream?.task_display_mode, "timeline");
    assert.deepEqual([stream?.recipient_user_id, stream?.recipient_team_id], [USER, "T0001"]);
    // Form-encoded chunks (the WebClient JSON-encodes arrays) are parsed back.
    await client.chat.appendStream({ channel: CHANNEL, ts, markdown_text: "lo**" });
    await client.chat.appendStream({
      channel: CHANNEL,
      ts,
      chunks: [
        { type: "markdown_text", text: " world" },
        { type: "plan_update", title: "Fix the bug" },
        { type: "task_update", id: "t1", title: "Read code", status: "in_progress" },
        { type: "task_update", id: "t2", title: "Run tests", status: "pending" },
      ],
    });
    await client.chat.appendStream({
      channel: CHANNEL,
      ts,
      chunks: [
        { type: "task_update", id: "t1", title: "Read code", status: "complete", output: "3 files" },
        { type: "plan_update", title: "Fix the bug, then test" },
      ],
    });
    assert.equal(stream?.markdown, "**Hello** world");
    assert.equal(fake.thread(CHANNEL, thread_ts)[0]?.text, "**Hello** world");
    assert.equal(stream?.plan, "Fix the bug, then test");
    assert.deepEqual(stream?.tasks, {
      t1: { id: "t1", title: "Read code", status: "complete", output: "3 files" },
      t2: { id: "t2", title: "Run tests", status: "pending" },
    });
    assert.deepEqual(
      stream?.taskUpdates.map((t) => `${t.id}:${t.status}`),
      ["t1:in_progress", "t2:pending", "t1:complete"],
    );
    assert.equal(stream?.appends, 3);
    // conversations.replies shows it like any reply.
    const replies = await client.conversations.replies({ channel: CHANNEL, ts: thread_ts });
    assert.deepEqual(
      replies.messages?.map((m) => [m.ts, m.text]),
      [[ts, "**Hello** world"]],
    );
  });

  it("appends go to that message only, even with two streams in one thread", async () => {
    const { thread_ts, ts: first } = await start({ markdown_text: "one" });
    const second = await client.chat.startStream({ channel: CHANNEL, thread_ts, ...recipient });
    await client.chat.appendStream({ channel: CHANNEL, ts: second.ts as string, markdown_text: "two" });
    assert.deepEqual(
      fake.thread(CHANNEL, thread_ts).map((m) => m.text),
      ["one", "two"],
    );
    assert.equal(fake.stream(CHANNEL, first)?.appends, 0);
    assert.equal(fake.streams(CHANNEL, thread_ts).length, 2);
    // The same ts in another channel is another message: none there.
    await assert.rejects(
      client.chat.appendStream({ channel: "C0OTHER", ts: first, markdown_text: "x" }),
      platformError("message_not_found"),
    );
  });

  it("stopStream finalizes: last content, blocks after it, metadata; then append and stop fail", async () => {
    const { thread_ts, ts } = await start({ markdown_text: "Done" });
    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "Was this useful?" } }];
    const stopped = await client.chat.stopStream({
      channel: CHANNEL,
      ts,
      chunks: [
        { type: "markdown_text", text: "." },
        { type: "blocks", blocks: [{ type: "divider" }] },
      ],
      blocks,
      metadata: { event_type: "copilot_reply", event_payload: { session: "s1" } },
    });
    assert.equal(stopped.ts, ts);
    assert.equal(stopped.message?.text, "Done.");
    assert.equal(stopped.message?.thread_ts, thread_ts);
    assert.deepEqual(stopped.message?.blocks, [{ type: "divider" }, ...blocks]);
    const stream = fake.stream(CHANNEL, ts);
    assert.equal(stream?.state, "stopped");
    assert.deepEqual(stream?.metadata, { event_type: "copilot_reply", event_payload: { session: "s1" } });
    await assert.rejects(
      client.chat.appendStream({ channel: CHANNEL, ts, markdown_text: "more" }),
      platformError("message_not_in_streaming_state"),
    );
    await assert.rejects(
      client.chat.stopStream({ channel: CHANNEL, ts }),
      platformError("message_not_in_streaming_state"),
    );
    assert.equal(fake.thread(CHANNEL, thread_ts)[0]?.text, "Done.");
  });

  it("answers the errors Slack documents for bad targets and arguments", async () => {
    const unknownTs = fake.nextTs();
    await assert.rejects(
      client.chat.appendStream({ channel: CHANNEL, ts: unknownTs, markdown_text: "x" }),
      platformError("message_not_found"),
    );
    await assert.rejects(
      client.chat.stopStream({ channel: CHANNEL, ts: unknownTs }),
      platformError("message_not_found"),
    );
    const plain = await client.chat.postMessage({ channel: CHANNEL, text: "not a stream" });
    await assert.rejects(
      client.chat.appendStream({ channel: CHANNEL, ts: plain.ts as string, markdown_text: "x" }),
      platformError("message_not_in_streaming_state"),
    );
    const userTs = fake.nextTs();
    fake.messages.push({ channel: CHANNEL, ts: userTs, text: "a person's", user: USER, edits: 0 });
    await assert.rejects(
      client.chat.appendStream({ channel: CHANNEL, ts: userTs, markdown_text: "x" }),
      platformError("message_not_owned_by_app"),
    );
    // thread_ts is required: Slack's invalid_arguments, naming the field.
    const noThread = client.apiCall("chat.startStream", { channel: CHANNEL, ...recipient });
    await assert.rejects(noThread, (e: unknown) => {
      const data = (e as { data?: { error?: string; response_metadata?: { messages?: string[] } } }).data;
      return (
        data?.error === "invalid_arguments" &&
        data.response_metadata?.messages?.[0] === "[ERROR] missing required field: thread_ts"
      );
    });
    const thread_ts = fake.nextTs();
    await assert.rejects(
      client.chat.startStream({ channel: CHANNEL, thread_ts, recipient_team_id: "T0001" }),
      platformError("missing_recipient_user_id"),
    );
    await assert.rejects(
      client.chat.startStream({ channel: CHANNEL, thread_ts, recipient_user_id: USER }),
      platformError("missing_recipient_team_id"),
    );
    await assert.rejects(
      client.chat.startStream({ channel: CHANNEL, thread_ts, ...recipient, recipient_user_id: "nobody" }),
      platformError("user_not_found"),
    );
    await assert.rejects(
      client.chat.startStream({ channel: CHANNEL, thread_ts, ...recipient, task_display_mode: "list" }),
      platformError("invalid_arguments"),
    );
    const plan = await client.chat.startStream({
      channel: CHANNEL,
      thread_ts,
      ...recipient,
      task_display_mode: "plan",
    });
    assert.equal(fake.stream(CHANNEL, plan.ts as string)?.task_display_mode, "plan");
    // In a DM the recipient is implied; an IM the app has not opened is no channel for it.
    fake.addUser({ id: "U0DM" });
    await assert.rejects(
      client.chat.startStream({ channel: "D00000001", thread_ts, markdown_text: "x" }),
      platformError("channel_not_found"),
    );
    const im = await client.conversations.open({ users: "U0DM" });
    const dm = await client.chat.startStream({
      channel: im.channel?.id as string,
      thread_ts,
      markdown_text: "hi",
    });
    assert.equal(fake.directMessages("U0DM").messages[0]?.ts, dm.ts);
    // appendStream needs markdown_text or chunks.
    const { ts } = await start();
    await assert.rejects(
      client.apiCall("chat.appendStream", { channel: CHANNEL, ts }),
      platformError("no_text"),
    );
    await assert.rejects(
      client.chat.appendStream({ channel: CHANNEL, ts, markdown_text: "", chunks: [] }),
      platformError("no_text"),
    );
    assert.equal(fake.stream(CHANNEL, ts)?.appends, 0);
  });

  it("markdown_text is limited to 12,000 characters per argument and per chunk", async () => {
    const long = "x".repeat(12_001);
    await assert.rejects(start({ markdown_text: long }), platformError("msg_too_long"));
    const { ts } = await start({ markdown_text: "x".repeat(12_000) });
    await assert.rejects(
      client.chat.appendStream({ channel: CHANNEL, ts, markdown_text: long }),
      platformError("msg_too_long"),
    );
    await assert.rejects(
      client.chat.appendStream({ channel: CHANNEL, ts, chunks: [{ type: "markdown_text", text: long }] }),
      platformError("msg_too_long"),
    );
    await assert.rejects(
      client.chat.stopStream({ channel: CHANNEL, ts, markdown_text: long }),
      platformError("msg_too_long"),
    );
    // Not cumulative: another 12,000 is fine.
    await client.chat.appendStream({ channel: CHANNEL, ts, markdown_text: "y".repeat(12_000) });
    assert.equal(fake.stream(CHANNEL, ts)?.markdown.length, 24_000);
  });

  it("chunks are validated as @slack/types defines them: invalid_chunks, nothing applied", async () => {
    const { ts } = await start({ markdown_text: "base" });
    const bad: unknown[][] = [
      [{ type: "thinking", text: "hmm" }],
      [{ type: "markdown_text" }],
      [{ type: "task_update", id: "t", title: "T", status: "done" }],
      [{ type: "task_update", title: "T", status: "pending" }],
      [{ type: "task_update", id: "t", status: "pending" }],
      [
        {
          type: "task_update",
          id: "t",
          title: "T",
          status: "pending",
          sources: [{ type: "url", url: "https://x.y" }],
        },
      ],
      [{ type: "plan_update" }],
      [{ type: "blocks" }],
      [{ type: "blocks", blocks: [{ type: "header", text: { type: "mrkdwn", text: "no" } }] }],
      [{ type: "markdown_text", text: "ok" }, "not a chunk"],
    ];
    for (const chunks of bad) {
      await assert.rejects(
        client.apiCall("chat.appendStream", { channel: CHANNEL, ts, chunks }),
        (e: unknown) => {
          const data = (e as { data?: { error?: string; errors?: string[] } }).data;
          return data?.error === "invalid_chunks" && (data.errors?.length ?? 0) > 0;
        },
        JSON.stringify(chunks),
      );
    }
    const stream = fake.stream(CHANNEL, ts);
    assert.equal(stream?.markdown, "base");
    assert.equal(stream?.appends, 0);
    await client.chat.appendStream({
      channel: CHANNEL,
      ts,
      chunks: [
        {
          type: "task_update",
          id: "t",
          title: "Search",
          status: "complete",
          details: "2 hits",
          sources: [{ type: "url", url: "https://x.y", text: "x.y" }],
        },
      ],
    });
    assert.deepEqual(stream?.tasks.t?.sources, [{ type: "url", url: "https://x.y", text: "x.y" }]);
  });

  it("blocks: 50 in chunks over the stream, 50 more in stopStream's blocks", async () => {
    const { ts } = await start();
    const divider = { type: "divider" };
    await client.chat.appendStream({
      channel: CHANNEL,
      ts,
      chunks: [{ type: "blocks", blocks: Array(30).fill(divider) }],
    });
    await assert.rejects(
      client.chat.appendStream({
        channel: CHANNEL,
        ts,
        chunks: [{ type: "blocks", blocks: Array(21).fill(divider) }],
      }),
      platformError("msg_blocks_too_many"),
    );
    await client.chat.appendStream({
      channel: CHANNEL,
      ts,
      chunks: [{ type: "blocks", blocks: Array(20).fill(divider) }],
    });
    await assert.rejects(
      client.chat.stopStream({ channel: CHANNEL, ts, blocks: Array(51).fill(divider) }),
      platformError("msg_blocks_too_many"),
    );
    await assert.rejects(
      client.apiCall("chat.stopStream", { channel: CHANNEL, ts, metadata: { event_payload: {} } }),
      platformError("invalid_metadata_schema"),
    );
    await assert.rejects(
      client.chat.stopStream({ channel: CHANNEL, ts, session_status: "finished" }),
      platformError("invalid_arguments"),
    );
    assert.equal(fake.stream(CHANNEL, ts)?.state, "streaming");
    const done = await client.chat.stopStream({ channel: CHANNEL, ts, blocks: Array(50).fill(divider) });
    assert.equal(done.message?.blocks?.length, 100);
  });

  it("a stream Slack ended (expireStream) refuses appends and stops", async () => {
    const { ts } = await start({ markdown_text: "long job" });
    fake.expireStream(CHANNEL, ts);
    await assert.rejects(
      client.chat.appendStream({ channel: CHANNEL, ts, markdown_text: "x" }),
      platformError("message_not_in_streaming_state"),
    );
    await assert.rejects(
      client.chat.stopStream({ channel: CHANNEL, ts }),
      platformError("message_not_in_streaming_state"),
    );
    assert.equal(fake.stream(CHANNEL, ts)?.state, "expired");
  });

  it("client.chatStream(): buffered appends, one message, stopped with blocks", async () => {
    const thread_ts = fake.nextTs();
    const from = fake.calls.length;
    const streamer = client.chatStream({ channel: CHANNEL, thread_ts, ...recipient, buffer_size: 10 });
    assert.equal(await streamer.append({ markdown_text: "Hello " }), null); // buffered
    await streamer.append({ markdown_text: "there, world" }); // 18 ≥ 10: startStream with the buffer
    await streamer.append({
      chunks: [{ type: "task_update", id: "a", title: "Think", status: "in_progress" }],
    });
    await streamer.append({ markdown_text: "!" });
    const stopped = await streamer.stop({
      chunks: [{ type: "task_update", id: "a", title: "Think", status: "complete" }],
      blocks: [{ type: "context", elements: [{ type: "mrkdwn", text: "via Copilot" }] }],
    });
    assert.deepEqual(
      fake.calls.slice(from).map((c) => c.method),
      ["chat.startStream", "chat.appendStream", "chat.stopStream"],
    );
    const stream = fake.stream(CHANNEL, streamer.ts as string);
    assert.equal(stream?.markdown, "Hello there, world!");
    assert.equal(stream?.tasks.a?.status, "complete");
    assert.equal(stream?.state, "stopped");
    assert.equal(stopped.message?.text, "Hello there, world!");
    assert.equal(fake.thread(CHANNEL, thread_ts).length, 1);
    // A streamer stopped before anything was flushed starts the stream with no content at all.
    const empty = client.chatStream({ channel: CHANNEL, thread_ts, ...recipient });
    await empty.stop();
    assert.equal(fake.stream(CHANNEL, empty.ts as string)?.state, "stopped");
  });
});

describe("fake Slack thread status: assistant.threads.setStatus and agents.sessions.setStatus", () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;
  before(async () => {
    fake = await FakeSlack.start();
    client = clientFor(fake);
  });
  after(() => fake.stop());

  it('assistant.threads.setStatus: a timeline per thread, "" clears, loading_messages kept', async () => {
    const thread_ts = fake.nextTs();
    const other = fake.nextTs();
    assert.equal(fake.assistantStatus(CHANNEL, thread_ts), "");
    await client.assistant.threads.setStatus({ channel_id: CHANNEL, thread_ts, status: "is thinking…" });
    await client.assistant.threads.setStatus({
      channel_id: CHANNEL,
      thread_ts,
      status: "is running tests…",
      loading_messages: ["Compiling…", "Testing…"],
    });
    await client.assistant.threads.setStatus({ channel_id: CHANNEL, thread_ts: other, status: "elsewhere" });
    assert.equal(fake.assistantStatus(CHANNEL, thread_ts), "is running tests…");
    await client.assistant.threads.setStatus({ channel_id: CHANNEL, thread_ts, status: "" });
    assert.deepEqual(
      fake.assistantStatuses(CHANNEL, thread_ts).map((s) => [s.status, s.loading_messages]),
      [
        ["is thinking…", undefined],
        ["is running tests…", ["Compiling…", "Testing…"]],
        ["", undefined],
      ],
    );
    assert.equal(fake.assistantStatus(CHANNEL, thread_ts), "");
    assert.equal(fake.assistantStatus(CHANNEL, other), "elsewhere");
  });

  it("assistant.threads.setStatus errors", async () => {
    const thread_ts = fake.nextTs();
    await assert.rejects(
      client.apiCall("assistant.threads.setStatus", { thread_ts, status: "x" }),
      platformError("channel_not_found"),
    );
    await assert.rejects(
      client.assistant.threads.setStatus({ channel_id: "D0NEVER", thread_ts, status: "x" }),
      platformError("channel_not_found"),
    );
    await assert.rejects(
      client.assistant.threads.setStatus({ channel_id: CHANNEL, thread_ts: "yesterday", status: "x" }),
      platformError("invalid_thread_ts"),
    );
    await assert.rejects(
      client.apiCall("assistant.threads.setStatus", { channel_id: CHANNEL, status: "x" }),
      platformError("invalid_thread_ts"),
    );
    await assert.rejects(
      client.apiCall("assistant.threads.setStatus", { channel_id: CHANNEL, thread_ts }),
      platformError("invalid_arguments"),
    );
    await assert.rejects(
      client.assistant.threads.setStatus({
        channel_id: CHANNEL,
        thread_ts,
        status: "x",
        loading_messages: Array.from({ length: 11 }, (_, i) => `m${i}`),
      }),
      platformError("invalid_arguments"),
    );
    assert.deepEqual(fake.assistantStatuses(CHANNEL, thread_ts), []);
  });

  it("agents.sessions.setStatus: created on first use with its title; stopStream's session_status counts", async () => {
    const thread_ts = fake.nextTs();
    assert.equal(fake.agentSession(CHANNEL, thread_ts), undefined);
    const first = await client.agents.sessions.setStatus({
      channel_id: CHANNEL,
      thread_ts,
      status: "processing",
      title: "Fix the flaky test",
      initiator_user_id: USER,
    });
    assert.deepEqual(
      [first.ok, first.status, first.title, first.warning],
      [true, "processing", "Fix the flaky test", undefined],
    );
    const again = await client.agents.sessions.setStatus({
      channel_id: CHANNEL,
      thread_ts,
      status: "active",
      title: "Renamed?",
    });
    assert.equal(again.title, "Fix the flaky test"); // "ignored if the session already exists"
    await client.agents.sessions.setStatus({ channel_id: CHANNEL, thread_ts, status: "processing" });
    const stream = await client.chat.startStream({
      channel: CHANNEL,
      thread_ts,
      recipient_user_id: USER,
      recipient_team_id: "T0001",
      markdown_text: "answer",
    });
    await client.chat.stopStream({ channel: CHANNEL, ts: stream.ts as string, session_status: "active" });
    const session = fake.agentSession(CHANNEL, thread_ts);
    assert.equal(session?.title, "Fix the flaky test");
    assert.equal(session?.initiator_user_id, USER);
    assert.equal(session?.status, "active");
    assert.deepEqual(
      session?.statuses.map((s) => `${s.status} via ${s.via}`),
      [
        "processing via agents.sessions.setStatus",
        "active via agents.sessions.setStatus",
        "processing via agents.sessions.setStatus",
        "active via chat.stopStream",
      ],
    );
  });

  it("agents.sessions.setStatus errors", async () => {
    const thread_ts = fake.nextTs();
    await assert.rejects(
      client.agents.sessions.setStatus({ channel_id: CHANNEL, thread_ts, status: "busy" }),
      platformError("invalid_arguments"),
    );
    await assert.rejects(
      client.apiCall("agents.sessions.setStatus", { channel_id: CHANNEL, thread_ts }),
      platformError("invalid_arguments"),
    );
    await assert.rejects(
      client.agents.sessions.setStatus({ channel_id: CHANNEL, status: "processing" }),
      platformError("invalid_arguments"),
    );
    await assert.rejects(
      client.apiCall("agents.sessions.setStatus", { thread_ts, status: "processing" }),
      platformError("channel_not_found"),
    );
    await assert.rejects(
      client.agents.sessions.setStatus({
        channel_id: CHANNEL,
        thread_ts,
        status: "active",
        title: "t".repeat(201),
      }),
      platformError("invalid_arguments"),
    );
    assert.equal(fake.agentSession(CHANNEL, thread_ts), undefined);
  });

  it("without the agent_session_stopped subscription, setStatus answers Slack's warning", async () => {
    const unsubscribed = await FakeSlack.start({ botEvents: ["app_mention", "message.im"] });
    const subscribed = await FakeSlack.start({ botEvents: ["app_mention", "agent_session_stopped"] });
    try {
      const args = { channel_id: CHANNEL, thread_ts: unsubscribed.nextTs(), status: "processing" };
      const warned = await clientFor(unsubscribed).agents.sessions.setStatus(args);
      assert.equal(warned.ok, true);
      assert.equal(warned.warning, "missing_agent_session_stopped_event_subscription");
      const fine = await clientFor(subscribed).agents.sessions.setStatus(args);
      assert.equal(fine.warning, undefined);
    } finally {
      await unsubscribed.stop();
      await subscribed.stop();
    }
  });

  it("scopes: streams and agent sessions need chat:write; setStatus takes assistant:write too", async () => {
    const scoped = await FakeSlack.start({ scopes: ["assistant:write"] });
    try {
      const c = clientFor(scoped);
      const thread_ts = scoped.nextTs();
      await c.assistant.threads.setStatus({ channel_id: CHANNEL, thread_ts, status: "is thinking…" });
      for (const call of [
        c.chat.startStream({
          channel: CHANNEL,
          thread_ts,
          recipient_user_id: USER,
          recipient_team_id: "T0001",
        }),
        c.agents.sessions.setStatus({ channel_id: CHANNEL, thread_ts, status: "processing" }),
      ]) {
        await assert.rejects(call, (e: unknown) => {
          const data = (e as { data?: { error?: string; needed?: string } }).data;
          return data?.error === "missing_scope" && data.needed === "chat:write";
        });
      }
    } finally {
      await scoped.stop();
    }
  });
});

describe("fake Slack streaming tiers and outages", () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;
  before(async () => {
    fake = await FakeSlack.start();
    client = clientFor(fake);
  });
  after(() => fake.stop());
  afterEach(() => {
    fake.setRateLimits(false);
    fake.resetRateLimitStats();
    fake.failAlways("chat.startStream", undefined);
  });

  const recipient = { recipient_user_id: USER, recipient_team_id: "T0001" };

  it("startStream and stopStream are Tier 2 (20), appendStream Tier 4 (100); a 429 applies nothing", async () => {
    let now = 9_000_000;
    fake.setRateLimits({ now: () => now });
    const thread_ts = fake.nextTs();
    const started: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await client.chat.startStream({ channel: CHANNEL, thread_ts, ...recipient });
      started.push(res.ts as string);
    }
    // 20 per minute: the next token in 3 s.
    await assert.rejects(
      client.chat.startStream({ channel: CHANNEL, thread_ts, ...recipient }),
      rateLimited(3),
    );
    assert.equal(fake.streams(CHANNEL, thread_ts).length, 20);
    const [ts] = started as [string];
    for (let i = 0; i < 100; i++)
      await client.chat.appendStream({ channel: CHANNEL, ts, markdown_text: "." });
    // 100 per minute: the next token in 0.6 s.
    await assert.rejects(
      client.chat.appendStream({ channel: CHANNEL, ts, markdown_text: "!" }),
      rateLimited(1),
    );
    assert.equal(fake.stream(CHANNEL, ts)?.markdown, ".".repeat(100));
    now += 3000;
    const late = await client.chat.startStream({ channel: CHANNEL, thread_ts, ...recipient });
    for (const s of started) await client.chat.stopStream({ channel: CHANNEL, ts: s });
    await assert.rejects(client.chat.stopStream({ channel: CHANNEL, ts: late.ts as string }), rateLimited(3));
    assert.equal(fake.stream(CHANNEL, late.ts as string)?.state, "streaming");
    assert.equal(fake.calls.at(-1)?.rateLimited, 3);
    assert.deepEqual(fake.rateLimitStats(), {
      limited: { "chat.startStream": 1, "chat.appendStream": 1, "chat.stopStream": 1 },
      calls: { "chat.startStream": 22, "chat.appendStream": 101, "chat.stopStream": 21 },
    });
  });

  it("assistant.threads.setStatus and agents.sessions.setStatus: Tier 3 (50)", async () => {
    fake.setRateLimits({ now: () => 1_000 });
    const thread_ts = fake.nextTs();
    for (let i = 0; i < 50; i++) {
      await client.assistant.threads.setStatus({ channel_id: CHANNEL, thread_ts, status: `s${i}` });
      await client.agents.sessions.setStatus({ channel_id: CHANNEL, thread_ts, status: "processing" });
    }
    await assert.rejects(
      client.assistant.threads.setStatus({ channel_id: CHANNEL, thread_ts, status: "late" }),
      rateLimited(2),
    );
    await assert.rejects(
      client.agents.sessions.setStatus({ channel_id: CHANNEL, thread_ts, status: "active" }),
      rateLimited(2),
    );
    assert.equal(fake.assistantStatus(CHANNEL, thread_ts), "s49");
    assert.equal(fake.agentSession(CHANNEL, thread_ts)?.status, "processing");
    assert.deepEqual(fake.rateLimitStats().limited, {
      "assistant.threads.setStatus": 1,
      "agents.sessions.setStatus": 1,
    });
  });

  it("failAlways: startStream answers the chosen error until switched off", async () => {
    const thread_ts = fake.nextTs();
    const begin = () =>
      client.chat.startStream({ channel: CHANNEL, thread_ts, ...recipient, markdown_text: "x" });
    fake.failAlways("chat.startStream", { slackError: "not_allowed_token_type" });
    await assert.rejects(begin(), platformError("not_allowed_token_type"));
    await assert.rejects(begin(), platformError("not_allowed_token_type"));
    assert.deepEqual(fake.calls.at(-1)?.fault, { slackError: "not_allowed_token_type" });
    fake.failAlways("chat.startStream", { slackError: "method_not_supported" });
    await assert.rejects(begin(), platformError("method_not_supported"));
    fake.failAlways("chat.startStream", { status: 503 });
    await assert.rejects(begin(), (e: unknown) => {
      const err = e as { code?: string; statusCode?: number };
      return err.code === webApi.ErrorCode.HTTPError && err.statusCode === 503;
    });
    // Other methods are untouched, and a queued failNext still comes first.
    await client.chat.postMessage({ channel: CHANNEL, thread_ts, text: "fallback" });
    fake.failNext("chat.startStream", { slackError: "internal_error" });
    await assert.rejects(begin(), platformError("internal_error"));
    await assert.rejects(begin(), (e: unknown) => (e as { statusCode?: number }).statusCode === 503);
    assert.equal(fake.streams(CHANNEL, thread_ts).length, 0);
    fake.failAlways("chat.startStream", undefined);
    const ok = await begin();
    assert.equal(fake.stream(CHANNEL, ok.ts as string)?.markdown, "x");
  });
});

/** A Bolt App that reacts to the Stop button the way Slack's page asks: stop, then leave "processing". */
function stopHandler(app: App, seen: Record<string, unknown>[]): void {
  app.event("agent_session_stopped", async ({ event, body, client }) => {
    seen.push(body as unknown as Record<string, unknown>);
    for (const ts of event.streaming_message_ts) {
      // A stop the test makes fail is the point of that test, not an error for Bolt to log.
      await client.chat
        .stopStream({ channel: event.channel, ts, markdown_text: "\n_Stopped._", session_status: "active" })
        .catch(() => undefined);
    }
  });
}

for (const mode of ["Socket Mode", "HTTP"] as const) {
  describe(`agent_session_stopped over ${mode}`, () => {
    let fake: FakeSlack;
    let app: App;
    let client: webApi.WebClient;
    const seen: Record<string, unknown>[] = [];

    before(async () => {
      fake = await FakeSlack.start();
      client = clientFor(fake);
      if (mode === "Socket Mode") {
        app = new App({
          token: fake.botToken,
          appToken: fake.appToken,
          socketMode: true,
          logLevel: LogLevel.ERROR,
          clientOptions: clientOptions(fake),
        });
        stopHandler(app, seen);
        await app.start();
      } else {
        app = new App({
          token: fake.botToken,
          signingSecret: fake.signingSecret,
          logLevel: LogLevel.ERROR,
          clientOptions: clientOptions(fake),
        });
        stopHandler(app, seen);
        const server = (await app.start({ port: 0, host: "127.0.0.1" })) as { address(): AddressInfo };
        fake.httpTarget = `http://127.0.0.1:${server.address().port}/slack/events`;
      }
    });
    after(async () => {
      await app.stop();
      await fake.stop();
    });

    it("Stop ends the thread's live streams, names them in the event, and the app finalizes them", async () => {
      const thread_ts = fake.nextTs();
      const stream = (text: string) =>
        client.chat.startStream({
          channel: CHANNEL,
          thread_ts,
          recipient_user_id: USER,
          recipient_team_id: "T0001",
          markdown_text: text,
        });
      assert.throws(
        () => fake.sendAgentSessionStopped({ user: USER, channel: CHANNEL, thread_ts }),
        /no Stop button .* not set/,
      );
      await client.agents.sessions.setStatus({ channel_id: CHANNEL, thread_ts, status: "processing" });
      const done = await stream("earlier answer");
      await client.chat.stopStream({ channel: CHANNEL, ts: done.ts as string });
      const live = await stream("working on it");
      const elsewhere = await client.chat.startStream({
        channel: CHANNEL,
        thread_ts: fake.nextTs(),
        recipient_user_id: USER,
        recipient_team_id: "T0001",
      });

      const before = seen.length;
      const ack = await fake.sendAgentSessionStopped({ user: USER, channel: CHANNEL, thread_ts });
      if (mode === "HTTP") assert.equal(ack.status, 200);
      await fake.waitFor(() => seen.length > before, { what: "the event reached the app" });
      const body = seen.at(-1) as { event: Record<string, unknown> } & Record<string, unknown>;
      assert.equal(body.type, "event_callback");
      assert.equal(body.team_id, fake.teamId);
      assert.match(String(body.event_id), /^Ev\d+$/);
      const { event_ts, ...event } = body.event;
      assert.deepEqual(event, {
        type: "agent_session_stopped",
        channel: CHANNEL,
        user: USER,
        thread_ts,
        streaming_message_ts: [live.ts],
      });
      assert.match(String(event_ts), /^\d{10}\.\d{6}$/);

      // The app's listener stopped the stream and moved the session to "active".
      await fake.waitFor(() => fake.agentSession(CHANNEL, thread_ts)?.status === "active", {
        what: "session active",
      });
      const stopped = fake.stream(CHANNEL, live.ts as string);
      assert.equal(stopped?.state, "stopped");
      assert.equal(stopped?.markdown, "working on it\n_Stopped._");
      assert.equal(fake.stream(CHANNEL, elsewhere.ts as string)?.state, "streaming");
      await assert.rejects(
        client.chat.stopStream({ channel: CHANNEL, ts: live.ts as string }),
        platformError("message_not_in_streaming_state"),
      );
      // Stop again while "active": Slack shows no button; pressed anyway, nothing is streaming.
      const count = seen.length;
      await fake.sendAgentSessionStopped({ user: USER, channel: CHANNEL, thread_ts, anySessionStatus: true });
      await fake.waitFor(() => seen.length > count, { what: "the second event" });
      assert.deepEqual(
        (seen.at(-1) as { event: { streaming_message_ts: string[] } }).event.streaming_message_ts,
        [],
      );
    });

    it("after Stop, appendStream answers stopped_by_user", async () => {
      const thread_ts = fake.nextTs();
      await client.agents.sessions.setStatus({ channel_id: CHANNEL, thread_ts, status: "processing" });
      const live = await client.chat.startStream({
        channel: CHANNEL,
        thread_ts,
        recipient_user_id: USER,
        recipient_team_id: "T0001",
      });
      // The listener's stopStream fails (once it was tried, the switch goes off again).
      fake.failAlways("chat.stopStream", { slackError: "internal_error" });
      const from = fake.calls.length;
      try {
        await fake.sendAgentSessionStopped({ user: USER, channel: CHANNEL, thread_ts });
        await fake.waitForCall((c) => c.method === "chat.stopStream", { from });
      } finally {
        fake.failAlways("chat.stopStream", undefined);
      }
      assert.equal(fake.stream(CHANNEL, live.ts as string)?.state, "stopped_by_user");
      await assert.rejects(
        client.chat.appendStream({ channel: CHANNEL, ts: live.ts as string, markdown_text: "more" }),
        platformError("stopped_by_user"),
      );
      // The session keeps its status until the app moves it.
      assert.equal(fake.agentSession(CHANNEL, thread_ts)?.status, "processing");
    });
  });
}

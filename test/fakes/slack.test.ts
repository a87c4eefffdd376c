/**
 * The fake Slack against the real @slack/bolt App in Socket Mode: connecting, every kind of
 * delivery and its ack, typed text, uploads, and reconnecting. HTTP mode and the fake's Web API
 * (limits, faults, waitFor) are in slack-http.test.ts.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { App, LogLevel, SocketModeReceiver } from "@slack/bolt";
import { FakeSlack, slackEntity, slackTyped } from "./slack/index.js";
import { button, CHANNEL, clientOptions, type Seen, silent, USER, wire } from "./slack-bolt.js";

describe("FakeSlack with Bolt in Socket Mode", () => {
  let fake: FakeSlack;
  let app: App;
  const seen: Seen = { bodies: [], retryNums: [] };

  before(async () => {
    fake = await FakeSlack.start();
    app = new App({
      token: fake.botToken,
      appToken: fake.appToken,
      socketMode: true,
      logLevel: LogLevel.ERROR,
      clientOptions: clientOptions(fake),
    });
    wire(app, seen);
    await app.start();
  });
  after(async () => {
    await app.stop();
    await fake.stop();
  });

  it("connects: auth.test with the bot token, apps.connections.open with the app token, hello", async () => {
    assert.equal(fake.socketConnections, 1);
    await fake.whenSocketConnected();
    const auth = fake.calls.find((c) => c.method === "auth.test");
    const open = fake.calls.find((c) => c.method === "apps.connections.open");
    assert.equal(auth?.token, "xoxb-test");
    assert.equal(open?.token, "xapp-test");
  });

  it("slash command: ack payload comes back, message posted then updated in place", async () => {
    const ack = await fake.sendSlashCommand({ user_id: USER, channel_id: CHANNEL, text: "fix the bug" });
    assert.deepEqual(ack.payload, { text: "working on fix the bug" });
    const msg = await fake.waitFor(() => fake.messages.find((m) => m.text === "done"), { what: "update" });
    assert.equal(msg.edits, 1);
    assert.equal(msg.user, "UBOT");
    assert.match(msg.ts, /^\d{10}\.\d{6}$/);
    assert.equal(seen.bodies.at(-1).command, "/copilot");
    assert.ok(seen.bodies.at(-1).response_url.startsWith("http://127.0.0.1:"));
  });

  it("typed text arrives escaped as Slack escapes it; entities the client made arrive verbatim", async () => {
    await fake.sendSlashCommand({
      user_id: USER,
      channel_id: CHANNEL,
      text: slackTyped`fix a < b && c for ${slackEntity.user("U0002", "bob")} in ${slackEntity.channel("C0009", "general")}, see ${slackEntity.link("https://x.y/?a=1&b=2", "docs")}`,
    });
    assert.equal(
      seen.bodies.at(-1).text,
      "fix a &lt; b &amp;&amp; c for <@U0002|bob> in <#C0009|general>, see <https://x.y/?a=1&amp;b=2|docs>",
    );
    const ts = fake.nextTs();
    const text = [slackEntity.user("UBOT"), " is 1 > 0 & <b>?"];
    await fake.sendEvent({ type: "app_mention", user: USER, channel: CHANNEL, text, ts });
    await fake.waitFor(() => fake.thread(CHANNEL, ts)[0], { what: "thread reply" });
    assert.equal(seen.bodies.at(-1).text, "<@UBOT> is 1 &gt; 0 &amp; &lt;b&gt;?");
  });

  it("a lone surrogate in typed text survives Socket Mode's JSON", async () => {
    await fake.sendSlashCommand({ user_id: USER, channel_id: CHANNEL, text: "odd \ud800 text" });
    assert.equal(seen.bodies.at(-1).text, "odd \ud800 text");
  });

  it("ephemeral reply and views.open with the delivered trigger_id", async () => {
    await fake.sendSlashCommand({ user_id: USER, channel_id: CHANNEL, text: "eph" });
    await fake.waitFor(() => fake.ephemerals.find((e) => e.user === USER && e.text === "only you"), {
      what: "ephemeral",
    });
    await fake.sendSlashCommand({
      user_id: USER,
      channel_id: CHANNEL,
      text: "modal",
      trigger_id: "111.222.abc",
    });
    const view = await fake.waitFor(() => fake.views.find((v) => v.trigger_id === "111.222.abc"), {
      what: "view",
    });
    assert.equal(view.view.callback_id, "settings");
  });

  it("block action: payload carries the message copy; respond() replaces the original", async () => {
    const posted = await app.client.chat.postMessage({
      channel: CHANNEL,
      text: "Run ls?",
      blocks: [button("approve", "req-1")],
    });
    const ts = posted.ts as string;
    const ack = await fake.sendBlockAction({
      user_id: USER,
      channel_id: CHANNEL,
      message_ts: ts,
      action_id: "approve",
      value: "req-1",
    });
    assert.equal(ack.envelope_id.length > 0, true);
    const msg = await fake.waitFor(() => fake.messages.find((m) => m.ts === ts && m.text === "Approved"), {
      what: "respond",
    });
    assert.equal(msg.edits, 1);
    const body = seen.bodies.at(-1);
    assert.equal(body.message.ts, ts);
    assert.equal(body.message.blocks[0].elements[0].action_id, "approve");
    assert.deepEqual(
      [body.actions[0].value, body.actions[0].block_id, body.container.channel_id],
      ["req-1", "card", CHANNEL],
    );
    assert.equal(fake.responses.at(-1)?.body.replace_original, true);
  });

  it("view submission: response_action errors are the ack payload", async () => {
    const bad = await fake.sendViewSubmission({
      user_id: USER,
      view: {
        callback_id: "settings",
        state: { values: { model: { v: { type: "plain_text_input", value: "" } } } },
      },
    });
    assert.deepEqual(bad.payload, { response_action: "errors", errors: { model: "Required" } });
    const good = await fake.sendViewSubmission({
      user_id: USER,
      view: {
        callback_id: "settings",
        private_metadata: "m",
        state: { values: { model: { v: { type: "plain_text_input", value: "gpt" } } } },
      },
    });
    assert.deepEqual(good.payload, {});
    assert.equal(seen.bodies.at(-1).private_metadata, "m");
  });

  it("events: acked, retry_attempt reaches Bolt, reply lands in the thread", async () => {
    const ts = fake.nextTs();
    const event = {
      type: "app_mention",
      user: USER,
      channel: CHANNEL,
      text: [slackEntity.user("UBOT"), " hello"],
      ts,
    };
    const ack = await fake.sendEvent(event, { retryAttempt: 1, retryReason: "timeout", event_id: "Ev1" });
    assert.equal(typeof ack.envelope_id, "string");
    const [reply] = await fake.waitFor(
      () => (fake.thread(CHANNEL, ts).length > 0 ? fake.thread(CHANNEL, ts) : undefined),
      { what: "thread reply" },
    );
    assert.equal(reply?.text, `hi <@${USER}>`);
    assert.equal(seen.retryNums.at(-1), 1);
  });

  it("files.uploadV2 end to end: bytes, thread, and the shared-file message", async () => {
    const bytes = Buffer.from("diff --git a/x b/x\n+hello\n");
    const res = await app.client.files.uploadV2({
      channel_id: CHANNEL,
      thread_ts: "1700000000.000100",
      file: bytes,
      filename: "change.diff",
      title: "Diff",
      initial_comment: "the diff",
    });
    assert.equal(res.ok, true);
    const file = fake.files.at(-1);
    assert.ok(file);
    assert.deepEqual(file.bytes, bytes);
    assert.deepEqual(
      [file.filename, file.title, file.channel_id, file.thread_ts, file.initial_comment],
      ["change.diff", "Diff", CHANNEL, "1700000000.000100", "the diff"],
    );
    const shared = fake.thread(CHANNEL, "1700000000.000100").at(-1);
    assert.equal(shared?.text, "the diff");
    assert.equal(shared?.files?.length, 1);
  });

  it("a delivery with no ack rejects after ackTimeoutMs", async () => {
    await assert.rejects(
      fake.sendSlashCommand(
        { user_id: USER, channel_id: CHANNEL, text: "x", command: "/unhandled" },
        { ackTimeoutMs: 300 },
      ),
      /no Socket Mode ack/,
    );
  });
});

describe("FakeSlack Socket Mode reconnects", () => {
  it("refresh_requested and a dropped socket both lead to a new connection; state survives", async () => {
    const fake = await FakeSlack.start();
    // clientPingTimeout also sets Socket Mode's reconnect delay (default 5 s per attempt).
    const receiver = new SocketModeReceiver({
      appToken: fake.appToken,
      logger: silent,
      clientPingTimeout: 200,
      installerOptions: { clientOptions: clientOptions(fake) },
    });
    const app = new App({
      token: fake.botToken,
      receiver,
      logLevel: LogLevel.ERROR,
      clientOptions: clientOptions(fake),
    });
    wire(app, { bodies: [], retryNums: [] });
    try {
      await app.start();
      await fake.sendSlashCommand({ user_id: USER, channel_id: CHANNEL, text: "one" });
      fake.requestRefresh();
      await fake.whenSocketConnected();
      assert.equal(fake.socketConnections, 2);
      assert.equal(fake.calls.filter((c) => c.method === "apps.connections.open").length, 2);
      fake.dropSockets();
      const ack = await fake.sendSlashCommand({ user_id: USER, channel_id: CHANNEL, text: "two" });
      assert.deepEqual(ack.payload, { text: "working on two" });
      assert.equal(fake.socketConnections, 3);
      await fake.waitFor(() => fake.messages.filter((m) => m.text === "done").length === 2, {
        what: "both replies",
      });
    } finally {
      await receiver.client.disconnect();
      await app.stop();
      await fake.stop();
    }
  });
});

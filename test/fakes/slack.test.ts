/**
 * The fake Slack against the real @slack/bolt App (Socket Mode and HTTP mode), plus the fake's own
 * Web API behaviour: limits, faults, uploads, waitFor.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { App, LogLevel, SocketModeReceiver, type types, webApi } from "@slack/bolt";
import { FakeSlack, slackDelivered, slackEntity, slackSignature, slackTyped } from "./slack/index.js";

const CHANNEL = "C0001";
const USER = "U0001";
const button = (actionId: string, value: string) => ({
  type: "actions",
  block_id: "card",
  elements: [{ type: "button", action_id: actionId, value, text: { type: "plain_text", text: "Approve" } }],
});
const modal: types.ModalView = {
  type: "modal",
  callback_id: "settings",
  title: { type: "plain_text", text: "Settings" },
  submit: { type: "plain_text", text: "Save" },
  blocks: [
    {
      type: "input",
      block_id: "model",
      label: { type: "plain_text", text: "Model" },
      element: { type: "plain_text_input", action_id: "v" },
    },
  ],
};

/** What the Bolt listeners saw, so tests can assert on the app side too. */
interface Seen {
  // biome-ignore lint/suspicious/noExplicitAny: raw Slack payload bodies as Bolt hands them over
  bodies: any[];
  retryNums: (number | undefined)[];
}

/** Registers listeners that drive the fake through Bolt's own client, say(), respond() and ack(). */
function wire(app: App, seen: Seen): void {
  app.command("/copilot", async ({ ack, command, client }) => {
    seen.bodies.push(command);
    if (command.text === "eph") {
      await ack();
      await client.chat.postEphemeral({
        channel: command.channel_id,
        user: command.user_id,
        text: "only you",
      });
    } else if (command.text === "modal") {
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: modal });
    } else {
      await ack({ text: `working on ${command.text}` });
      const posted = await client.chat.postMessage({ channel: command.channel_id, text: "thinking…" });
      await client.chat.update({ channel: command.channel_id, ts: posted.ts as string, text: "done" });
    }
  });
  app.action("approve", async ({ ack, body, respond }) => {
    await ack();
    seen.bodies.push(body);
    await respond({ replace_original: true, text: "Approved" });
  });
  app.view("settings", async ({ ack, view }) => {
    const value = (view.state.values.model?.v as { value?: string } | undefined)?.value ?? "";
    seen.bodies.push(view);
    await (value === "" ? ack({ response_action: "errors", errors: { model: "Required" } }) : ack());
  });
  app.event("app_mention", async ({ event, say, context }) => {
    seen.bodies.push(event);
    seen.retryNums.push(context.retryNum);
    await say({ text: `hi <@${event.user}>`, thread_ts: event.ts });
  });
}

const clientOptions = (fake: FakeSlack) => ({
  slackApiUrl: fake.apiUrl,
  retryConfig: { retries: 0 },
  logLevel: LogLevel.ERROR,
});
const noop = (): void => undefined;
/** For the clients whose errors are the point of the test (dropped sockets, faults). */
const silent = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  setLevel: noop,
  getLevel: () => LogLevel.ERROR,
  setName: noop,
};

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

describe("FakeSlack typed text", () => {
  it("escapes what was typed, once, and renders each entity as Slack delivers it", () => {
    assert.equal(slackDelivered("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
    assert.equal(slackDelivered("literal &lt; stays literal"), "literal &amp;lt; stays literal");
    assert.equal(
      slackDelivered("<@UBOT> is not a mention when typed"),
      "&lt;@UBOT&gt; is not a mention when typed",
    );
    assert.equal(
      slackDelivered([
        slackEntity.user("U1"),
        slackEntity.user("U2", "ann"),
        slackEntity.channel("C1"),
        slackEntity.channel("C2", "general"),
        slackEntity.link("https://x.y"),
        slackEntity.link("mailto:a@b.c", "a@b.c"),
        slackEntity.broadcast("here"),
        slackEntity.broadcast("channel"),
        slackEntity.subteam("S1", "@team"),
        slackEntity.date(1392734382, "{date_short}", "Feb 18, 2014"),
        slackEntity.raw("<oops"),
      ]),
      "<@U1><@U2|ann><#C1><#C2|general><https://x.y><mailto:a@b.c|a@b.c><!here><!channel>" +
        "<!subteam^S1|@team><!date^1392734382^{date_short}|Feb 18, 2014><oops",
    );
    assert.deepEqual(
      slackDelivered(slackTyped`x & ${"y < z"} ${slackEntity.user("U1")}`),
      "x &amp; y &lt; z <@U1>",
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

describe("FakeSlack Web API", () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;
  before(async () => {
    fake = await FakeSlack.start();
    client = new webApi.WebClient(fake.botToken, { ...clientOptions(fake), logger: silent });
  });
  after(() => fake.stop());

  const platformError = (error: string) => (e: unknown) =>
    (e as { data?: { error?: string } }).data?.error === error;

  it("enforces Slack's limits", async () => {
    const post = (extra: Record<string, unknown>) =>
      client.chat.postMessage({ channel: CHANNEL, text: "t", ...extra });
    await assert.rejects(post({ text: "x".repeat(40_001) }), platformError("msg_too_long"));
    const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });
    await assert.rejects(
      post({ blocks: Array.from({ length: 51 }, () => section("a")) }),
      platformError("invalid_blocks"),
    );
    await assert.rejects(post({ blocks: [section("x".repeat(3001))] }), platformError("invalid_blocks"));
    await assert.rejects(post({ blocks: [button("a".repeat(256), "v")] }), platformError("invalid_blocks"));
    await assert.rejects(post({ blocks: [button("a", "v".repeat(2001))] }), platformError("invalid_blocks"));
    const ok = await post({
      text: "x".repeat(40_000),
      blocks: [section("x".repeat(3000)), button("a".repeat(255), "v".repeat(2000))],
    });
    assert.equal(ok.ok, true);
    assert.equal(fake.messages.length, 1);
  });

  it("rejects bad tokens and unknown methods; records parsed args", async () => {
    const wrong = new webApi.WebClient("xoxb-wrong", clientOptions(fake));
    await assert.rejects(
      wrong.chat.postMessage({ channel: CHANNEL, text: "x" }),
      platformError("invalid_auth"),
    );
    await assert.rejects(client.apiCall("nope.nothing"), platformError("unknown_method"));
    await assert.rejects(client.apps.connections.open({}), platformError("invalid_auth"));
    const call = fake.calls.findLast((c) => c.method === "chat.postMessage");
    assert.deepEqual([call?.token, call?.args.text], ["xoxb-wrong", "x"]);
    const link = await client.chat.getPermalink({ channel: CHANNEL, message_ts: "1700000000.000100" });
    assert.equal(link.permalink, "https://fake.slack/archives/C0001/p1700000000000100");
  });

  it("surfaces 5xx, Slack errors and dropped connections", async () => {
    fake.failNext("chat.postMessage", { status: 503 });
    await assert.rejects(
      client.chat.postMessage({ channel: CHANNEL, text: "x" }),
      (e: unknown) =>
        (e as { code?: string; statusCode?: number }).code === webApi.ErrorCode.HTTPError &&
        (e as { statusCode?: number }).statusCode === 503,
    );
    fake.failNext("*", { slackError: "channel_not_found" });
    await assert.rejects(
      client.chat.update({ channel: CHANNEL, ts: "1", text: "x" }),
      platformError("channel_not_found"),
    );
    fake.failNext("chat.postMessage", { drop: true });
    await assert.rejects(
      client.chat.postMessage({ channel: CHANNEL, text: "x" }),
      (e: unknown) => (e as { code?: string }).code === webApi.ErrorCode.RequestError,
    );
    assert.equal(fake.messages.filter((m) => m.text === "x").length, 0);
    await client.chat.postMessage({ channel: CHANNEL, text: "x" });
    assert.equal(fake.messages.filter((m) => m.text === "x").length, 1);
  });

  it("429 with Retry-After: web-api waits the given seconds and retries", async () => {
    const retrying = new webApi.WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      logger: silent,
      retryConfig: { retries: 1, minTimeout: 10, maxTimeout: 10 },
    });
    fake.failNext("chat.postMessage", { status: 429, retryAfter: 1 });
    const started = Date.now();
    const res = await retrying.chat.postMessage({ channel: CHANNEL, text: "after limit" });
    assert.equal(res.ok, true);
    assert.ok(Date.now() - started >= 1000, `retried after ${Date.now() - started} ms`);
    const attempts = fake.calls.filter((c) => c.args.text === "after limit");
    assert.deepEqual(
      attempts.map((c) => c.fault),
      [{ status: 429, retryAfter: 1 }, undefined],
    );
  });

  it("waitForCall resolves with the first matching call from `from` on, recorded with its time", async () => {
    const from = fake.calls.length;
    const started = Date.now();
    const waiting = fake.waitForCall((c) => c.method === "chat.postMessage" && c.args.text === "wanted", {
      from,
    });
    await client.chat.postMessage({ channel: CHANNEL, text: "not this one" });
    await client.chat.postMessage({ channel: CHANNEL, text: "wanted" });
    const call = await waiting;
    assert.equal(call, fake.calls.at(-1));
    assert.ok(call.at >= started && call.at <= Date.now(), `recorded at ${call.at}`);
    await assert.rejects(
      fake.waitForCall((c) => c.args.text === "wanted", { from: fake.calls.length, timeoutMs: 100 }),
      /timed out/,
    );
  });

  it("waitFor times out naming what it waited for, with recent calls", async () => {
    await assert.rejects(
      fake.waitFor(() => false, { timeoutMs: 100, what: "the impossible" }),
      /the impossible[\s\S]*chat\.postMessage/,
    );
  });
});

describe("FakeSlack with Bolt in HTTP mode", () => {
  let fake: FakeSlack;
  let app: App;
  const seen: Seen = { bodies: [], retryNums: [] };

  before(async () => {
    fake = await FakeSlack.start();
    app = new App({
      token: fake.botToken,
      signingSecret: fake.signingSecret,
      logLevel: LogLevel.ERROR,
      clientOptions: clientOptions(fake),
    });
    wire(app, seen);
    const server = (await app.start({ port: 0, host: "127.0.0.1" })) as { address(): AddressInfo };
    fake.httpTarget = `http://127.0.0.1:${server.address().port}/slack/events`;
  });
  after(async () => {
    await app.stop();
    await fake.stop();
  });

  it("typed text arrives escaped in form-encoded slash commands and JSON events", async () => {
    const text = slackTyped`a < b && ${slackEntity.user("U0002")}`;
    await fake.sendSlashCommand({ user_id: USER, channel_id: CHANNEL, text });
    assert.equal(seen.bodies.at(-1).text, "a &lt; b &amp;&amp; <@U0002>");
    const ts = fake.nextTs();
    await fake.sendEvent({ type: "app_mention", user: USER, channel: CHANNEL, text, ts });
    await fake.waitFor(() => fake.thread(CHANNEL, ts)[0], { what: "thread reply" });
    assert.equal(seen.bodies.at(-1).text, "a &lt; b &amp;&amp; <@U0002>");
  });

  it("slash command, event with retry headers, block action and view submission", async () => {
    const cmd = await fake.sendSlashCommand({ user_id: USER, channel_id: CHANNEL, text: "http" });
    assert.equal(cmd.status, 200);
    assert.deepEqual(cmd.payload, { text: "working on http" });
    await fake.waitFor(() => fake.messages.find((m) => m.text === "done"), { what: "update" });

    const ts = fake.nextTs();
    const ev = await fake.sendEvent(
      { type: "app_mention", user: USER, channel: CHANNEL, text: [slackEntity.user("UBOT"), " yo"], ts },
      { retryAttempt: 2, retryReason: "http_timeout" },
    );
    assert.equal(ev.status, 200);
    await fake.waitFor(() => fake.thread(CHANNEL, ts)[0], { what: "thread reply" });
    assert.equal(seen.retryNums.at(-1), 2);

    const posted = await app.client.chat.postMessage({
      channel: CHANNEL,
      text: "card",
      blocks: [button("approve", "p")],
    });
    const act = await fake.sendBlockAction({
      user_id: USER,
      channel_id: CHANNEL,
      message_ts: posted.ts as string,
      action_id: "approve",
      value: "p",
    });
    assert.equal(act.status, 200);
    await fake.waitFor(() => fake.messages.find((m) => m.ts === posted.ts && m.text === "Approved"), {
      what: "respond",
    });

    const view = await fake.sendViewSubmission({ user_id: USER, view: { callback_id: "settings" } });
    assert.deepEqual(
      [view.status, view.payload],
      [200, { response_action: "errors", errors: { model: "Required" } }],
    );
  });

  it("rejects bad and stale signatures without running listeners", async () => {
    const before = seen.bodies.length;
    const forged = await fake.sendSlashCommand(
      { user_id: USER, channel_id: CHANNEL, text: "forged" },
      { badSignature: true },
    );
    assert.equal(forged.status, 401);
    const stale = await fake.sendSlashCommand(
      { user_id: USER, channel_id: CHANNEL, text: "stale" },
      { timestampSkewSeconds: -600 },
    );
    assert.equal(stale.status, 401);
    const body = "command=%2Fcopilot&text=raw&user_id=U1&channel_id=C1";
    const now = String(Math.floor(Date.now() / 1000));
    const raw = await fake.deliverRaw(body, {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Slack-Request-Timestamp": now,
      "X-Slack-Signature": "v0=deadbeef",
    });
    assert.equal(raw.status, 401);
    assert.equal(seen.bodies.length, before);
    const signed = await fake.deliverRaw(body, {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Slack-Request-Timestamp": now,
      "X-Slack-Signature": slackSignature(fake.signingSecret, now, body),
    });
    assert.equal(signed.status, 200);
    assert.equal(seen.bodies.length, before + 1);
    await fake.waitFor(() => fake.messages.find((m) => m.channel === "C1" && m.text === "done"), {
      what: "reply",
    });
  });
});

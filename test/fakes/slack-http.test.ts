/**
 * The fake Slack over HTTP: its Web API seen through the real @slack/web-api WebClient (limits,
 * faults, waitFor), the real @slack/bolt App in HTTP mode (signed deliveries), and typed text as
 * Slack delivers it. Socket Mode is in slack.test.ts.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { App, LogLevel, webApi } from "@slack/bolt";
import { FakeSlack, slackDelivered, slackEntity, slackSignature, slackTyped } from "./slack/index.js";
import { button, CHANNEL, clientOptions, type Seen, silent, USER, wire } from "./slack-bolt.js";

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

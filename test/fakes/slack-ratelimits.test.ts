/**
 * The fake Slack's opt-in rate limits, seen through the real @slack/web-api WebClient (the client
 * inside @slack/bolt): 429 + Retry-After + `ratelimited`, nothing applied, per-channel and
 * workspace postMessage buckets, tier buckets, recovery after Retry-After, stats.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { webApi } from "@slack/bolt";
import { FakeSlack } from "./slack/index.js";

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => webApi.LogLevel.ERROR,
  setName: () => undefined,
};

/** A client that surfaces every 429 instead of waiting it out. */
const rejecting = (fake: FakeSlack) =>
  new webApi.WebClient(fake.botToken, {
    slackApiUrl: fake.apiUrl,
    logger: silent,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });

const rateLimited = (retryAfter: number) => (e: unknown) => {
  const err = e as { code?: string; retryAfter?: number };
  return err.code === webApi.ErrorCode.RateLimitedError && err.retryAfter === retryAfter;
};

describe("fake Slack rate limits", () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;

  before(async () => {
    fake = await FakeSlack.start();
    client = rejecting(fake);
  });
  after(async () => {
    await fake.stop();
  });
  afterEach(() => {
    fake.setRateLimits(false);
    fake.resetRateLimitStats();
  });

  it("is off by default: 10 posts to one channel at once all go through, calls still counted", async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.chat.postMessage({ channel: "COFF", text: `off ${i}` })),
    );
    assert.equal(fake.messages.filter((m) => m.channel === "COFF").length, 10);
    assert.deepEqual(fake.rateLimitStats(), { limited: {}, calls: { "chat.postMessage": 10 } });
  });

  it("chat.postMessage: the 4th post to a channel within a second → 429, not posted; other channels fine", async () => {
    fake.setRateLimits(true);
    for (const n of [1, 2, 3]) await client.chat.postMessage({ channel: "CA", text: `burst ${n}` });
    await assert.rejects(client.chat.postMessage({ channel: "CA", text: "burst 4" }), rateLimited(1));
    assert.deepEqual(
      fake.messages.filter((m) => m.channel === "CA").map((m) => m.text),
      ["burst 1", "burst 2", "burst 3"],
    );
    const rejected = fake.calls.at(-1);
    assert.equal(rejected?.rateLimited, 1);
    assert.equal(rejected?.fault, undefined);
    const other = await client.chat.postMessage({ channel: "CB", text: "other channel" });
    assert.equal(other.ok, true);
    assert.deepEqual(fake.rateLimitStats(), {
      limited: { "chat.postMessage": 1 },
      calls: { "chat.postMessage": 5 },
    });
  });

  it("answers exactly like Slack's edge: 429, integer Retry-After, {ok:false, error:ratelimited}", async () => {
    fake.setRateLimits({ tiers: { "conversations.info": { capacity: 1, perSecond: 1 / 3 } } });
    const call = () =>
      fetch(`${fake.apiUrl}conversations.info`, {
        method: "POST",
        headers: { authorization: `Bearer ${fake.botToken}`, "content-type": "application/json" },
        body: JSON.stringify({ channel: "C1" }),
      });
    assert.equal((await call()).status, 200);
    const res = await call();
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), "3");
    assert.deepEqual(await res.json(), { ok: false, error: "ratelimited" });
  });

  it("chat.update over its bucket → 429, the message keeps its text; after Retry-After it succeeds", async () => {
    const posted = await client.chat.postMessage({ channel: "CU", text: "v0" });
    const ts = posted.ts as string;
    fake.setRateLimits({ tiers: { "chat.update": { capacity: 2, perSecond: 2 } } });
    await client.chat.update({ channel: "CU", ts, text: "v1" });
    await client.chat.update({ channel: "CU", ts, text: "v2" });
    let retryAfter = 0;
    await assert.rejects(client.chat.update({ channel: "CU", ts, text: "v3" }), (e: unknown) => {
      retryAfter = (e as { retryAfter: number }).retryAfter;
      return rateLimited(1)(e);
    });
    const message = fake.messages.find((m) => m.ts === ts);
    assert.equal(message?.text, "v2");
    assert.equal(message?.edits, 2);
    // About time: the bucket refills on the clock, and Retry-After says when.
    await new Promise((r) => setTimeout(r, retryAfter * 1000));
    await client.chat.update({ channel: "CU", ts, text: "v3" });
    assert.equal(fake.messages.find((m) => m.ts === ts)?.text, "v3");
    assert.deepEqual(fake.rateLimitStats().limited, { "chat.update": 1 });
  });

  it("the workspace-wide postMessage bucket limits posts across channels; a rejected post takes no token", async () => {
    let now = 1_000_000;
    fake.setRateLimits({
      postMessagePerChannel: { capacity: 1, perSecond: 0.1 },
      postMessageWorkspace: { capacity: 2, perSecond: 0.5 },
      now: () => now,
    });
    await client.chat.postMessage({ channel: "CW1", text: "w1" });
    await client.chat.postMessage({ channel: "CW2", text: "w2" });
    // Workspace bucket empty: 2 s until its next token.
    await assert.rejects(client.chat.postMessage({ channel: "CW3", text: "w3" }), rateLimited(2));
    now += 1000;
    // Both buckets are short: CW1's own by 9 s, the workspace one by 1 s; Retry-After is the longer.
    await assert.rejects(client.chat.postMessage({ channel: "CW1", text: "w1 again" }), rateLimited(9));
    now += 1000;
    // CW3's bucket was not charged by its rejected post (it would need 8 s more), so it has its token.
    await client.chat.postMessage({ channel: "CW3", text: "w3" });
    assert.deepEqual(
      fake.messages.filter((m) => m.channel.startsWith("CW")).map((m) => m.text),
      ["w1", "w2", "w3"],
    );
    assert.deepEqual(fake.rateLimitStats(), {
      limited: { "chat.postMessage": 2 },
      calls: { "chat.postMessage": 5 },
    });
  });

  it("tier buckets refill continuously; Retry-After is the ceiling of the wait; apps.connections.open is free", async () => {
    let now = 5_000_000;
    fake.setRateLimits({ unknownMethods: { capacity: 1, perSecond: 0.25 }, now: () => now });
    // Tier 4 by default (capacity 100): 5 auth.test calls are fine.
    for (let i = 0; i < 5; i++) await client.auth.test();
    // The fake does not know the method: a call let through gets Slack's unknown_method.
    const madeUp = () =>
      client.apiCall("made.up", {}).then(
        () => "ok",
        (e: { code?: string; retryAfter?: number; data?: { error?: string } }) =>
          e.code === webApi.ErrorCode.RateLimitedError ? `429 after ${e.retryAfter}` : e.data?.error,
      );
    assert.equal(await madeUp(), "unknown_method");
    assert.equal(await madeUp(), "429 after 4");
    now += 3100;
    assert.equal(await madeUp(), "429 after 1");
    now += 1000;
    assert.equal(await madeUp(), "unknown_method");
    const appClient = new webApi.WebClient(fake.appToken, {
      slackApiUrl: fake.apiUrl,
      logger: silent,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    for (let i = 0; i < 5; i++) await appClient.apps.connections.open();
    const stats = fake.rateLimitStats();
    assert.deepEqual(stats.limited, { "made.up": 2 });
    assert.deepEqual(stats.calls, { "auth.test": 5, "made.up": 4, "apps.connections.open": 5 });
  });

  it("a retrying WebClient (Bolt's default behaviour) waits out Retry-After: every post lands", async () => {
    fake.setRateLimits(true);
    const retrying = new webApi.WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      logger: silent,
      retryConfig: { retries: 3, minTimeout: 0, maxTimeout: 0 },
    });
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => retrying.chat.postMessage({ channel: "CR", text: `r${i}` })),
    );
    assert.equal(fake.messages.filter((m) => m.channel === "CR").length, 5);
    assert.ok((fake.rateLimitStats().limited["chat.postMessage"] ?? 0) >= 2);
    assert.ok(Date.now() - t0 >= 1000, `took ${Date.now() - t0} ms`);
  });

  it("FakeSlack.start({rateLimits: true}) enables them from the first call", async () => {
    const limited = await FakeSlack.start({
      rateLimits: { tiers: { "auth.test": { capacity: 1, perSecond: 1 } } },
    });
    try {
      const c = rejecting(limited);
      await c.auth.test();
      await assert.rejects(c.auth.test(), rateLimited(1));
      assert.deepEqual(limited.rateLimitStats(), { limited: { "auth.test": 1 }, calls: { "auth.test": 2 } });
    } finally {
      await limited.stop();
    }
  });
});

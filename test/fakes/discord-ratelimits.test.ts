/**
 * The fake Discord's opt-in rate limits: X-RateLimit-* headers per route bucket and channel,
 * 429s like Discord's (per route and global), nothing applied when rejected, stats, and the real
 * @discordjs/rest REST client pacing itself from the headers (no 429s).
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { REST, Routes } from "discord.js";
import { FakeDiscord } from "./discord/index.js";

const PATCH_KEY = "PATCH /channels/:id/messages/:id";

describe("fake Discord rate limits", () => {
  let fake: FakeDiscord;
  let thread: string;

  /** A raw request as a bot: the status, headers and JSON body. */
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${fake.apiUrl}/v10${path}`, {
      method,
      headers: { authorization: `Bot ${fake.token}`, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: Discord JSON as the fake sent it
    const json: any = text === "" ? undefined : JSON.parse(text);
    return { status: res.status, headers: res.headers, json };
  };
  const post = async (channel: string, content: string): Promise<string> => {
    const r = await call("POST", `/channels/${channel}/messages`, { content });
    assert.equal(r.status, 200);
    return r.json.id as string;
  };
  const restClient = () => new REST({ api: fake.apiUrl, makeRequest: fetch as never }).setToken(fake.token);

  before(async () => {
    fake = await FakeDiscord.start();
    const r = await call("POST", `/channels/${fake.channelId}/threads`, { name: "second channel", type: 11 });
    thread = r.json.id;
  });
  after(async () => {
    await fake.stop();
  });
  beforeEach(() => {
    fake.setRateLimits(false);
    fake.resetRateLimitStats();
  });

  it("is off by default: 7 edits in a row all applied, calls still counted", async () => {
    const id = await post(fake.channelId, "v0");
    for (let n = 1; n <= 7; n++) {
      const r = await call("PATCH", `/channels/${fake.channelId}/messages/${id}`, { content: `v${n}` });
      assert.equal(r.status, 200);
    }
    assert.equal(fake.messages.find((m) => m.id === id)?.content, "v7");
    const stats = fake.rateLimitStats();
    assert.deepEqual(stats.limited, {});
    assert.equal(stats.calls[PATCH_KEY], 7);
    assert.equal(stats.globalLimited, 0);
  });

  it("every answer on a limited route carries X-RateLimit-*: remaining counts down per channel, one hash per route", async () => {
    fake.setRateLimits(true);
    const seen = [];
    for (let n = 1; n <= 3; n++) {
      const r = await call("POST", `/channels/${fake.channelId}/messages`, { content: `h${n}` });
      seen.push(r.headers);
    }
    assert.deepEqual(
      seen.map((h) => [h.get("x-ratelimit-limit"), h.get("x-ratelimit-remaining")]),
      [
        ["5", "4"],
        ["5", "3"],
        ["5", "2"],
      ],
    );
    const last = seen[2] as Headers;
    const resetAfter = Number(last.get("x-ratelimit-reset-after"));
    assert.ok(resetAfter > 4 && resetAfter <= 5, `reset-after ${resetAfter}`);
    assert.match(last.get("x-ratelimit-reset-after") ?? "", /^\d+\.\d{3}$/);
    const reset = Number(last.get("x-ratelimit-reset"));
    assert.ok(Math.abs(reset - (Date.now() / 1000 + resetAfter)) < 0.5, `reset ${reset}`);
    assert.match(last.get("x-ratelimit-reset") ?? "", /^\d{10}\.\d{3}$/);
    // Another channel: its own window, the same bucket hash.
    const other = await call("POST", `/channels/${thread}/messages`, { content: "other" });
    assert.equal(other.headers.get("x-ratelimit-remaining"), "4");
    assert.equal(other.headers.get("x-ratelimit-bucket"), last.get("x-ratelimit-bucket"));
    // Edits, deletes and the rest are other buckets with their own numbers.
    const id = other.json.id as string;
    const edit = await call("PATCH", `/channels/${thread}/messages/${id}`, { content: "x" });
    assert.notEqual(edit.headers.get("x-ratelimit-bucket"), last.get("x-ratelimit-bucket"));
    const del = await call("DELETE", `/channels/${thread}/messages/${id}`);
    assert.equal(del.status, 204);
    assert.equal(del.headers.get("x-ratelimit-limit"), "5");
    assert.ok(Number(del.headers.get("x-ratelimit-reset-after")) <= 1);
    const get = await call("GET", `/channels/${thread}`);
    assert.deepEqual(
      [get.headers.get("x-ratelimit-limit"), get.headers.get("x-ratelimit-remaining")],
      ["10", "9"],
    );
  });

  it("the 6th edit in 5 s on one channel → 429 user scope with retry_after, not applied", async () => {
    const id = await post(fake.channelId, "e0");
    const other = await post(thread, "o0");
    fake.setRateLimits(true);
    for (let n = 1; n <= 5; n++) {
      const r = await call("PATCH", `/channels/${fake.channelId}/messages/${id}`, { content: `e${n}` });
      assert.equal(r.headers.get("x-ratelimit-remaining"), String(5 - n));
    }
    const r = await call("PATCH", `/channels/${fake.channelId}/messages/${id}`, { content: "e6" });
    assert.equal(r.status, 429);
    assert.equal(r.json.message, "You are being rate limited.");
    assert.equal(r.json.global, false);
    assert.ok(r.json.retry_after > 4 && r.json.retry_after <= 5, `retry_after ${r.json.retry_after}`);
    assert.equal(r.headers.get("retry-after"), String(Math.ceil(r.json.retry_after)));
    assert.equal(r.headers.get("x-ratelimit-scope"), "user");
    assert.equal(r.headers.get("x-ratelimit-global"), null);
    assert.equal(r.headers.get("x-ratelimit-remaining"), "0");
    const message = fake.messages.find((m) => m.id === id);
    assert.equal(message?.content, "e5");
    assert.equal(message?.edits, 5);
    assert.equal(fake.calls.at(-1)?.rateLimited, "user");
    assert.equal(fake.calls.at(-1)?.status, 429);
    // Another channel has its own window.
    const ok = await call("PATCH", `/channels/${thread}/messages/${other}`, { content: "o1" });
    assert.equal(ok.status, 200);
    const stats = fake.rateLimitStats();
    assert.deepEqual(stats.limited, { [PATCH_KEY]: 1 });
    assert.equal(stats.calls[PATCH_KEY], 7);
    assert.equal(stats.globalLimited, 0);
  });

  it("discord.js REST paces itself from the headers: 12 edits in a loop, 0 × 429, all applied", async () => {
    const id = await post(fake.channelId, "d0");
    fake.setRateLimits({ routes: { [PATCH_KEY]: { limit: 5, windowMs: 500 } } });
    const rest = restClient();
    const statuses: number[] = [];
    rest.on("response", (_req, res) => statuses.push(res.status));
    const t0 = Date.now();
    for (let n = 1; n <= 12; n++) {
      await rest.patch(Routes.channelMessage(fake.channelId, id), { body: { content: `d${n}` } });
    }
    const elapsed = Date.now() - t0;
    assert.equal(statuses.length, 12);
    assert.ok(
      statuses.every((s) => s === 200),
      `statuses ${statuses}`,
    );
    assert.deepEqual(fake.rateLimitStats().limited, {});
    const message = fake.messages.find((m) => m.id === id);
    assert.equal(message?.content, "d12");
    assert.equal(message?.edits, 12);
    // 5 + 5 + 2: it waited for two resets.
    assert.ok(elapsed >= 1000, `took ${elapsed} ms`);
  });

  it("discord.js REST, 12 edits fired at once: it queues them per bucket, 0 × 429, all applied", async () => {
    const id = await post(fake.channelId, "c0");
    fake.setRateLimits({ routes: { [PATCH_KEY]: { limit: 5, windowMs: 500 } } });
    const rest = restClient();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        rest.patch(Routes.channelMessage(fake.channelId, id), { body: { content: `c${i + 1}` } }),
      ),
    );
    const message = fake.messages.find((m) => m.id === id);
    assert.equal(message?.edits, 12);
    const limited = fake.rateLimitStats().limited[PATCH_KEY] ?? 0;
    assert.equal(limited, 0);
  });

  it("global: the 51st request in a second → 429 global; interaction callbacks are exempt", async () => {
    let now = 10_000_000;
    fake.setRateLimits({ defaultRoute: null, now: () => now });
    const results = await Promise.all(Array.from({ length: 55 }, () => call("GET", "/users/@me")));
    assert.equal(results.filter((r) => r.status === 200).length, 50);
    const rejected = results.filter((r) => r.status === 429);
    assert.equal(rejected.length, 5);
    const g = rejected[0];
    assert.deepEqual(g?.json, { message: "You are being rate limited.", retry_after: 1, global: true });
    assert.equal(g?.headers.get("retry-after"), "1");
    assert.equal(g?.headers.get("x-ratelimit-global"), "true");
    assert.equal(g?.headers.get("x-ratelimit-scope"), "global");
    assert.equal(g?.headers.get("x-ratelimit-bucket"), null);
    // The callback of an interaction still goes through.
    const i = await fake.slashCommand({ channel_id: fake.channelId, user_id: "200000000000000001" });
    const cb = await call("POST", `/interactions/${i.interactionId}/${i.token}/callback`, {
      type: 4,
      data: { content: "pong" },
    });
    assert.ok(cb.status === 200 || cb.status === 204, `callback ${cb.status}`);
    assert.equal((await call("GET", "/users/@me")).status, 429);
    now += 1000;
    assert.equal((await call("GET", "/users/@me")).status, 200);
    assert.deepEqual(fake.rateLimitStats(), {
      limited: { "GET /users/@me": 6 },
      calls: { "GET /users/@me": 57, "POST /interactions/:id/:token/callback": 1 },
      globalLimited: 6,
    });
  });

  it("discord.js REST keeps under the global 50/s on its own: 30 channels × 3 reads at once, 0 × 429", async () => {
    const channels: string[] = [];
    for (let n = 0; n < 30; n++) {
      const r = await call("POST", `/channels/${fake.channelId}/threads`, { name: `g${n}`, type: 11 });
      channels.push(r.json.id);
    }
    // Only the global limit: 90 requests on 30 routes' buckets, which discord.js runs in parallel.
    fake.setRateLimits({ defaultRoute: null });
    const rest = restClient();
    const t0 = Date.now();
    await Promise.all(
      channels.map(async (id) => {
        for (let k = 0; k < 3; k++) await rest.get(Routes.channel(id));
      }),
    );
    const stats = fake.rateLimitStats();
    assert.equal(stats.calls["GET /channels/:id"], 90);
    assert.equal(stats.globalLimited, 0);
    assert.ok(Date.now() - t0 >= 1000, `took ${Date.now() - t0} ms`);
  });

  it("FakeDiscord.start({rateLimits}) enables them from the first request", async () => {
    const limited = await FakeDiscord.start({
      rateLimits: { routes: { "GET /gateway/bot": { limit: 1, windowMs: 60_000 } } },
    });
    try {
      const get = () =>
        fetch(`${limited.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${limited.token}` } });
      assert.equal((await get()).status, 200);
      assert.equal((await get()).status, 429);
      assert.deepEqual(limited.rateLimitStats().limited, { "GET /gateway/bot": 1 });
    } finally {
      await limited.stop();
    }
  });
});

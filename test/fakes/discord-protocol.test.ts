/**
 * The fake Discord's own protocol rules, spoken to directly (fetch and a raw WebSocket, no
 * discord.js): recorded calls, auth and routing errors, interaction callback rules, gateway opcodes
 * and intents.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { WebSocket } from "ws";
import { FakeDiscord } from "./discord/index.js";

const USER = "200000000000000001";
/** An action row with one button, as discord.js's builders serialise it. */
const buttonRow = (id: string) => ({
  type: 1,
  components: [{ type: 2, custom_id: id, label: id, style: 1 }],
});

describe("FakeDiscord protocol rules (no discord.js)", () => {
  let fake: FakeDiscord;
  const api = (path: string, init: RequestInit = {}) => fetch(`${fake.apiUrl}/v10${path}`, init);
  const bot = () => ({ authorization: `Bot ${fake.token}`, "content-type": "application/json" });

  before(async () => {
    fake = await FakeDiscord.start({ interactionCallbackTimeoutMs: 300 });
  });
  after(() => fake.stop());

  it("waitForCall resolves with the first matching call from `from` on, recorded with its time", async () => {
    const from = fake.calls.length;
    const started = Date.now();
    const waiting = fake.waitForCall((c) => c.method === "POST" && c.body?.content === "wanted", { from });
    for (const content of ["not this one", "wanted"]) {
      const posted = await api(`/channels/${fake.channelId}/messages`, {
        method: "POST",
        headers: bot(),
        body: JSON.stringify({ content }),
      });
      assert.equal(posted.status, 200);
    }
    const call = await waiting;
    assert.equal(call, fake.calls.at(-1));
    assert.ok(call.at >= started && call.at <= Date.now(), `recorded at ${call.at}`);
    await assert.rejects(
      fake.waitForCall((c) => c.body?.content === "wanted", { from: fake.calls.length, timeoutMs: 100 }),
      /timed out/,
    );
  });

  it("401 without the bot token, 404 for unknown routes, 405 for a wrong method", async () => {
    const noAuth = await api("/users/@me");
    assert.equal(noAuth.status, 401);
    assert.deepEqual(await noAuth.json(), { message: "401: Unauthorized", code: 0 });
    const unknown = await api("/nope", { headers: bot() });
    assert.deepEqual([unknown.status, await unknown.json()], [404, { message: "404: Not Found", code: 0 }]);
    assert.equal(
      (await api(`/channels/${fake.channelId}/messages`, { method: "PUT", headers: bot() })).status,
      405,
    );
    assert.equal(
      (await api(`/channels/${fake.channelId}/messages`, { method: "POST", headers: bot(), body: "{}" }))
        .status,
      400,
    );
  });

  it("interaction callbacks: no token needed, once only (40060), within the time limit (10062)", async () => {
    const card = await api(`/channels/${fake.channelId}/messages`, {
      method: "POST",
      headers: bot(),
      body: JSON.stringify({ content: "card", components: [buttonRow("go")] }),
    });
    const { id } = (await card.json()) as { id: string };
    const callback = (h: { interactionId: string; token: string }) =>
      api(`/interactions/${h.interactionId}/${h.token}/callback?with_response=true`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: 6 }),
      });
    const first = await fake.clickButton({ user_id: USER, message_id: id, custom_id: "go" });
    const ok = await callback(first);
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { interaction: { id: string } }).interaction.id, first.interactionId);
    assert.equal(((await (await callback(first)).json()) as { code: number }).code, 40060);
    const late = await fake.clickButton({ user_id: USER, message_id: id, custom_id: "go" });
    // About time: the callback comes after the interaction's 300 ms window has passed.
    await new Promise((r) => setTimeout(r, 350));
    assert.equal(((await (await callback(late)).json()) as { code: number }).code, 10062);
  });

  it("gateway: bad token closes 4004, unknown RESUME gets op 9, intents gate message content", async () => {
    const url = `ws://${new URL(fake.apiUrl).host}/gateway?v=10&encoding=json`;
    const frames: { op: number; t?: string; d: never }[] = [];
    const open = async () => {
      const ws = new WebSocket(url);
      ws.on("message", (data) => frames.push(JSON.parse(data.toString())));
      await new Promise((r) => ws.once("open", r));
      return ws;
    };
    const bad = await open();
    bad.send(JSON.stringify({ op: 2, d: { token: "wrong", intents: 0 } }));
    assert.equal(await new Promise((r) => bad.once("close", r)), 4004);
    const stale = await open();
    stale.send(JSON.stringify({ op: 6, d: { token: fake.token, session_id: "gone", seq: 1 } }));
    await fake.waitFor(() => frames.find((f) => f.op === 9), { what: "op 9" });
    stale.send(JSON.stringify({ op: 2, d: { token: fake.token, intents: 1 | (1 << 9) } }));
    await fake.whenReady();
    await fake.waitFor(() => frames.find((f) => f.t === "GUILD_CREATE"), { what: "GUILD_CREATE" });
    assert.deepEqual(
      frames.filter((f) => f.op === 0).map((f) => f.t),
      ["READY", "GUILD_CREATE"],
    );
    await fake.sendMessage({ author_id: USER, channel_id: fake.channelId, content: "secret" });
    await fake.sendMessage({
      author_id: USER,
      channel_id: fake.channelId,
      content: "hey",
      mention_bot: true,
    });
    const contents = await fake.waitFor(() => {
      const got = frames
        .filter((f) => f.t === "MESSAGE_CREATE")
        .map((f) => (f.d as { content: string }).content);
      return got.length === 2 && got;
    });
    assert.deepEqual(contents, ["", `<@${fake.botUserId}> hey`]);
    stale.close(1000);
  });
});

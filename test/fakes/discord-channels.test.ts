/**
 * The fake Discord with several text channels (`FakeDiscord.start({textChannels})`), against the
 * real discord.js Client: every channel is in the guild's cache, mentions in any of them arrive as
 * messageCreate, and threads started there belong to that channel. Plus the REST view of them.
 */
import "@slack/bolt";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ChannelType, Client, Events, GatewayIntentBits, type Message, Partials } from "discord.js";
import { FakeDiscord } from "./discord/index.js";

const USER = "200000000000000001";

describe("FakeDiscord with textChannels: 3 and the real discord.js Client", () => {
  let fake: FakeDiscord;
  let client: Client;
  const received: Message[] = [];

  before(async () => {
    fake = await FakeDiscord.start({ textChannels: 3 });
    fake.addUser(USER, "alice");
    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      partials: [Partials.Channel],
      rest: { api: fake.apiUrl, makeRequest: fetch as never },
    });
    client.on(Events.MessageCreate, (m) => void received.push(m));
    const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
    await client.login(fake.token);
    await ready;
    await fake.whenReady();
  });
  after(async () => {
    await client.destroy();
    await fake.stop();
  });

  it("lists three distinct text channels, channelId first, all in discord.js's cache", () => {
    const ids = fake.channelIds;
    assert.equal(ids.length, 3);
    assert.equal(ids[0], fake.channelId);
    assert.equal(new Set(ids).size, 3);
    const guild = client.guilds.cache.get(fake.guildId);
    for (const id of ids) {
      const channel = guild?.channels.cache.get(id);
      assert.equal(channel?.type, ChannelType.GuildText, `channel ${id} cached as a text channel`);
      assert.equal(client.channels.cache.get(id)?.id, id);
    }
  });

  it("a mention in the third channel arrives there; its thread has that parent; posting in it works", async () => {
    const third = fake.channelIds[2] as string;
    const sent = await fake.sendMessage({
      author_id: USER,
      channel_id: third,
      content: "go",
      mention_bot: true,
    });
    const msg = await fake.waitFor(() => received.find((m) => m.id === sent.id), { what: "messageCreate" });
    assert.equal(msg.channelId, third);
    assert.equal(msg.channel.id, third);
    assert.ok(client.user && msg.mentions.users.has(client.user.id));

    const thread = await msg.startThread({ name: "Copilot: go" });
    assert.equal(thread.id, msg.id);
    assert.equal(thread.parentId, third);
    assert.deepEqual(
      fake.threads.map((t) => [t.id, t.parent_id]),
      [[msg.id, third]],
    );

    const post = await thread.send("working on it");
    assert.equal(post.channelId, thread.id);
    await post.edit("done");
    const stored = fake.channelMessages(thread.id);
    assert.deepEqual(
      stored.map((m) => [m.id, m.content, m.edits]),
      [[post.id, "done", 1]],
    );
    const reply = await fake.sendMessage({ author_id: USER, channel_id: thread.id, content: "thanks" });
    const inThread = await fake.waitFor(() => received.find((m) => m.id === reply.id), {
      what: "thread reply",
    });
    assert.ok(inThread.channel.isThread());
    assert.equal(inThread.channel.parentId, third);
  });

  it("the bot posts and edits in the second channel; channelMessages keeps channels apart", async () => {
    const second = fake.channelIds[1] as string;
    const channel = client.channels.cache.get(second);
    assert.ok(channel?.isSendable());
    const sent = await channel.send("hello second");
    await sent.edit("hello again");
    assert.deepEqual(
      fake.channelMessages(second).map((m) => [m.content, m.edits]),
      [["hello again", 1]],
    );
    assert.deepEqual(fake.channelMessages(fake.channelId), []);
    assert.deepEqual(
      fake.channelMessages(fake.channelIds[2] as string).map((m) => m.content),
      [`<@${fake.botUserId}> go`],
    );
  });

  it("REST: GET /channels/:id and /guilds/:id/channels know every channel; threads from any of them", async () => {
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${fake.apiUrl}/v10${path}`, {
        ...init,
        headers: { authorization: `Bot ${fake.token}`, "content-type": "application/json" },
      });
    for (const [i, id] of fake.channelIds.entries()) {
      const res = await api(`/channels/${id}`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { id: string; type: number; position: number; name: string };
      assert.deepEqual([body.id, body.type, body.position], [id, 0, i]);
    }
    const listed = (await (await api(`/guilds/${fake.guildId}/channels`)).json()) as { id: string }[];
    assert.deepEqual(
      listed.map((c) => c.id),
      fake.channelIds,
    );
    assert.equal((await api("/channels/999999999999999999")).status, 404);

    const second = fake.channelIds[1] as string;
    const made = await api(`/channels/${second}/threads`, {
      method: "POST",
      body: JSON.stringify({ name: "side", type: 11 }),
    });
    assert.equal(made.status, 201);
    const t = (await made.json()) as { id: string; parent_id: string };
    assert.equal(t.parent_id, second);
    // A thread is not a text channel: no thread inside a thread.
    const nested = await api(`/channels/${t.id}/threads`, {
      method: "POST",
      body: JSON.stringify({ name: "nested", type: 11 }),
    });
    assert.equal(nested.status, 400);
  });

  it("textChannels must be a positive integer", async () => {
    await assert.rejects(FakeDiscord.start({ textChannels: 0 }), /textChannels/);
  });
});

describe("FakeDiscord state indexes", () => {
  it("lookups by id follow creates and deletes", async () => {
    const fake = await FakeDiscord.start();
    try {
      const api = (path: string, init: RequestInit = {}) =>
        fetch(`${fake.apiUrl}/v10${path}`, {
          ...init,
          headers: { authorization: `Bot ${fake.token}`, "content-type": "application/json" },
        });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await api(`/channels/${fake.channelId}/messages`, {
          method: "POST",
          body: JSON.stringify({ content: `m${i}` }),
        });
        ids.push(((await res.json()) as { id: string }).id);
      }
      const gone = ids[2] as string;
      assert.equal(
        (await api(`/channels/${fake.channelId}/messages/${gone}`, { method: "DELETE" })).status,
        204,
      );
      assert.equal((await api(`/channels/${fake.channelId}/messages/${gone}`)).status, 404);
      assert.equal(
        (await api(`/channels/${fake.channelId}/messages/${gone}`, { method: "DELETE" })).status,
        404,
      );
      assert.deepEqual(
        fake.channelMessages(fake.channelId).map((m) => m.content),
        ["m0", "m1", "m3", "m4"],
      );
      // The wrong channel does not find a message.
      const other = await api(`/channels/${fake.channelId}/threads`, {
        method: "POST",
        body: JSON.stringify({ name: "t", type: 11 }),
      });
      const thread = ((await other.json()) as { id: string }).id;
      assert.equal((await api(`/channels/${thread}/messages/${ids[0]}`)).status, 404);
      assert.equal((await api(`/channels/${fake.channelId}/messages/${ids[0]}`)).status, 200);
      // A thread from a message, then a post in it: both found by id.
      const started = await api(`/channels/${fake.channelId}/messages/${ids[4]}/threads`, {
        method: "POST",
        body: JSON.stringify({ name: "from m4" }),
      });
      assert.equal(started.status, 201);
      const post = await api(`/channels/${ids[4]}/messages`, {
        method: "POST",
        body: JSON.stringify({ content: "in" }),
      });
      assert.equal(post.status, 200);
      const listed = (await (await api(`/channels/${ids[4]}/messages`)).json()) as { content: string }[];
      assert.deepEqual(
        listed.map((m) => m.content),
        ["in"],
      );
      const got = (await (await api(`/channels/${ids[4]}`)).json()) as { message_count: number };
      assert.equal(got.message_count, 1);
    } finally {
      await fake.stop();
    }
  });
});

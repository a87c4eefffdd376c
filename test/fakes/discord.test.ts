/**
 * The fake Discord against the real discord.js Client (gateway + REST): logging in, threads,
 * messages and uploads, every kind of interaction reply, limits, 429 and 5xx, and a dropped or
 * zombie gateway. The fake's protocol rules without discord.js are in discord-protocol.test.ts.
 * `@slack/bolt` is loaded on purpose: the bridge runs both in one process (with Bolt loaded, discord.js uploads need REST over fetch).
 */
import "@slack/bolt";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  HTTPError,
  type Interaction,
  type Message,
  MessageFlags,
  ModalBuilder,
  Partials,
  TextInputBuilder,
  TextInputStyle,
  type ThreadChannel,
} from "discord.js";
import { FakeDiscord } from "./discord/index.js";

const USER = "200000000000000001";
const OWNER_ROLE = "300000000000000001";

const row = (...ids: string[]) =>
  new ActionRowBuilder<ButtonBuilder>().addComponents(
    ids.map((id) => new ButtonBuilder().setCustomId(id).setLabel(id).setStyle(ButtonStyle.Primary)),
  );
const modal = new ModalBuilder()
  .setCustomId("settings")
  .setTitle("Settings")
  .addComponents(
    new ActionRowBuilder<TextInputBuilder>().addComponents(
      new TextInputBuilder().setCustomId("model").setLabel("Model").setStyle(TextInputStyle.Short),
    ),
  );

describe("FakeDiscord with the real discord.js Client", () => {
  let fake: FakeDiscord;
  let client: Client;
  let thread: ThreadChannel;
  const received: Message[] = [];
  const handlers = new Map<string, (i: Interaction) => Promise<unknown>>();
  const handlerErrors: unknown[] = [];
  const ch = () => fake.channelId;

  /** Posts a message in the thread with a button and returns the fake's copy of it. */
  const postCard = async (id: string) => {
    const sent = await thread.send({ content: `card ${id}`, components: [row(id)] });
    return sent.id;
  };

  before(async () => {
    fake = await FakeDiscord.start({ ownerRoleIds: [OWNER_ROLE] });
    fake.addUser(USER, "alice", [OWNER_ROLE]);
    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      partials: [Partials.Channel],
      rest: { api: fake.apiUrl, makeRequest: fetch as never },
    });
    client.on(Events.MessageCreate, (m) => void received.push(m));
    client.on(Events.InteractionCreate, (i) => {
      const key =
        i.isButton() || i.isModalSubmit() ? i.customId : i.isChatInputCommand() ? i.commandName : "";
      handlers
        .get(key)?.(i)
        .catch((e: unknown) => handlerErrors.push(e));
    });
    const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
    await client.login(fake.token);
    await ready;
    await fake.whenReady();
  });
  after(async () => {
    await client.destroy();
    await fake.stop();
    assert.deepEqual(handlerErrors, []);
  });

  it("logs in: GET /gateway/bot with the bot token, IDENTIFY, READY + GUILD_CREATE → clientReady", () => {
    assert.equal(client.user?.id, fake.botUserId);
    assert.equal(client.application?.id, fake.applicationId);
    assert.equal(fake.identifies, 1);
    const gw = fake.calls.find((c) => c.path === "/gateway/bot");
    assert.equal(gw?.auth, `Bot ${fake.token}`);
    const guild = client.guilds.cache.get(fake.guildId);
    assert.ok(guild?.channels.cache.get(ch())?.isTextBased());
    assert.ok(guild?.members.cache.get(USER)?.roles.cache.has(OWNER_ROLE));
  });

  it("a mention arrives as messageCreate; startThread makes a thread whose id is the message id", async () => {
    const sent = await fake.sendMessage({
      author_id: USER,
      channel_id: ch(),
      content: "fix it",
      mention_bot: true,
    });
    const msg = await fake.waitFor(() => received.find((m) => m.id === sent.id), { what: "messageCreate" });
    assert.ok(client.user && msg.mentions.users.has(client.user.id));
    assert.equal(msg.content, `<@${fake.botUserId}> fix it`);
    assert.ok(msg.member?.roles.cache.has(OWNER_ROLE));
    thread = await msg.startThread({ name: "Copilot: fix it" });
    assert.equal(thread.id, msg.id);
    assert.equal(thread.parentId, ch());
    assert.deepEqual(
      fake.threads.map((t) => [t.id, t.parent_id, t.message_id, t.owner_id]),
      [[msg.id, ch(), msg.id, fake.botUserId]],
    );
    assert.equal(fake.messages.find((m) => m.id === msg.id)?.thread?.name, "Copilot: fix it");
    const reply = await fake.sendMessage({ author_id: USER, channel_id: thread.id, content: "also tests" });
    const inThread = await fake.waitFor(() => received.find((m) => m.id === reply.id), {
      what: "thread reply",
    });
    assert.ok(inThread.channel.isThread());
  });

  it("sends a message with a button row into the thread and edits it in place", async () => {
    const sent = await thread.send({ content: "working…", components: [row("approve", "deny")] });
    await sent.edit({ content: "done", components: [] });
    const [stored] = fake.channelMessages(thread.id).filter((m) => m.id === sent.id);
    assert.equal(stored?.content, "done");
    assert.equal(stored?.edits, 1);
    assert.deepEqual(stored?.components, []);
    const post = fake.calls.find((c) => c.method === "POST" && c.path === `/channels/${thread.id}/messages`);
    assert.deepEqual(
      post?.body.components[0].components.map((b: { custom_id: string }) => b.custom_id),
      ["approve", "deny"],
    );
    assert.ok(
      fake.calls.some((c) => c.method === "PATCH" && c.path === `/channels/${thread.id}/messages/${sent.id}`),
    );
  });

  it("uploads a file as multipart files[0] + payload_json (with @slack/bolt loaded)", async () => {
    const file = new AttachmentBuilder(Buffer.from("hello log"), { name: "log.txt" });
    const sent = await thread.send({ content: "log attached", files: [file] });
    const call = fake.calls.find((c) => c.path === `/channels/${thread.id}/messages` && c.files.length > 0);
    assert.equal(call?.files[0]?.field, "files[0]");
    assert.equal(call?.body.content, "log attached");
    const stored = fake.messages.find((m) => m.id === sent.id);
    assert.equal(stored?.attachments[0]?.bytes.toString(), "hello log");
    const url = sent.attachments.first()?.url ?? "";
    assert.equal(await (await fetch(url)).text(), "hello log");
  });

  it("button → ephemeral reply is callback type 4 with flags 64", async () => {
    handlers.set("why", (i) =>
      i.isButton() ? i.reply({ content: "only you", flags: MessageFlags.Ephemeral }) : Promise.resolve(),
    );
    const { interactionId } = await fake.clickButton({
      user_id: USER,
      message_id: await postCard("why"),
      custom_id: "why",
    });
    const reply = await fake.replyTo(interactionId);
    assert.equal(reply.type, 4);
    assert.equal(reply.data.flags, 64);
    const call = fake.calls.find((c) => c.path.startsWith(`/interactions/${interactionId}/`));
    assert.equal(call?.auth, undefined, "callbacks are sent without the bot token");
    assert.deepEqual(call?.query, { with_response: "false" });
    assert.equal(fake.ephemeralMessages.at(-1)?.content, "only you");
    assert.ok(!fake.messages.some((m) => m.content === "only you"));
  });

  it("button → update is callback type 7 and edits the clicked message", async () => {
    handlers.set("ok", (i) =>
      i.isButton() ? i.update({ content: "Approved by alice", components: [] }) : Promise.resolve(),
    );
    const messageId = await postCard("ok");
    const { interactionId } = await fake.clickButton({
      user_id: USER,
      message_id: messageId,
      custom_id: "ok",
    });
    assert.equal((await fake.replyTo(interactionId)).type, 7);
    const stored = fake.messages.find((m) => m.id === messageId);
    assert.equal(stored?.content, "Approved by alice");
    assert.equal(stored?.edits, 1);
    await assert.rejects(
      fake.clickButton({ user_id: USER, message_id: messageId, custom_id: "ok" }),
      /no button "ok"/,
    );
  });

  it("button → showModal is type 9; the submit arrives as a modal interaction", async () => {
    handlers.set("configure", (i) => (i.isButton() ? i.showModal(modal) : Promise.resolve()));
    handlers.set("settings", async (i) => {
      if (!i.isModalSubmit()) return;
      await i.deferUpdate();
      await i.editReply({ content: `model: ${i.fields.getTextInputValue("model")}`, components: [] });
    });
    const messageId = await postCard("configure");
    const click = await fake.clickButton({ user_id: USER, message_id: messageId, custom_id: "configure" });
    const shown = await fake.replyTo(click.interactionId);
    assert.equal(shown.type, 9);
    assert.equal(shown.data.custom_id, "settings");
    const submit = await fake.submitModal({
      user_id: USER,
      channel_id: thread.id,
      custom_id: "settings",
      fields: { model: "gpt-5" },
    });
    assert.equal((await fake.replyTo(submit.interactionId)).type, 6);
    await fake.waitFor(() => fake.messages.find((m) => m.id === messageId && m.content === "model: gpt-5"), {
      what: "editReply on the card",
    });
    assert.ok(fake.followups.some((m) => m.id === messageId));
  });

  it("registers /copilot and answers it: deferReply (type 5) → editReply → followUp", async () => {
    await client.application?.commands.set(
      [{ name: "copilot", description: "Start a Copilot session" }],
      fake.guildId,
    );
    assert.deepEqual(
      fake.commands.map((c) => [c.name, c.guild_id]),
      [["copilot", fake.guildId]],
    );
    handlers.set("copilot", async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await i.editReply(`starting: ${i.options.getString("prompt")}`);
      await i.followUp({ content: "settings", flags: MessageFlags.Ephemeral });
    });
    const { interactionId } = await fake.slashCommand({
      user_id: USER,
      channel_id: ch(),
      options: [{ name: "prompt", type: 3, value: "add tests" }],
    });
    assert.equal((await fake.replyTo(interactionId)).type, 5);
    await fake.waitFor(() => fake.followups.length >= 3, { what: "editReply + followUp" });
    const original = fake.messages.find((m) => m.interaction_id === interactionId);
    assert.equal(original?.content, "starting: add tests");
    assert.equal(original?.flags ?? 0, 0, "loading flag cleared");
    assert.equal(fake.followups.at(-1)?.flags, 64);
  });

  it("enforces limits: content > 2000, duplicate custom_id, > 5 rows → 400 50035", async () => {
    const form = (e: unknown) => e instanceof DiscordAPIError && e.code === 50035 && e.status === 400;
    await assert.rejects(thread.send("x".repeat(2001)), form);
    await assert.rejects(thread.send({ content: "dup", components: [row("a", "a")] }), form);
    await assert.rejects(
      thread.send({ content: "rows", components: [1, 2, 3, 4, 5, 6].map((n) => row(`r${n}`)) }),
      form,
    );
    const bad = fake.calls.at(-1);
    assert.equal(bad?.status, 400);
  });

  it("429: discord.js waits retry_after and retries the same request", async () => {
    fake.failNext("POST /channels/:id/messages", { status: 429, retryAfter: 0.3 });
    const t0 = Date.now();
    await thread.send("after the rate limit");
    assert.ok(Date.now() - t0 >= 300, `waited ${Date.now() - t0} ms`);
    const posts = fake.calls.filter((c) => c.at >= t0 && c.method === "POST");
    assert.deepEqual(
      posts.map((c) => c.fault ?? c.status),
      ["429", 200],
    );
    fake.failNext("*", { status: 429, retryAfter: 0.2, global: true });
    const t1 = Date.now();
    await thread.send("after a global rate limit");
    assert.ok(Date.now() - t1 >= 200, `waited ${Date.now() - t1} ms`);
    assert.equal(fake.calls.filter((c) => c.at >= t1 && c.fault === "429 global").length, 1);
  });

  it("5xx: retried at once up to 3 times, then HTTPError", async () => {
    fake.failNext(/^POST \/channels\/\d+\/messages$/, { status: 502 }, 2);
    const t0 = Date.now();
    await thread.send("survives two 502s");
    const posts = () => fake.calls.filter((c) => c.at >= t0 && c.method === "POST");
    assert.deepEqual(
      posts().map((c) => c.fault ?? c.status),
      ["502", "502", 200],
    );
    fake.failNext("POST /channels/:id/messages", { status: 500 }, 4);
    await assert.rejects(thread.send("lost"), (e) => e instanceof HTTPError && e.status === 500);
    assert.equal(posts().length, 7);
    fake.failNext("POST /channels/:id/messages", { drop: true });
    await assert.rejects(thread.send("dropped"), /fetch failed/);
    assert.equal(posts().length, 8, "a dropped connection is not retried");
  });

  it("a dropped gateway is RESUMEd on resume_gateway_url and missed events are replayed", async () => {
    fake.dropGateway();
    const missed = await fake.sendMessage({
      author_id: USER,
      channel_id: thread.id,
      content: "while you were away",
    });
    await fake.waitFor(() => received.find((m) => m.id === missed.id), { what: "replayed MESSAGE_CREATE" });
    assert.equal(fake.resumes, 1);
    assert.equal(fake.identifies, 1);
    assert.equal(fake.gatewayPaths.at(-1), "/gateway/resume");
  });

  it("a zombie connection (no heartbeat ACK) is closed and resumed", async () => {
    const before = fake.resumes;
    fake.zombie(true);
    await fake.waitFor(() => fake.resumes > before, { what: "resume after zombie", timeoutMs: 8000 });
    fake.zombie(false);
    await fake.whenReady();
    const sent = await fake.sendMessage({
      author_id: USER,
      channel_id: ch(),
      content: "still there?",
      mention_bot: true,
    });
    await fake.waitFor(() => received.find((m) => m.id === sent.id), { what: "message after zombie" });
  });
});

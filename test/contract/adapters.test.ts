/**
 * Every ChatAdapter passes the same contract: the core's fake, and the real Slack and Discord
 * adapters against their fakes — all in one process, so Bolt and discord.js are loaded together
 * (with Bolt loaded, discord.js multipart uploads break unless its REST client uses fetch).
 */
import type { MessageRef } from "../../src/core/vocabulary/refs.js";
import "@slack/bolt";
import { DiscordAdapter } from "../../adapters/discord/adapter.js";
import { SlackAdapter } from "../../adapters/slack/adapter.js";
import { silentLogger } from "../../src/core/log.js";
import { buttonsOf, visible } from "../e2e/harness.js";
import { FakeChat } from "../fakes/chat.js";
import { FakeDiscord } from "../fakes/discord/index.js";
import { FakeSlack } from "../fakes/slack/index.js";
import { discordNotified, slackNotified } from "./pings.js";
import { adapterContract } from "./suite.js";

adapterContract("core fake", async (handler) => {
  const chat = new FakeChat();
  await chat.start(handler);
  return {
    adapter: chat,
    channel: { platform: "slack", channel: "C1", workspace: chat.workspace },
    user: "UCONTRACT",
    read: (ref) => ({ text: chat.shown(ref).text, buttons: chat.shown(ref).buttons.map((b) => b.label) }),
    replies: (thread) => chat.thread(thread).replies.map((r) => r.ref),
    uploads: (thread) =>
      chat.thread(thread).uploads.map((f) => ({ name: f.name, bytes: Buffer.from(f.bytes) })),
    noticesFor: (user) => chat.noticesFor(user),
    click: async (user, ref, label) => {
      const button = chat.shown(ref).buttons.find((b) => b.label === label);
      if (!button) throw new Error(`no button ${label}`);
      await chat.click(user, ref, button.action, button.payload);
    },
    modalsOpened: () =>
      chat.modals.map((m) => ({ title: m.modal.title, fields: m.modal.fields.map((f) => f.id) })),
    submitLastModal: async (user, values) => {
      const opened = chat.modals.at(-1);
      if (!opened) throw new Error("no modal");
      await chat.submitModal(user, opened, values);
    },
    // The fake renders like a platform (Slack's syntax): who its rendering would notify.
    notified: (ref) => slackNotified(chat.shown(ref).wire),
    waitFor: (probe, what) => chat.waitFor(() => probe() ?? undefined, what),
    stop: () => chat.stop(),
  };
});

adapterContract("Slack", async (handler) => {
  const slack = await FakeSlack.start();
  const adapter = new SlackAdapter({
    botToken: slack.botToken,
    appToken: slack.appToken,
    mode: "socket",
    apiUrl: slack.apiUrl,
    log: silentLogger,
    retries: 0,
  });
  await adapter.start(handler);
  const message = (ref: MessageRef) => {
    const m = slack.messages.find((x) => x.channel === ref.channel && x.ts === ref.id);
    if (!m) throw new Error(`no Slack message ${ref.id}`);
    return m;
  };
  return {
    adapter,
    channel: { platform: "slack", channel: "CCONTRACT", workspace: slack.teamId },
    user: "UCONTRACT",
    read: (ref) => ({ text: visible(message(ref)), buttons: buttonsOf(message(ref)).map((b) => b.text) }),
    replies: (thread) =>
      slack.thread(thread.channel, thread.thread).map((m) => ({ channel: m.channel, id: m.ts })),
    uploads: (thread) =>
      slack.files
        .filter((f) => f.thread_ts === thread.thread)
        .map((f) => ({ name: f.filename, bytes: f.bytes })),
    noticesFor: (user) => slack.ephemerals.filter((e) => e.user === user).map((e) => e.text),
    click: async (user, ref, label) => {
      const m = message(ref);
      const button = buttonsOf(m).find((b) => b.text === label);
      if (!button) throw new Error(`no button ${label}`);
      await slack.sendBlockAction({
        user_id: user,
        channel_id: ref.channel,
        message_ts: ref.id,
        ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
        action_id: button.action_id,
        value: button.value,
      });
    },
    modalsOpened: () =>
      slack.views.map((v) => ({
        title: String(v.view.title?.text ?? ""),
        fields: (v.view.blocks ?? [])
          .filter((b: { type?: string }) => b.type === "input")
          .map((b: { block_id?: string }) => String(b.block_id)),
      })),
    submitLastModal: async (user, values) => {
      const opened = slack.views.at(-1);
      if (!opened) throw new Error("no modal");
      const state: Record<string, Record<string, { type: string; value: string }>> = {};
      for (const [id, value] of Object.entries(values))
        state[id] = { value: { type: "plain_text_input", value } };
      await slack.sendViewSubmission({
        user_id: user,
        view: {
          callback_id: opened.view.callback_id,
          private_metadata: opened.view.private_metadata,
          state: { values: state },
        },
      });
    },
    notified: (ref) => slackNotified(message(ref)),
    waitFor: (probe, what) => slack.waitFor(probe, { what }),
    stop: async () => {
      await adapter.stop();
      await slack.stop();
    },
  };
});

adapterContract("Discord", async (handler) => {
  const discord = await FakeDiscord.start();
  const adapter = new DiscordAdapter({
    token: discord.token,
    apiUrl: discord.apiUrl,
    commandGuilds: [discord.guildId],
    log: silentLogger,
  });
  await adapter.start(handler);
  const message = (ref: MessageRef) => {
    const m = discord.messages.find((x) => x.id === ref.id);
    if (!m) throw new Error(`no Discord message ${ref.id}`);
    return m;
  };
  type Row = { components?: { custom_id: string; label: string }[] };
  const buttons = (ref: MessageRef) => (message(ref).components as Row[]).flatMap((r) => r.components ?? []);
  const modals = () => discord.interactionReplies.filter((r) => r.type === 9);
  let lastChannel = discord.channelId;
  return {
    adapter,
    channel: { platform: "discord", channel: discord.channelId, workspace: discord.guildId },
    user: "300000000000000001",
    read: (ref) => ({ text: message(ref).content, buttons: buttons(ref).map((b) => b.label) }),
    replies: (thread) =>
      discord
        .channelMessages(thread.channel)
        .filter((m) => m.author.bot)
        .map((m) => ({ channel: m.channel_id, id: m.id })),
    uploads: (thread) =>
      discord
        .channelMessages(thread.channel)
        .flatMap((m) => m.attachments)
        .map((a) => ({ name: a.filename, bytes: a.bytes })),
    noticesFor: (user) =>
      discord.messages
        .filter((m) => m.author.bot && m.content.startsWith(`<@${user}>`))
        .map((m) => m.content),
    click: async (user, ref, label) => {
      const button = buttons(ref).find((b) => b.label === label);
      if (!button) throw new Error(`no button ${label}`);
      lastChannel = ref.channel;
      await discord.clickButton({ user_id: user, message_id: ref.id, custom_id: button.custom_id });
    },
    modalsOpened: () =>
      modals().map((r) => ({
        title: String(r.data.title),
        fields: (r.data.components as Row[]).flatMap((row) => (row.components ?? []).map((c) => c.custom_id)),
      })),
    submitLastModal: async (user, values) => {
      const opened = modals().at(-1);
      if (!opened) throw new Error("no modal");
      await discord.submitModal({
        user_id: user,
        channel_id: lastChannel,
        custom_id: opened.data.custom_id,
        fields: values,
      });
    },
    notified: (ref) => discordNotified(message(ref).content, message(ref).allowed_mentions),
    waitFor: (probe, what) => discord.waitFor(probe, { what }),
    stop: async () => {
      await adapter.stop();
      await discord.stop();
    },
  };
});

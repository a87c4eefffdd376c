import { DiscordAdapter } from "../../../adapters/discord/adapter.js";
import { silentLogger } from "../../../src/core/log.js";
import type { MessageRef } from "../../../src/core/vocabulary/refs.js";
import { type DiscordMessage, FakeDiscord, messageButtons, messageText } from "../../fakes/discord/index.js";
import { dispatchMessage } from "../../fakes/discord/messages.js";
import { discordNotified } from "../pings.js";
import { type ContractSubject, line, type RecordingHandler, spendUntilDeferred } from "../subject.js";

/** The real DiscordAdapter against the fake Discord (REST and gateway). */
export async function discordSubject(handler: RecordingHandler): Promise<ContractSubject> {
  const discord = await FakeDiscord.start();
  const user = "300000000000000001";
  const otherUser = "300000000000000002";
  // Members of the guild, whom the bot may message privately.
  discord.addUser(user, "contract-user");
  discord.addUser(otherUser, "contract-other");
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
  type Row = { components?: { custom_id: string; label: string }[]; component?: { custom_id: string } };
  // Classic rows or a Components V2 card: the fake reads both as a person sees them.
  const buttons = (ref: MessageRef) =>
    messageButtons(message(ref)).flatMap((b) =>
      b.label !== undefined && b.custom_id !== undefined ? [{ label: b.label, custom_id: b.custom_id }] : [],
    );
  const modals = () => discord.interactionReplies.filter((r) => r.type === 9);
  /** Who made each interaction: its ephemeral answers are theirs alone. */
  const interactions = new Map<string, string>();
  let lastChannel = discord.channelId;
  return {
    adapter,
    channel: { platform: "discord", channel: discord.channelId, workspace: discord.guildId },
    user,
    otherUser,
    read: (ref) => ({ text: messageText(message(ref)), buttons: buttons(ref).map((b) => b.label) }),
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
    // Outside interactions Discord has no ephemeral messages: a notice is addressed to its person.
    noticesFor: (user) => [
      ...discord.messages
        .filter((m) => m.author.bot && messageText(m).startsWith(`<@${user}>`))
        .map((m) => messageText(m)),
      ...discord.ephemeralMessages
        .filter((m) => m.interaction_id !== undefined && interactions.get(m.interaction_id) === user)
        .map((m) => messageText(m)),
    ],
    // Messages in the guild: a DM channel's have no guild_id.
    publicTexts: () => discord.messages.filter((m) => m.guild_id !== undefined).map((m) => messageText(m)),
    privateTo: (person) => {
      const dm = discord.directMessages(person);
      return {
        texts: dm.map((m) => messageText(m)),
        files: dm.flatMap((m) => m.attachments).map((a) => ({ name: a.filename, bytes: a.bytes })),
        notified: [...new Set(dm.flatMap((m) => discordNotified(messageText(m), m.allowed_mentions)))],
      };
    },
    dmRefusals: {
      unknown: async () => ({ user: "399999999999999999", error: /\b10013\b/ }),
      closed: async () => {
        const closed = "300000000000000003";
        discord.addUser(closed, "closed-dms");
        discord.closedDms(closed);
        return { user: closed, error: /\b50007\b/ };
      },
    },
    modalsOpened: () =>
      modals().map((r) => ({
        title: String(r.data.title),
        // A text input in its row, or a choice in a label.
        fields: (r.data.components as Row[]).flatMap((row) =>
          row.component ? [row.component.custom_id] : (row.components ?? []).map((c) => c.custom_id),
        ),
      })),
    notified: (ref) => discordNotified(messageText(message(ref)), message(ref).allowed_mentions),
    threadRoot: (thread) => discord.threads.find((t) => t.id === thread.channel)?.message_id,
    // https://discord.com/channels/<guild>/<channel>/<message>
    opens: (url) => {
      const [, guild, channel, id] =
        /^https:\/\/discord\.com\/channels\/(\d+)\/(\d+)\/(\d+)$/.exec(url) ?? [];
      const m = discord.messages.find((x) => x.id === id && x.channel_id === channel);
      return guild === discord.guildId && m ? { channel: m.channel_id, id: m.id } : undefined;
    },
    click: async (user, ref, label) => {
      const button = buttons(ref).find((b) => b.label === label);
      if (!button) throw new Error(`no button ${label}`);
      lastChannel = ref.channel;
      const i = await discord.clickButton({ user_id: user, message_id: ref.id, custom_id: button.custom_id });
      interactions.set(i.interactionId, user);
    },
    submitLastModal: async (user, values) => {
      const opened = modals().at(-1);
      if (!opened) throw new Error("no modal");
      const i = await discord.submitModal({
        user_id: user,
        channel_id: lastChannel,
        custom_id: opened.data.custom_id,
        fields: values,
      });
      interactions.set(i.interactionId, user);
    },
    sendCommand: async (user, channel, text) => {
      const i = await discord.slashCommand({
        user_id: user,
        channel_id: channel.channel,
        options: [{ name: "prompt", type: 3, value: text }],
      });
      interactions.set(i.interactionId, user);
    },
    sendThreadMessage: async (user, thread, text, options = {}) => {
      const m = await discord.sendMessage({
        author_id: user,
        channel_id: thread.channel,
        content: options.mention === "other" ? `<@${otherUser}> ${text}` : text,
        mention_bot: options.mention === "bot",
      });
      return { redeliver: async () => redeliver(discord, m) };
    },
    // Discord dispatched MESSAGE_CREATE for the bot's post when the adapter made it.
    echoOwn: async () => undefined,
    postAsUser: async (user, channel, text) =>
      (await discord.sendMessage({ author_id: user, channel_id: channel.channel, content: text })).id,
    exhaustBudget: async (thread) => {
      // POST and PATCH messages: 5 per 5 s per channel. An interim edit draws on the same budget.
      await spendUntilDeferred(
        (n) => adapter.post(thread, line(`spending ${n}`), { interim: true }),
        5,
        "interim posts",
      );
    },
    waitFor: (probe, what) => discord.waitFor(probe, { what }),
    stop: async () => {
      await adapter.stop();
      await discord.stop();
    },
  };
}

/**
 * The gateway dispatches MESSAGE_CREATE for `m` again, as a replayed event reaches a client twice.
 * FakeDiscord has no public method for it (`redeliverMessage(id)` is wanted), so this dispatches
 * through the fake's context, and says so when that is gone.
 */
function redeliver(discord: FakeDiscord, m: DiscordMessage): void {
  const ctx = Reflect.get(discord, "ctx");
  if (typeof ctx?.gateway?.dispatch !== "function")
    throw new Error("FakeDiscord cannot redeliver a message: it needs a redeliverMessage(id) method");
  dispatchMessage(ctx, "MESSAGE_CREATE", m);
}

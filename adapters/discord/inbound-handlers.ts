import type {
  ButtonInteraction,
  ChatInputCommandInteraction,
  Message as DiscordMessage,
  GuildMember,
  Interaction,
  ModalSubmitInteraction,
  REST,
} from "discord.js";
import {
  type APIInteractionGuildMember,
  ApplicationCommandOptionType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord-api-types/v10";
import type { InboundHandler, Notice } from "../../src/core/ports/chat.js";
import type { ThreadRef, UserRef } from "../../src/core/vocabulary/refs.js";
import { PendingInteraction } from "./interaction.js";
import { escapePlain } from "./markdown.js";
import { fieldText } from "./modal-values.js";
import { parseButtonId, parseModalId, renderInline } from "./render.js";
import { postMessage } from "./rest.js";

/** The slash command this bridge registers and answers. */
export const copilotCommand: RESTPostAPIChatInputApplicationCommandsJSONBody = {
  name: "copilot",
  description: "Start a Copilot session in a new thread (or talk to the session of this thread)",
  options: [
    {
      name: "prompt",
      description: "What Copilot should do, or help",
      type: ApplicationCommandOptionType.String,
      required: true,
    },
    {
      name: "repo",
      description: "The repository to work in (/copilot prompt:repos lists them), optionally name@branch",
      type: ApplicationCommandOptionType.String,
      required: false,
      max_length: 200,
    },
  ],
};

/** What the inbound handlers need from the adapter. */
export interface DiscordInboundDeps {
  rest: REST;
  /** The bot's user id (empty before login). */
  botId(): string;
  /** Runs a REST call inside the adapter's budget, failures as coded errors naming `what`. */
  call<T>(what: string, run: () => Promise<T>): Promise<T>;
  /** Interactions that may still open a form, by id: the adapter's `openModal` answers them. */
  interactions: Map<string, PendingInteraction>;
  /** Clicks being handled, by the id of the message clicked: the adapter's `edit` answers them. */
  clicks: Map<string, PendingInteraction>;
}

/** A message over the gateway: a reply in a thread, or a mention of the bot in a channel. */
export async function onMessage(
  deps: DiscordInboundDeps,
  handler: InboundHandler,
  m: DiscordMessage,
): Promise<void> {
  if (m.author.bot || !m.guildId || m.system) return;
  const mentionsBot = m.mentions.users.has(deps.botId());
  const text = m.content.replace(new RegExp(`<@!?${deps.botId()}>`, "g"), " ").trim();
  const user: UserRef = { platform: "discord", id: m.author.id, roles: memberRoles(m.member) };
  if (m.channel.isThread()) {
    await handler.handle({
      type: "message",
      id: `discord:msg:${m.id}`,
      user,
      thread: discordThread(m.guildId, m.channelId),
      text,
      mentionsBot,
      botThread: m.channel.ownerId === deps.botId(),
    });
    return;
  }
  if (!mentionsBot) return;
  await handler.handle({
    type: "command",
    id: `discord:msg:${m.id}`,
    user,
    channel: { platform: "discord", channel: m.channelId, workspace: m.guildId, anchor: m.id },
    text,
    reply: async (notice) => {
      const content = typeof notice === "string" ? escapePlain(notice) : renderInline(notice, new Set());
      await deps.call("reply", () =>
        postMessage(deps.rest, m.channelId, {
          content: content.slice(0, 2000),
          message_reference: { message_id: m.id, fail_if_not_exists: false },
          allowed_mentions: { parse: [], replied_user: true },
        }),
      );
    },
  });
}

/** An interaction: a button clicked, a form submitted or `/copilot` typed. */
export async function onInteraction(
  deps: DiscordInboundDeps,
  handler: InboundHandler,
  i: Interaction,
): Promise<void> {
  if (i.isButton()) await onButton(deps, handler, i);
  else if (i.isModalSubmit()) await onModal(handler, i);
  else if (i.isChatInputCommand() && i.commandName === copilotCommand.name) await onCommand(deps, handler, i);
}

async function onButton(
  deps: DiscordInboundDeps,
  handler: InboundHandler,
  i: ButtonInteraction,
): Promise<void> {
  const pending = new PendingInteraction(i);
  const parsed = parseButtonId(i.customId);
  if (!parsed || !i.guildId) {
    await pending.ephemeral("That button is not one this bridge knows. Nothing was changed.");
    return;
  }
  track(deps.interactions, pending);
  deps.clicks.set(i.message.id, pending);
  const fallback = setTimeout(() => void pending.acknowledge(), 2000);
  try {
    await handler.handle({
      type: "action",
      id: `discord:int:${i.id}`,
      user: { platform: "discord", id: i.user.id, roles: memberRoles(i.member) },
      // A header posted in a channel has its thread grown from it: the thread's id is the message's.
      thread: discordThread(i.guildId, i.channel?.isThread() ? i.channelId : i.message.id),
      action: parsed.action,
      payload: parsed.payload,
      message: { channel: i.channelId, id: i.message.id },
      trigger: { platform: "discord", token: i.id },
      reply: (notice) => pending.ephemeral(noticeText(notice)),
    });
  } finally {
    clearTimeout(fallback);
    if (deps.clicks.get(i.message.id) === pending) deps.clicks.delete(i.message.id);
    await pending.acknowledge();
  }
}

async function onModal(handler: InboundHandler, i: ModalSubmitInteraction): Promise<void> {
  const pending = new PendingInteraction(i);
  const parsed = parseModalId(i.customId);
  if (!parsed) {
    await pending.ephemeral("This form is not one this bridge knows. Nothing was changed.");
    return;
  }
  const values: Record<string, string> = {};
  for (const field of i.fields.fields.values()) {
    const text = fieldText(field);
    if (text !== undefined) values[field.customId] = text;
  }
  const result = await handler.submitModal({
    type: "modal",
    id: `discord:int:${i.id}`,
    user: { platform: "discord", id: i.user.id, roles: memberRoles(i.member) },
    callback: parsed.callback,
    meta: parsed.meta,
    values,
  });
  if (result) await pending.ephemeral(Object.values(result.errors).join("\n"));
  else await pending.acknowledge();
}

async function onCommand(
  deps: DiscordInboundDeps,
  handler: InboundHandler,
  i: ChatInputCommandInteraction,
): Promise<void> {
  const pending = new PendingInteraction(i);
  const text = i.options.getString("prompt", true);
  if (!i.guildId) {
    await pending.ephemeral("Use /copilot in a server channel.");
    return;
  }
  await pending.defer();
  const user: UserRef = { platform: "discord", id: i.user.id, roles: memberRoles(i.member) };
  if (i.channel?.isThread()) {
    await handler.handle({
      type: "message",
      id: `discord:int:${i.id}`,
      user,
      thread: discordThread(i.guildId, i.channelId),
      text,
      mentionsBot: true,
      botThread: i.channel.ownerId === deps.botId(),
    });
    await pending.ephemeral("Sent to this thread's Copilot session.");
    return;
  }
  // The repository option is the command's `in <repo>[@branch]` prefix, as Slack users type it.
  const repo = i.options.getString("repo")?.trim();
  await handler.handle({
    type: "command",
    id: `discord:int:${i.id}`,
    user,
    channel: { platform: "discord", channel: i.channelId, workspace: i.guildId },
    text: repo ? `in ${repo} ${text}` : text,
    reply: (notice) => pending.ephemeral(noticeText(notice)),
  });
  await pending.finish("Started a Copilot session in a new thread.");
}

function noticeText(notice: Notice): string {
  return typeof notice === "string" ? escapePlain(notice) : renderInline(notice, new Set());
}

/** Keeps an interaction reachable for `openModal` for as long as Discord accepts a response. */
function track(interactions: Map<string, PendingInteraction>, pending: PendingInteraction): void {
  interactions.set(pending.id, pending);
  setTimeout(() => interactions.delete(pending.id), 15 * 60 * 1000).unref();
}

export function discordThread(guild: string, threadId: string): ThreadRef {
  return {
    platform: "discord",
    key: `discord:${guild}:${threadId}`,
    channel: threadId,
    thread: threadId,
    workspace: guild,
  };
}

/** Role ids of a guild member, from a cached member or the raw API member of an interaction. */
function memberRoles(member: GuildMember | APIInteractionGuildMember | null): string[] {
  if (!member) return [];
  const roles = member.roles;
  return Array.isArray(roles) ? roles.filter((r) => typeof r === "string") : [...roles.cache.keys()];
}

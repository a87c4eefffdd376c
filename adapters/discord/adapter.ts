import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  type Message as DiscordMessage,
  type GuildMember,
  type Interaction,
  type ModalSubmitInteraction,
  Partials,
} from "discord.js";
import {
  type APIInteractionGuildMember,
  ApplicationCommandOptionType,
  GatewayIntentBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  ThreadAutoArchiveDuration,
} from "discord-api-types/v10";
import { z } from "zod";
import { BridgeError, errorText } from "../../src/core/errors.js";
import type { Logger } from "../../src/core/log.js";
import type {
  ChatAdapter,
  InboundHandler,
  Notice,
  SendOptions,
  ThreadActivity,
} from "../../src/core/ports/chat.js";
import type { FileUpload, Message, Modal, ModalTrigger } from "../../src/core/types.js";
import type { ChannelRef, MessageRef, ThreadRef, UserRef } from "../../src/core/vocabulary/refs.js";
import { RateLimiter } from "../common/rate-limiter.js";
import { PendingInteraction } from "./interaction.js";
import { discordChatLimits, discordLimits } from "./limits.js";
import { escapePlain } from "./markdown.js";
import { discordBucket, discordKeys } from "./rate-limits.js";
import {
  parseButtonId,
  parseModalId,
  renderInline,
  renderMessage,
  renderModal,
  threadName,
} from "./render.js";
import {
  createDm,
  editMessage,
  globalFetch,
  postMessage,
  putCommands,
  startThread,
  triggerTyping,
} from "./rest.js";

/** How often the typing indicator is renewed while a turn runs (Discord shows it for about 10 s). */
const typingRenewMs = 8_000;

export interface DiscordAdapterOptions {
  token: string;
  /** REST base, e.g. `https://discord.com/api` (discord.js appends `/v10`). */
  apiUrl?: string;
  /** Guilds to register `/copilot` in (instant); empty: register globally. */
  commandGuilds?: string[];
  log: Logger;
  /** `false`: no budget of the bridge's own (discord.js still follows Discord's buckets). */
  rateLimits?: boolean;
}

const command: RESTPostAPIChatInputApplicationCommandsJSONBody = {
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

/** Discord through discord.js: mentions over the gateway, buttons and modals as interactions. */
export class DiscordAdapter implements ChatAdapter {
  readonly platform = "discord" as const;
  readonly limits = discordChatLimits;
  private readonly client: Client;
  private readonly interactions = new Map<string, PendingInteraction>();
  /** Typing indicators being renewed, by channel, while a turn runs there. */
  private readonly typing = new Map<string, NodeJS.Timeout>();
  /** Clicks being handled, by the id of the message clicked: its next edit answers the click. */
  private readonly clicks = new Map<string, PendingInteraction>();
  private readonly limiter: RateLimiter;

  constructor(private readonly options: DiscordAdapterOptions) {
    this.limiter = new RateLimiter({ spec: discordBucket, enabled: options.rateLimits !== false });
    this.client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      partials: [Partials.Channel, Partials.Message],
      // With @slack/bolt loaded, undici's global dispatcher breaks discord.js multipart uploads: use fetch.
      rest: { ...(options.apiUrl ? { api: options.apiUrl } : {}), makeRequest: globalFetch },
    });
  }

  async start(handler: InboundHandler): Promise<void> {
    this.client.on("messageCreate", (m) => {
      this.onMessage(handler, m).catch((e: unknown) =>
        this.options.log.error("discord message failed", { error: errorText(e) }),
      );
    });
    this.client.on("interactionCreate", (i) => {
      this.onInteraction(handler, i).catch((e: unknown) =>
        this.options.log.error("discord interaction failed", { error: errorText(e) }),
      );
    });
    this.client.on("error", (e) => this.options.log.error("discord client error", { error: errorText(e) }));
    const ready = new Promise<void>((done) => this.client.once("clientReady", () => done()));
    await this.client.login(this.options.token);
    await ready;
    await this.registerCommands();
  }

  async stop(): Promise<void> {
    for (const timer of this.typing.values()) clearInterval(timer);
    this.typing.clear();
    await this.client.destroy();
    this.limiter.stop();
  }

  private get botId(): string {
    return this.client.user?.id ?? "";
  }

  async openThread(channel: ChannelRef, header: Message): Promise<{ thread: ThreadRef; header: MessageRef }> {
    const name = threadName(header.summary.replace(/^Copilot session: /, ""));
    const anchor = channel.anchor ?? (await this.postRaw(channel.channel, header, true)).id;
    const created = await this.call("create thread", () =>
      startThread(this.client.rest, channel.channel, anchor, {
        name,
        auto_archive_duration: ThreadAutoArchiveDuration.OneDay,
      }),
    );
    const thread = discordThread(channel.workspace, created.id);
    const headerRef = channel.anchor
      ? await this.post(thread, header)
      : { channel: channel.channel, id: anchor };
    return { thread, header: headerRef };
  }

  async post(thread: ThreadRef, message: Message, options?: SendOptions): Promise<MessageRef> {
    const posted = await this.postRaw(thread.channel, message, true, options?.interim === true);
    return { channel: thread.channel, id: posted.id };
  }

  async edit(ref: MessageRef, message: Message, options?: SendOptions): Promise<void> {
    // The card a click is deciding: its new state is the click's answer (one call, outside the
    // channel's message budget) rather than an edit followed by a separate acknowledgement.
    const click = this.clicks.get(ref.id);
    if (click) {
      const body = renderMessage(message, false);
      try {
        if (
          await click.update({
            content: body.content,
            components: body.components,
            allowedMentions: { parse: [] },
          })
        )
          return;
      } catch (error) {
        this.options.log.warn("answering a click with its card failed; editing the card instead", {
          error: failureText(error),
        });
      }
    }
    await this.call(
      "edit message",
      () => editMessage(this.client.rest, ref.channel, ref.id, renderMessage(message, false)),
      discordKeys(ref.channel, options?.interim === true),
      options?.interim === true,
    );
  }

  showActivity(thread: ThreadRef, activity: ThreadActivity): void {
    const channel = thread.channel;
    // Discord has no status text: the typing indicator stands for working (not for waiting on a card).
    const working = activity.state === "working";
    if (working && this.typing.has(channel)) return;
    clearInterval(this.typing.get(channel));
    this.typing.delete(channel);
    if (!working) return;
    // Discord shows the indicator for about 10 s, or until the bot posts: renewed while the turn runs.
    const type = () => {
      this.call(
        "typing",
        () => triggerTyping(this.client.rest, channel),
        discordKeys(channel, true),
        true,
      ).catch(() => {
        // Best effort: deferred by the rate budget or refused, the next renewal tries again.
      });
    };
    type();
    const timer = setInterval(type, typingRenewMs);
    timer.unref();
    this.typing.set(channel, timer);
  }

  async upload(thread: ThreadRef, file: FileUpload): Promise<void> {
    await this.call("upload file", () =>
      postMessage(
        this.client.rest,
        thread.channel,
        {
          content: file.comment ? escapePlain(file.comment) : "",
          allowed_mentions: { parse: [] },
          attachments: [{ id: 0, filename: file.name, ...(file.title ? { title: file.title } : {}) }],
        },
        [{ name: file.name, data: Buffer.from(file.bytes) }],
      ),
    );
  }

  /**
   * A message in the bot's DM channel with the person, pinging no one, with the file attached to it
   * (its comment, if any, under the text).
   */
  async sendPrivately(user: UserRef, message: Message, file?: FileUpload): Promise<void> {
    if (user.platform !== this.platform)
      throw new BridgeError("BAD_INPUT", `not a Discord user: ${user.platform}:${user.id}`);
    try {
      const dm = await this.call("open a direct message", () => createDm(this.client.rest, user.id));
      const rendered = renderMessage(message, false);
      if (!file) {
        await this.call("send a direct message", () => postMessage(this.client.rest, dm.id, rendered));
        return;
      }
      const content = file.comment ? `${rendered.content}\n${escapePlain(file.comment)}` : rendered.content;
      await this.call("send a direct message", () =>
        postMessage(
          this.client.rest,
          dm.id,
          {
            ...rendered,
            content: content.slice(0, discordLimits.contentChars),
            attachments: [{ id: 0, filename: file.name, ...(file.title ? { title: file.title } : {}) }],
          },
          [{ name: file.name, data: Buffer.from(file.bytes) }],
        ),
      );
    } catch (error) {
      // `call` names the step and Discord's status and code: "… failed: 403 50007 Cannot send messages…".
      throw new BridgeError("PLATFORM", `No direct message to ${user.id}: ${errorText(error)}`, {
        cause: error,
        userMessage:
          "Discord would not deliver a direct message to you. Do you accept them from server members?",
      });
    }
  }

  /** Discord has no ephemeral messages outside interactions: the notice is addressed to the user. */
  async notify(thread: ThreadRef, user: UserRef, notice: Notice): Promise<void> {
    const text = typeof notice === "string" ? escapePlain(notice) : renderInline(notice, new Set());
    await this.call("notify", () =>
      postMessage(this.client.rest, thread.channel, {
        content: `<@${user.id}> ${text}`.slice(0, 2000),
        allowed_mentions: { parse: [], users: [user.id] },
      }),
    );
  }

  async openModal(trigger: ModalTrigger, modal: Modal): Promise<void> {
    const pending = this.interactions.get(trigger.token);
    if (!pending) throw new BridgeError("PLATFORM", "the interaction for this form has expired");
    await pending.showModal(renderModal(modal));
  }

  async linkTo(thread: ThreadRef, ref: MessageRef): Promise<string | undefined> {
    return `https://discord.com/channels/${thread.workspace}/${ref.channel}/${ref.id}`;
  }

  private async postRaw(
    channelId: string,
    message: Message,
    ping: boolean,
    interim = false,
  ): Promise<{ id: string }> {
    return await this.call(
      "post message",
      () => postMessage(this.client.rest, channelId, renderMessage(message, ping)),
      discordKeys(channelId, interim),
      interim,
    );
  }

  private async registerCommands(): Promise<void> {
    const appId = this.client.application?.id;
    if (!appId) return;
    const guilds = this.options.commandGuilds ?? [];
    try {
      if (guilds.length === 0) await putCommands(this.client.rest, appId, undefined, [command]);
      for (const guild of guilds) await putCommands(this.client.rest, appId, guild, [command]);
    } catch (error) {
      this.options.log.warn("could not register /copilot", { error: errorText(error) });
    }
  }

  private async onMessage(handler: InboundHandler, m: DiscordMessage): Promise<void> {
    if (m.author.bot || !m.guildId || m.system) return;
    const mentionsBot = m.mentions.users.has(this.botId);
    const text = m.content.replace(new RegExp(`<@!?${this.botId}>`, "g"), " ").trim();
    const user: UserRef = { platform: "discord", id: m.author.id, roles: memberRoles(m.member) };
    if (m.channel.isThread()) {
      await handler.handle({
        type: "message",
        id: `discord:msg:${m.id}`,
        user,
        thread: discordThread(m.guildId, m.channelId),
        text,
        mentionsBot,
        botThread: m.channel.ownerId === this.botId,
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
        await this.call("reply", () =>
          postMessage(this.client.rest, m.channelId, {
            content: content.slice(0, 2000),
            message_reference: { message_id: m.id, fail_if_not_exists: false },
            allowed_mentions: { parse: [], replied_user: true },
          }),
        );
      },
    });
  }

  private async onInteraction(handler: InboundHandler, i: Interaction): Promise<void> {
    if (i.isButton()) await this.onButton(handler, i);
    else if (i.isModalSubmit()) await this.onModal(handler, i);
    else if (i.isChatInputCommand() && i.commandName === command.name) await this.onCommand(handler, i);
  }

  private async onButton(handler: InboundHandler, i: ButtonInteraction): Promise<void> {
    const pending = new PendingInteraction(i);
    const parsed = parseButtonId(i.customId);
    if (!parsed || !i.guildId) {
      await pending.ephemeral("That button is not one this bridge knows. Nothing was changed.");
      return;
    }
    this.track(pending);
    this.clicks.set(i.message.id, pending);
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
        reply: (notice) => pending.ephemeral(this.noticeText(notice)),
      });
    } finally {
      clearTimeout(fallback);
      if (this.clicks.get(i.message.id) === pending) this.clicks.delete(i.message.id);
      await pending.acknowledge();
    }
  }

  private async onModal(handler: InboundHandler, i: ModalSubmitInteraction): Promise<void> {
    const pending = new PendingInteraction(i);
    const parsed = parseModalId(i.customId);
    if (!parsed) {
      await pending.ephemeral("This form is not one this bridge knows. Nothing was changed.");
      return;
    }
    const values: Record<string, string> = {};
    for (const field of i.fields.fields.values())
      if ("value" in field) values[field.customId] = String(field.value);
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

  private async onCommand(handler: InboundHandler, i: ChatInputCommandInteraction): Promise<void> {
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
        botThread: i.channel.ownerId === this.botId,
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
      reply: (notice) => pending.ephemeral(this.noticeText(notice)),
    });
    await pending.finish("Started a Copilot session in a new thread.");
  }

  private noticeText(notice: Notice): string {
    return typeof notice === "string" ? escapePlain(notice) : renderInline(notice, new Set());
  }

  /** Keeps an interaction reachable for `openModal` for as long as Discord accepts a response. */
  private track(pending: PendingInteraction): void {
    this.interactions.set(pending.id, pending);
    setTimeout(() => this.interactions.delete(pending.id), 15 * 60 * 1000).unref();
  }

  /** Runs a REST call inside the bridge's budget (an interim one is deferred rather than queued). */
  private async call<T>(what: string, run: () => Promise<T>, keys = ["global"], interim = false): Promise<T> {
    await this.limiter.admit(keys, { interim });
    try {
      return await run();
    } catch (error) {
      throw new BridgeError(
        "PLATFORM",
        `Discord ${what} failed: ${failureText(error)}`.replace(/\s+/g, " "),
        { cause: error },
      );
    }
  }
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

/**
 * The HTTP status and Discord error code of a failed call. discord.js throws its `DiscordAPIError`
 * and `HTTPError` (which carry them) but also plain errors of fetch and timers, so a thrown value is
 * read by shape rather than by class.
 */
const failure = z.object({ status: z.unknown(), code: z.unknown() }).partial();

function failureText(error: unknown): string {
  const parsed = failure.safeParse(error);
  const { status, code } = parsed.success ? parsed.data : {};
  return `${status ?? ""} ${code ?? ""} ${errorText(error)}`;
}

import { Client, Partials } from "discord.js";
import { GatewayIntentBits, ThreadAutoArchiveDuration } from "discord-api-types/v10";
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
import {
  copilotCommand,
  type DiscordInboundDeps,
  discordThread,
  onInteraction,
  onMessage,
} from "./inbound-handlers.js";
import type { PendingInteraction } from "./interaction.js";
import { discordChatLimits, discordLimits } from "./limits.js";
import { escapePlain } from "./markdown.js";
import { discordBucket, discordKeys } from "./rate-limits.js";
import { renderInline, renderMessage, renderModal, threadName } from "./render.js";
import {
  createDm,
  editMessage,
  globalFetch,
  postMessage,
  putCommands,
  startThread,
  triggerTyping,
} from "./rest.js";

export { discordThread } from "./inbound-handlers.js";

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
    const inbound: DiscordInboundDeps = {
      rest: this.client.rest,
      botId: () => this.client.user?.id ?? "",
      call: (what, run) => this.call(what, run),
      interactions: this.interactions,
      clicks: this.clicks,
    };
    this.client.on("messageCreate", (m) => {
      onMessage(inbound, handler, m).catch((e: unknown) =>
        this.options.log.error("discord message failed", { error: errorText(e) }),
      );
    });
    this.client.on("interactionCreate", (i) => {
      onInteraction(inbound, handler, i).catch((e: unknown) =>
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
          await click.update(
            "content" in body
              ? { content: body.content, components: body.components, allowedMentions: { parse: [] } }
              : { flags: body.flags, components: body.components, allowedMentions: { parse: [] } },
          )
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
      // A direct message is never a card.
      const rendered = renderMessage({ blocks: message.blocks, summary: message.summary }, false);
      if (!("content" in rendered))
        throw new BridgeError("PLATFORM", "a card cannot be sent as a direct message");
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
      if (guilds.length === 0) await putCommands(this.client.rest, appId, undefined, [copilotCommand]);
      for (const guild of guilds) await putCommands(this.client.rest, appId, guild, [copilotCommand]);
    } catch (error) {
      this.options.log.warn("could not register /copilot", { error: errorText(error) });
    }
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

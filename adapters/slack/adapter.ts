import { type App, type SocketModeReceiver, webApi } from "@slack/bolt";
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
import { SlackAgentSurface } from "./agent-surface.js";
import { createBoltApp } from "./bolt.js";
import { decodeSlackText, NameCache } from "./decode.js";
import { slackThread } from "./inbound.js";
import { type ClickReplacement, registerInbound } from "./inbound-handlers.js";
import { slackChatLimits } from "./limits.js";
import { slackBucket, slackGuards, slackKeys } from "./rate-limits.js";
import { renderMessage, renderModal, renderNotice } from "./render.js";
import { rateLimitedCall, slackErrorCode } from "./web-api.js";

export interface SlackAdapterOptions {
  botToken: string;
  mode: "socket" | "http";
  appToken?: string;
  signingSecret?: string;
  port?: number;
  apiUrl?: string;
  /** The command this bridge answers, `/copilot` by default. */
  command?: string;
  log: Logger;
  /** Web API retries for 429/5xx/network errors (Retry-After is honoured). */
  retries?: number;
  /**
   * `false`: no self-imposed rate budget (a workspace with raised limits, or a benchmark of the
   * bridge's own overhead). Slack's 429s are still honoured.
   */
  rateLimits?: boolean;
}

/** Slack through Bolt: Socket Mode (default) or signed HTTP deliveries. */
export class SlackAdapter implements ChatAdapter {
  readonly platform = "slack" as const;
  readonly limits = slackChatLimits;
  private readonly app: App;
  private readonly socket: SocketModeReceiver | undefined;
  private readonly limiter: RateLimiter;
  /** The thread's status line and agent session (Slack's Stop button). */
  private readonly surface: SlackAgentSurface;
  /** Clicks being handled, by `channel:ts` of the clicked message: replaces it through the click. */
  private readonly clicks = new Map<string, ClickReplacement>();
  /** Names of mentioned users, for decoding `<@U…>` in what people type. */
  private readonly names = new NameCache({
    max: 1000,
    ttlMs: 60 * 60_000,
    failureTtlMs: 60_000,
    timeoutMs: 2500,
  });

  constructor(private readonly options: SlackAdapterOptions) {
    this.limiter = new RateLimiter({
      spec: slackBucket,
      enabled: options.rateLimits !== false,
      // chat.update is scarce (50/min for the workspace): interim edits use only the top half, so
      // the final edits of many replies finishing together go out at once (with a fifth kept back,
      // the 12th of 12 replies finishing together waited 2.7 s).
      reserve: 0.5,
    });
    const bolt = createBoltApp(options);
    this.app = bolt.app;
    this.socket = bolt.socket;
    this.surface = new SlackAgentSurface(
      this.app.client,
      (method, run, options) => this.call(method, run, options),
      options.log,
    );
  }

  async start(handler: InboundHandler): Promise<void> {
    this.app.client.on(webApi.WebClientEvent.RATE_LIMITED, (seconds: unknown, request: unknown) => {
      // Slack says we went over after all: hold that bucket as long as it asks.
      const limited = rateLimitedCall(seconds, request);
      if (!limited) return;
      const [key] = slackKeys(limited.method, limited.channel);
      if (key) this.limiter.pause(key, limited.seconds * 1000);
    });
    await this.app.init();
    const auth = await this.app.client.auth.test();
    registerInbound(this.app, handler, {
      log: this.options.log,
      command: this.options.command ?? "/copilot",
      botUserId: String(auth.user_id ?? ""),
      teamId: String(auth.team_id ?? ""),
      decode: (text) => this.decode(text),
      notify: (thread, user, notice) => this.notify(thread, user, notice),
      clicks: this.clicks,
    });
    if (this.options.mode === "socket") await this.app.start();
    else await this.app.start(this.options.port ?? 3000);
  }

  async stop(): Promise<void> {
    if (this.socket)
      await this.socket.client.disconnect().catch(() => {
        // Stopping: a socket that will not close cleanly is dropped anyway.
      });
    await this.app.stop().catch(() => {
      // Stopping: a server that will not close cleanly is dropped anyway.
    });
    this.limiter.stop();
  }

  async openThread(channel: ChannelRef, header: Message): Promise<{ thread: ThreadRef; header: MessageRef }> {
    const result = await this.call(
      "chat.postMessage",
      () =>
        this.app.client.chat.postMessage({
          channel: channel.channel,
          // Under an existing message the header is the thread's first reply; otherwise its root.
          ...(channel.anchor ? { thread_ts: channel.anchor } : {}),
          ...renderMessage(header),
        }),
      { channel: channel.channel },
    );
    const ts = String(result.ts);
    return {
      thread: slackThread(channel.workspace, channel.channel, channel.anchor ?? ts),
      header: { channel: channel.channel, id: ts },
    };
  }

  async post(thread: ThreadRef, message: Message, options?: SendOptions): Promise<MessageRef> {
    const result = await this.call(
      "chat.postMessage",
      () =>
        this.app.client.chat.postMessage({
          channel: thread.channel,
          thread_ts: thread.thread,
          ...renderMessage(message),
        }),
      { channel: thread.channel, ...options },
    );
    return { channel: thread.channel, id: String(result.ts) };
  }

  async edit(ref: MessageRef, message: Message, options?: SendOptions): Promise<void> {
    const click = this.clicks.get(`${ref.channel}:${ref.id}`);
    if (click) {
      this.clicks.delete(`${ref.channel}:${ref.id}`); // one replacement per click
      try {
        await click(renderMessage(message));
        return;
      } catch (error) {
        this.options.log.warn(
          "replacing a clicked card through its response_url failed; editing it instead",
          {
            error: errorText(error),
          },
        );
      }
    }
    await this.call(
      "chat.update",
      () => this.app.client.chat.update({ channel: ref.channel, ts: ref.id, ...renderMessage(message) }),
      { channel: ref.channel, ...options },
    );
  }

  showActivity(thread: ThreadRef, activity: ThreadActivity): void {
    this.surface.show(thread, activity);
  }

  async upload(thread: ThreadRef, file: FileUpload): Promise<void> {
    await this.uploadTo(thread.channel, thread.thread, file);
  }

  /**
   * Slack's ephemeral messages cannot carry files, so this is a direct message: the app's IM with
   * the person (conversations.open, which needs the `im:write` scope), the message, then the file
   * shared into the same IM.
   */
  async sendPrivately(user: UserRef, message: Message, file?: FileUpload): Promise<void> {
    if (user.platform !== this.platform)
      throw new BridgeError("BAD_INPUT", `not a Slack user: ${user.platform}:${user.id}`);
    try {
      const opened = await this.call("conversations.open", () =>
        this.app.client.conversations.open({ users: user.id }),
      );
      const channel = opened.channel?.id;
      if (!channel) throw new BridgeError("PLATFORM", "Slack conversations.open returned no channel");
      await this.call(
        "chat.postMessage",
        () => this.app.client.chat.postMessage({ channel, ...renderMessage(message) }),
        { channel },
      );
      if (file) await this.uploadTo(channel, undefined, file);
    } catch (error) {
      // `call` names the method and Slack's code: "Slack conversations.open failed: user_not_found".
      throw new BridgeError("PLATFORM", `No direct message to ${user.id}: ${errorText(error)}`, {
        cause: error,
        userMessage: "Slack would not deliver a direct message to you.",
      });
    }
  }

  async notify(thread: ThreadRef, user: UserRef, notice: Notice): Promise<void> {
    await this.call("chat.postEphemeral", () =>
      this.app.client.chat.postEphemeral({
        channel: thread.channel,
        user: user.id,
        thread_ts: thread.thread,
        text: renderNotice(notice),
      }),
    );
  }

  async openModal(trigger: ModalTrigger, modal: Modal): Promise<void> {
    await this.call("views.open", () =>
      this.app.client.views.open({ trigger_id: trigger.token, view: renderModal(modal) }),
    );
  }

  async linkTo(_thread: ThreadRef, ref: MessageRef): Promise<string | undefined> {
    const result = await this.call("chat.getPermalink", () =>
      this.app.client.chat.getPermalink({ channel: ref.channel, message_ts: ref.id }),
    );
    return typeof result.permalink === "string" ? result.permalink : undefined;
  }

  /** Shares a file in a channel (an IM too), in a thread when `threadTs` is given. */
  private async uploadTo(channel: string, threadTs: string | undefined, file: FileUpload): Promise<void> {
    const upload = {
      file: Buffer.from(file.bytes),
      filename: file.name,
      ...(file.title ? { title: file.title } : {}),
      ...(file.comment ? { initial_comment: file.comment } : {}),
    };
    // The client's types tell a thread reply (`thread_ts` required) from a share in the channel.
    await this.call("files.uploadV2", () =>
      this.app.client.files.uploadV2(
        threadTs
          ? { ...upload, channel_id: channel, thread_ts: threadTs }
          : { ...upload, channel_id: channel },
      ),
    );
  }

  /** What a person typed, from the escaped text with entities Slack delivered. */
  private decode(text: string): Promise<string> {
    return decodeSlackText(text, {
      user: (id) => this.names.get(id, () => this.userName(id)),
    });
  }

  /** The name Slack shows for a user: display name, else real name, else handle; undefined on failure. */
  private async userName(id: string): Promise<string | undefined> {
    try {
      const { user } = await this.call("users.info", () => this.app.client.users.info({ user: id }));
      const names = [user?.profile?.display_name, user?.profile?.real_name, user?.real_name, user?.name];
      return names.map((n) => n?.trim()).find((n) => n !== undefined && n !== "");
    } catch (error) {
      this.options.log.debug("users.info failed; the mention reads as the user id", {
        user: id,
        error: errorText(error),
      });
      return undefined;
    }
  }

  /**
   * Runs a Web API call inside Slack's rate limits (an interim one is deferred rather than queued);
   * failures become coded errors naming the method (never the token).
   */
  private async call<T>(
    method: string,
    run: () => Promise<T>,
    options: SendOptions & { channel?: string } = {},
  ): Promise<T> {
    await this.limiter.admit(slackKeys(method, options.channel), {
      ...(options.interim ? { interim: true } : {}),
      guards: slackGuards(method),
    });
    try {
      return await run();
    } catch (error) {
      const code = slackErrorCode(error);
      throw new BridgeError("PLATFORM", `Slack ${method} failed: ${code ?? errorText(error)}`, {
        cause: error,
      });
    }
  }
}

import type { FileUpload, Inline, Message, Modal, ModalTrigger } from "../types.js";
import type { ChannelRef, MessageRef, Platform, ThreadRef, UserRef } from "../vocabulary/refs.js";

/** A short text for one person: plain (escaped) or with formatting. */
export type Notice = string | Inline[];

/** Platform limits the core needs to shape what it sends. */
export interface ChatLimits {
  /** Longest text one message may carry before the core splits it. */
  messageChars: number;
  /** Longest code block shown inline on a card before it is cut. */
  cardCodeChars: number;
  /** Messages one reply may span before the rest goes into an attached file. */
  messagesPerReply: number;
}

export interface SendOptions {
  /**
   * Streaming content that a later update will replace: the adapter may refuse it with
   * `RateDeferred` when the platform's rate budget is short, keeping the budget for final text and
   * cards. Without it, a send waits for the budget instead.
   */
  interim?: boolean;
}

/** A slash command (or application command) in a channel. */
export interface CommandEvent {
  type: "command";
  /** Unique per delivery, for de-duplication. */
  id: string;
  user: UserRef;
  channel: ChannelRef;
  text: string;
  /** Ephemeral reply to the person who ran the command. */
  reply(notice: Notice): Promise<void>;
}

/** A message posted in a thread the bridge may own. */
export interface ThreadMessageEvent {
  type: "message";
  id: string;
  user: UserRef;
  thread: ThreadRef;
  text: string;
  mentionsBot: boolean;
  /**
   * The thread is one the bot started (Slack: its first message is the bot's; Discord: the bot
   * owns the thread): a message there is meant for the bridge even when it has no record of it.
   */
  botThread?: boolean;
}

/** A button clicked on a card. */
export interface ActionEvent {
  type: "action";
  id: string;
  user: UserRef;
  thread: ThreadRef | undefined;
  action: string;
  payload: string;
  message: MessageRef | undefined;
  trigger: ModalTrigger | undefined;
  /** Ephemeral reply to the clicker. */
  reply(notice: Notice): Promise<void>;
}

/** A submitted modal. Returning field errors keeps the modal open with them shown. */
export interface ModalSubmitEvent {
  type: "modal";
  id: string;
  user: UserRef;
  callback: string;
  meta: string;
  values: Record<string, string>;
}

export type InboundEvent = CommandEvent | ThreadMessageEvent | ActionEvent | ModalSubmitEvent;

export type ModalResult = { errors: Record<string, string> } | undefined;

export interface InboundHandler {
  /** Commands and actions must be acknowledged quickly: adapters ack first, then call this. */
  handle(event: CommandEvent | ThreadMessageEvent | ActionEvent): Promise<void>;
  /** Modal submissions are answered synchronously (validation errors stay in the modal). */
  submitModal(event: ModalSubmitEvent): Promise<ModalResult>;
}

/** What a thread's agent is doing, for platforms that show it natively. */
export type ThreadActivity =
  | { state: "working"; text: string }
  | { state: "waiting"; text: string }
  | { state: "idle" }
  | { state: "ended" };

export interface ChatAdapter {
  readonly platform: Platform;
  readonly limits: ChatLimits;
  start(handler: InboundHandler): Promise<void>;
  stop(): Promise<void>;
  /** Posts the session header in a channel and returns the thread under it. */
  openThread(channel: ChannelRef, header: Message): Promise<{ thread: ThreadRef; header: MessageRef }>;
  /** With `interim`, may reject with `RateDeferred` instead of sending (see SendOptions). */
  post(thread: ThreadRef, message: Message, options?: SendOptions): Promise<MessageRef>;
  edit(ref: MessageRef, message: Message, options?: SendOptions): Promise<void>;
  upload(thread: ThreadRef, file: FileUpload): Promise<void>;
  /**
   * What the agent is doing in a thread: working (on what, in the bridge's own words around a
   * tool's name), waiting for an answer to a card, idle once its turn has ended, or ended with the
   * session. A platform with a typing indicator, a status line or agent sessions shows it. Best
   * effort, never in the way of a post.
   */
  showActivity?(thread: ThreadRef, activity: ThreadActivity): void;
  /** A message only `user` sees. */
  notify(thread: ThreadRef, user: UserRef, notice: Notice): Promise<void>;
  /**
   * A direct message to `user` that only they see: never in a channel or thread, whoever else is
   * there. `file` (a QR code image, say) is attached to it or uploaded into the same conversation
   * right after. Rejects with a `BridgeError` when the platform refuses: a person it does not know,
   * the bot itself, one who does not accept direct messages (Discord 50007), or a user of another
   * platform.
   */
  sendPrivately(user: UserRef, message: Message, file?: FileUpload): Promise<void>;
  openModal(trigger: ModalTrigger, modal: Modal): Promise<void>;
  /** A URL that opens a message (for links from `status` to pending cards). */
  linkTo(thread: ThreadRef, ref: MessageRef): Promise<string | undefined>;
}

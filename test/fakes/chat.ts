/**
 * An in-memory chat platform for core tests: implements the `ChatAdapter` port, records what a
 * person would see (threads, their messages as currently shown, edit counts, ephemeral notices,
 * direct messages, modals, uploads, people's own posts), can fail the next call of a kind, refuse
 * direct messages to someone (`closedDms`) or run out of rate budget, and drives the bridge's
 * `InboundHandler` the way a platform delivers events. It calls itself `slack` unless given another
 * platform name (the contract's loopback plug-in is `loopback`).
 */
import { BridgeError, RateDeferred } from "../../src/core/errors.js";
import type {
  ChatAdapter,
  ChatLimits,
  InboundHandler,
  ModalResult,
  Notice,
  SendOptions,
} from "../../src/core/ports/chat.js";
import type { FileUpload, Message, Modal, ModalTrigger } from "../../src/core/types.js";
import type { ChannelRef, MessageRef, Platform, ThreadRef, UserRef } from "../../src/core/vocabulary/refs.js";
import { inlineText, ShownMessage } from "./chat-render.js";

export type FakeChatOp = "openThread" | "post" | "edit" | "upload" | "notify" | "sendPrivately" | "openModal";

export interface ShownThread {
  ref: ThreadRef;
  header: ShownMessage;
  /** The message the thread grows from: the header's id, or the person's post it was opened under. */
  root: string;
  /** Replies in the order they were posted (a header opened under a person's post is the first). */
  replies: ShownMessage[];
  uploads: FileUpload[];
}

export interface ShownNotice {
  /** The thread it was shown in; undefined for a reply to a command in a channel. */
  thread: string | undefined;
  text: string;
}

/** A direct message, as its one reader sees it: the message and the file that came with it. */
export interface DirectMessage {
  message: ShownMessage;
  file?: FileUpload;
}

export interface OpenedModal {
  user: UserRef | undefined;
  trigger: ModalTrigger;
  modal: Modal;
}

export const defaultLimits: ChatLimits = { messageChars: 3500, cardCodeChars: 1500, messagesPerReply: 6 };

export class FakeChat implements ChatAdapter {
  readonly platform: Platform;
  readonly workspace: string;
  readonly threads: ShownThread[] = [];
  /** Messages people posted in channels, outside any thread. */
  readonly posts: { ref: MessageRef; user: string; text: string }[] = [];
  /** Ephemeral notices, per user id. */
  readonly notices = new Map<string, ShownNotice[]>();
  /** Direct messages, per user id (see sendPrivately). */
  readonly dms = new Map<string, DirectMessage[]>();
  readonly modals: OpenedModal[] = [];
  /** Calls per operation, failed ones included. */
  readonly calls: Record<FakeChatOp, number> = {
    openThread: 0,
    post: 0,
    edit: 0,
    upload: 0,
    notify: 0,
    sendPrivately: 0,
    openModal: 0,
  };
  private handler: InboundHandler | undefined;
  private readonly failures = new Map<FakeChatOp, Error[]>();
  private readonly messages = new Map<string, ShownMessage>();
  private readonly triggers = new Map<string, UserRef>();
  /** People who do not accept direct messages from the app (see closedDms). */
  private readonly closed = new Set<string>();
  private seq = 0;
  /** Until then (Date.now()), the rate budget is spent: see exhaustBudget. */
  private budgetBackAt = 0;

  constructor(
    readonly limits: ChatLimits = defaultLimits,
    options: { platform?: Platform; workspace?: string } = {},
  ) {
    this.platform = options.platform ?? "slack";
    this.workspace = options.workspace ?? "T0001";
  }

  // ---------------------------------------------------------------- ChatAdapter

  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
  }

  async stop(): Promise<void> {
    this.handler = undefined;
  }

  async openThread(channel: ChannelRef, header: Message): Promise<{ thread: ThreadRef; header: MessageRef }> {
    this.attempt("openThread");
    const { anchor } = channel;
    if (
      anchor !== undefined &&
      !this.posts.some((p) => p.ref.channel === channel.channel && p.ref.id === anchor)
    )
      throw new Error(`fake chat: message_not_found ${channel.channel}/${anchor}`);
    const ts = this.ts();
    const root = anchor ?? ts;
    const ref: ThreadRef = {
      platform: this.platform,
      key: `${this.platform}:${channel.workspace}:${channel.channel}:${root}`,
      channel: channel.channel,
      thread: root,
      workspace: channel.workspace,
    };
    const shown = new ShownMessage({ channel: channel.channel, id: ts }, ref.key, header);
    this.messages.set(refKey(shown.ref), shown);
    // Under a person's post, the header is the thread's first reply.
    const replies = anchor === undefined ? [] : [shown];
    this.threads.push({ ref, header: shown, root, replies, uploads: [] });
    return { thread: ref, header: shown.ref };
  }

  async post(thread: ThreadRef, message: Message, options?: SendOptions): Promise<MessageRef> {
    await this.admit(options);
    this.attempt("post");
    const shown = new ShownMessage({ channel: thread.channel, id: this.ts() }, thread.key, message);
    this.thread(thread).replies.push(shown);
    this.messages.set(refKey(shown.ref), shown);
    return shown.ref;
  }

  async edit(ref: MessageRef, message: Message, options?: SendOptions): Promise<void> {
    await this.admit(options);
    this.attempt("edit");
    const shown = this.messages.get(refKey(ref));
    if (!shown) throw new Error(`fake chat: message_not_found ${refKey(ref)}`);
    shown.history.push(message);
  }

  async upload(thread: ThreadRef, file: FileUpload): Promise<void> {
    this.attempt("upload");
    this.thread(thread).uploads.push(file);
  }

  async notify(thread: ThreadRef, user: UserRef, notice: Notice): Promise<void> {
    this.attempt("notify");
    this.thread(thread);
    this.addNotice(user, thread.key, notice);
  }

  async sendPrivately(user: UserRef, message: Message, file?: FileUpload): Promise<void> {
    this.attempt("sendPrivately");
    if (user.platform !== this.platform)
      throw new BridgeError(
        "BAD_INPUT",
        `fake chat: not a ${this.platform} user: ${user.platform}:${user.id}`,
      );
    if (this.closed.has(user.id))
      throw new BridgeError("PLATFORM", `fake chat: ${user.id} does not accept direct messages`);
    const shown = new ShownMessage({ channel: `D-${user.id}`, id: this.ts() }, `dm:${user.id}`, message);
    this.messages.set(refKey(shown.ref), shown);
    const dm: DirectMessage = file ? { message: shown, file } : { message: shown };
    this.dms.set(user.id, [...(this.dms.get(user.id) ?? []), dm]);
  }

  async openModal(trigger: ModalTrigger, modal: Modal): Promise<void> {
    this.attempt("openModal");
    if (!this.triggers.has(trigger.token)) throw new Error("fake chat: invalid trigger");
    this.modals.push({ user: this.triggers.get(trigger.token), trigger, modal });
    this.triggers.delete(trigger.token); // a trigger can be used once
  }

  async linkTo(thread: ThreadRef, ref: MessageRef): Promise<string | undefined> {
    return `https://fake.chat/${thread.workspace}/${ref.channel}/${ref.id}`;
  }

  // ---------------------------------------------------------------- faults

  /** The next call of `op` throws `error` (queued: call twice to fail twice). */
  failNext(op: FakeChatOp, error: Error = new Error(`fake chat: ${op} failed`)): void {
    this.failures.set(op, [...(this.failures.get(op) ?? []), error]);
  }

  /**
   * The platform's rate budget is spent for `ms`: until then an interim post or edit is refused with
   * `RateDeferred` (nothing is shown, nothing is counted) and any other waits for the budget.
   */
  exhaustBudget(ms = 300): void {
    this.budgetBackAt = Date.now() + ms;
  }

  /** From now on (or, with `closed` false, no longer), direct messages to `user` are refused. */
  closedDms(user: string, closed = true): void {
    if (closed) this.closed.add(user);
    else this.closed.delete(user);
  }

  // ---------------------------------------------------------------- reading

  /** The thread for a ref or key (throws when there is none, like the platform would). */
  thread(ref: ThreadRef | string): ShownThread {
    const key = typeof ref === "string" ? ref : ref.key;
    const found = this.threads.find((t) => t.ref.key === key);
    if (!found) throw new Error(`fake chat: thread_not_found ${key}`);
    return found;
  }

  /** The message a ref points at, as shown now. */
  shown(ref: MessageRef): ShownMessage {
    const found = this.messages.get(refKey(ref));
    if (!found) throw new Error(`fake chat: message_not_found ${refKey(ref)}`);
    return found;
  }

  noticesFor(user: string): string[] {
    return (this.notices.get(user) ?? []).map((n) => n.text);
  }

  /** The direct messages `user` got, oldest first. */
  directMessages(user: string): DirectMessage[] {
    return [...(this.dms.get(user) ?? [])];
  }

  // ---------------------------------------------------------------- driving the bridge

  /** `/copilot <text>` in a channel; resolves with the delivery's id once the bridge has handled it. */
  async command(user: string, text: string, opts: { channel?: string; id?: string } = {}): Promise<string> {
    const who = this.user(user);
    const id = opts.id ?? this.eventId();
    await this.inbound().handle({
      type: "command",
      id,
      user: who,
      channel: { platform: this.platform, channel: opts.channel ?? "C0001", workspace: this.workspace },
      text,
      reply: async (notice) => this.addNotice(who, undefined, notice),
    });
    return id;
  }

  /**
   * A person's message in a thread; resolves with the delivery's id (pass it as `id` to deliver the
   * same message again). A thread this fake opened is the bot's (`botThread`).
   */
  async message(
    thread: ThreadRef | ShownThread,
    user: string,
    text: string,
    mentionsBot = false,
    opts: { id?: string } = {},
  ): Promise<string> {
    const ref = "ref" in thread ? thread.ref : thread;
    const id = opts.id ?? this.eventId();
    await this.inbound().handle({
      type: "message",
      id,
      user: this.user(user),
      thread: ref,
      text,
      mentionsBot,
      ...(this.threads.some((t) => t.ref.key === ref.key) ? { botThread: true } : {}),
    });
    return id;
  }

  /** A person posts `text` in a channel, outside any thread (a thread can be opened under it). */
  postAs(user: string, channel: string, text: string): MessageRef {
    const ref = { channel, id: this.ts() };
    this.posts.push({ ref, user, text });
    return ref;
  }

  /** A click on a button of `message` (any action and payload: a platform delivers what it gets). */
  async click(
    user: string,
    message: MessageRef | ShownMessage,
    action: string,
    payload: string,
    opts: { id?: string } = {},
  ): Promise<void> {
    const who = this.user(user);
    const shown = this.shown("ref" in message ? message.ref : message);
    const thread = this.thread(shown.thread).ref;
    const token = `trigger-${++this.seq}`;
    this.triggers.set(token, who);
    await this.inbound().handle({
      type: "action",
      id: opts.id ?? this.eventId(),
      user: who,
      thread,
      action,
      payload,
      message: shown.ref,
      trigger: { platform: this.platform, token },
      reply: async (notice) => this.addNotice(who, thread.key, notice),
    });
  }

  /** Submits an opened modal with `values` (field id → text). */
  submitModal(user: string, opened: OpenedModal, values: Record<string, string>): Promise<ModalResult> {
    return this.inbound().submitModal({
      type: "modal",
      id: this.eventId(),
      user: this.user(user),
      callback: opened.modal.callback,
      meta: opened.modal.meta,
      values,
    });
  }

  /** Polls `probe` until it returns something other than undefined/false. */
  async waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) {
        throw new Error(`fake chat: timed out after ${timeoutMs} ms waiting for ${what}\n${this.dump()}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Everything shown, for failure messages. */
  dump(): string {
    const lines: string[] = [];
    for (const t of this.threads) {
      lines.push(`thread ${t.ref.key}: ${t.header.text}`);
      for (const r of t.replies) lines.push(`  [${r.edits} edits] ${r.text.replace(/\n/g, "\n    ")}`);
    }
    for (const [user, list] of this.notices) for (const n of list) lines.push(`notice to ${user}: ${n.text}`);
    for (const [user, list] of this.dms)
      for (const d of list)
        lines.push(`direct message to ${user}: ${d.message.text}${d.file ? ` [${d.file.name}]` : ""}`);
    return lines.join("\n");
  }

  private inbound(): InboundHandler {
    if (!this.handler) throw new Error("fake chat: not started (or stopped)");
    return this.handler;
  }

  private async admit(options: SendOptions | undefined): Promise<void> {
    const wait = this.budgetBackAt - Date.now();
    if (wait <= 0) return;
    if (options?.interim === true) throw new RateDeferred(wait);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }

  private attempt(op: FakeChatOp): void {
    this.calls[op]++;
    const error = this.failures.get(op)?.shift();
    if (error) throw error;
  }

  private addNotice(user: UserRef, thread: string | undefined, notice: Notice): void {
    const text = typeof notice === "string" ? notice : inlineText(notice);
    this.notices.set(user.id, [...(this.notices.get(user.id) ?? []), { thread, text }]);
  }

  private user(id: string): UserRef {
    return { platform: this.platform, id };
  }

  private eventId(): string {
    return `ev-${++this.seq}`;
  }

  private ts(): string {
    return `1700000000.${String(++this.seq).padStart(6, "0")}`;
  }
}

function refKey(ref: MessageRef): string {
  return `${ref.channel}/${ref.id}`;
}

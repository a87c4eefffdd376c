import { Actions, isValidRequestId, knownActions, ModalCallbacks } from "./actions.js";
import type { CopilotGateway, PermissionDecision } from "./agent.js";
import type {
  ActionEvent,
  ChatAdapter,
  CommandEvent,
  InboundHandler,
  ModalResult,
  ModalSubmitEvent,
  Notice,
  ThreadMessageEvent,
} from "./chat.js";
import { errorText } from "./errors.js";
import type { Logger } from "./log.js";
import { failure, sessionHeader, usage } from "./messages.js";
import type { AccessPolicy } from "./policy.js";
import { ThreadSession } from "./session.js";
import type { BridgeStore, CardRecord, ThreadRecord } from "./store.js";
import type { Platform, UserRef } from "./types.js";

/** How long a click or message waits for its session to reconnect after a restart. */
const reconnectWaitMs = 15_000;

export interface BridgeOptions {
  adapters: ChatAdapter[];
  gateway: CopilotGateway;
  store: BridgeStore;
  policy: AccessPolicy;
  log: Logger;
  workingDirectory: string;
  maxPromptChars: number;
  streamIntervalMs: number;
  /** How long inbound event ids are remembered for de-duplication. */
  dedupTtlMs: number;
  /** How many sessions are resumed at once after a restart. */
  resumeConcurrency: number;
  now?: () => number;
}

/** The platform-neutral heart: routes inbound chat events to Copilot sessions and back. */
export class Bridge implements InboundHandler {
  private readonly sessions = new Map<string, ThreadSession>();
  private readonly adapters = new Map<Platform, ChatAdapter>();
  private readonly now: () => number;

  constructor(private readonly options: BridgeOptions) {
    for (const adapter of options.adapters) this.adapters.set(adapter.platform, adapter);
    this.now = options.now ?? Date.now;
  }

  /** Starts the runtime, reconnects known sessions, then starts listening on every platform. */
  async start(): Promise<void> {
    await this.options.gateway.start();
    const known = await this.options.store.activeThreads();
    for (const record of known) {
      const chat = this.adapters.get(record.thread.platform);
      if (chat) this.sessions.set(record.thread.key, this.newSession(record, chat));
    }
    const cards = new Map<string, CardRecord[]>();
    for (const card of await this.options.store.pendingCards()) {
      cards.set(card.threadKey, [...(cards.get(card.threadKey) ?? []), card]);
    }
    for (const adapter of this.adapters.values()) await adapter.start(this);
    void this.resumeAll([...this.sessions.values()], cards);
  }

  async stop(): Promise<void> {
    for (const adapter of this.adapters.values()) await adapter.stop().catch(() => {});
    await Promise.all([...this.sessions.values()].map((s) => s.queue.idle()));
    await this.options.gateway.stop().catch(() => {});
    await this.options.store.close().catch(() => {});
  }

  /** Resolves once every thread has shown what it has been given so far (for tests and shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.queue.idle()));
  }

  async handle(event: CommandEvent | ThreadMessageEvent | ActionEvent): Promise<void> {
    if (!(await this.options.store.firstSeen(event.id, this.options.dedupTtlMs))) {
      this.options.log.debug("duplicate delivery ignored", { id: event.id });
      return;
    }
    try {
      if (event.type === "command") await this.onCommand(event);
      else if (event.type === "message") await this.onMessage(event);
      else await this.onAction(event);
    } catch (error) {
      this.options.log.error("event failed", { type: event.type, error: errorText(error) });
    }
  }

  async submitModal(event: ModalSubmitEvent): Promise<ModalResult> {
    if (event.callback !== ModalCallbacks.denyReason || !isValidRequestId(event.meta)) {
      return { errors: { reason: "This form is not valid any more." } };
    }
    const feedback = (event.values.reason ?? "").trim().slice(0, 2000);
    const reply = async (notice: Notice) => {
      const card = await this.options.store.getCard(event.meta);
      const session = card && this.sessions.get(card.threadKey);
      if (session) await this.adapterFor(session).notify(session.record.thread, event.user, notice);
    };
    // Answer the modal at once (Slack allows 3 s); the decision and its outcome follow in the thread.
    const decision: PermissionDecision = feedback ? { kind: "deny", feedback } : { kind: "deny" };
    this.decide(event.meta, event.user, decision, reply).catch((error: unknown) => {
      this.options.log.error("modal decision failed", { error: errorText(error) });
    });
    return undefined;
  }

  private async onCommand(event: CommandEvent): Promise<void> {
    const text = event.text.trim();
    if (text === "" || text === "help") {
      await event.reply(usage);
      return;
    }
    if (text.length > this.options.maxPromptChars) {
      await event.reply(
        `That prompt is ${text.length} characters long; the limit is ${this.options.maxPromptChars}. Nothing was started.`,
      );
      return;
    }
    const chat = this.adapters.get(event.channel.platform);
    if (!chat) return;
    const workdir = this.options.workingDirectory;
    let opened: Awaited<ReturnType<ChatAdapter["openThread"]>>;
    try {
      opened = await chat.openThread(event.channel, sessionHeader(event.user, text, workdir, "interactive"));
    } catch (error) {
      this.options.log.warn("could not open a thread", { error: errorText(error) });
      await event.reply(
        `Could not post in this channel (${errorText(error)}). Is the bot a member? Try /invite @Copilot. Nothing was started.`,
      );
      return;
    }
    const { thread, header } = opened;
    const record: ThreadRecord = {
      thread,
      sessionId: "",
      owner: event.user,
      header,
      workingDirectory: workdir,
      mode: "interactive",
      state: "active",
      createdAt: this.now(),
      queue: [],
    };
    const session = this.newSession(record, chat);
    this.sessions.set(thread.key, session);
    try {
      const agent = await this.options.gateway.createSession({ workingDirectory: workdir }, session.onEvent);
      session.record = { ...session.record, sessionId: agent.id };
      session.attach(agent, false);
      await this.options.store.putThread(session.record);
      await session.prompt(text, event.user);
    } catch (error) {
      this.options.log.error("could not start a session", { error: errorText(error) });
      session.record = { ...session.record, state: "ended" };
      this.sessions.delete(thread.key);
      await chat.post(thread, failure("Could not start a Copilot session:", errorText(error)));
    }
  }

  private async onMessage(event: ThreadMessageEvent): Promise<void> {
    const session = await this.sessionFor(event.thread.key);
    if (!session) return;
    const owner = session.record.owner;
    if (!this.options.policy.forwards(event.user, owner, event.mentionsBot)) return;
    const chat = this.adapterFor(session);
    const text = event.text.trim();
    if (text === "") return;
    if (text.length > this.options.maxPromptChars) {
      await chat.notify(
        event.thread,
        event.user,
        `That message is ${text.length} characters long; the limit is ${this.options.maxPromptChars}. It was not sent to Copilot.`,
      );
      return;
    }
    if (!(await session.connected(reconnectWaitMs))) {
      await chat.notify(
        event.thread,
        event.user,
        "This session is reconnecting to Copilot; try again in a moment.",
      );
      return;
    }
    try {
      await session.prompt(text, event.user);
    } catch (error) {
      session.say(failure("Could not send that to Copilot:", errorText(error)));
    }
  }

  private async onAction(event: ActionEvent): Promise<void> {
    if (!knownActions.has(event.action) || !isValidRequestId(event.payload)) {
      await event.reply("That button is not one this bridge knows. Nothing was changed.");
      return;
    }
    if (event.action === Actions.denyWithReason) {
      const card = await this.pendingCard(event.payload, event.user, event.reply);
      if (!card) return;
      if (!event.trigger) {
        await event.reply("Could not open the form; use Deny instead.");
        return;
      }
      const chat = this.adapters.get(event.trigger.platform);
      await chat?.openModal(event.trigger, {
        callback: ModalCallbacks.denyReason,
        meta: event.payload,
        title: "Deny",
        submitLabel: "Deny",
        intro: `Deny: ${card.view.title}. The reason is passed to Copilot.`,
        fields: [
          { id: "reason", label: "Reason (optional)", multiline: true, optional: true, maxLength: 2000 },
        ],
      });
      return;
    }
    const decision: PermissionDecision =
      event.action === Actions.approveOnce
        ? { kind: "approve-once" }
        : event.action === Actions.approveSession
          ? { kind: "approve-for-session" }
          : { kind: "deny" };
    await this.decide(event.payload, event.user, decision, event.reply);
  }

  /** The card for a click, if it is pending and the clicker may decide; otherwise tells them why not. */
  private async pendingCard(
    requestId: string,
    user: UserRef,
    reply: (notice: Notice) => Promise<void>,
  ): Promise<CardRecord | undefined> {
    const card = await this.options.store.getCard(requestId);
    const session = card && (await this.sessionFor(card.threadKey));
    if (!card || !session) {
      await reply("This request is not pending any more (or was never known here). Nothing was changed.");
      return undefined;
    }
    if (!this.options.policy.canDecide(user, session.record.owner)) {
      await reply([
        "Only ",
        { user: session.record.owner },
        " or an approver can decide this. Nothing was changed.",
      ]);
      return undefined;
    }
    if (card.state.status !== "pending") {
      await reply("This request was already answered.");
      return undefined;
    }
    return card;
  }

  private async decide(
    requestId: string,
    user: UserRef,
    decision: PermissionDecision,
    reply: (notice: Notice) => Promise<void>,
  ): Promise<void> {
    const card = await this.pendingCard(requestId, user, reply);
    if (!card) return;
    const session = this.sessions.get(card.threadKey);
    const agent = await session?.connected(reconnectWaitMs);
    if (!session || !agent) {
      await reply("This session is reconnecting to Copilot; try again in a moment.");
      return;
    }
    const result = await session.desk.decide(card, user, decision, agent);
    if (result.status === "lost") await reply("This request was already answered.");
    else if (result.status === "failed") await reply(`Copilot did not accept the answer: ${result.reason}`);
  }

  private async sessionFor(threadKey: string): Promise<ThreadSession | undefined> {
    return this.sessions.get(threadKey);
  }

  private adapterFor(session: ThreadSession): ChatAdapter {
    const chat = this.adapters.get(session.record.thread.platform);
    if (!chat) throw new Error(`no adapter for ${session.record.thread.platform}`);
    return chat;
  }

  private newSession(record: ThreadRecord, chat: ChatAdapter): ThreadSession {
    return new ThreadSession(record, {
      chat,
      store: this.options.store,
      log: this.options.log,
      streamIntervalMs: this.options.streamIntervalMs,
      now: this.now,
    });
  }

  private async resumeAll(sessions: ThreadSession[], cards: Map<string, CardRecord[]>): Promise<void> {
    const work = [...sessions];
    const worker = async () => {
      for (let session = work.shift(); session; session = work.shift()) {
        try {
          const agent = await this.options.gateway.resumeSession(session.record.sessionId, session.onEvent);
          session.attach(agent, false);
          session.desk.reconcile(
            cards.get(session.record.thread.key) ?? [],
            await agent.pendingPermissions(),
          );
          this.options.log.info("session resumed", { thread: session.record.thread.key });
        } catch (error) {
          this.options.log.warn("could not resume a session", {
            thread: session.record.thread.key,
            error: errorText(error),
          });
          session.say(failure("Could not reconnect this session after a restart:", errorText(error)));
        }
      }
    };
    await Promise.all(Array.from({ length: this.options.resumeConcurrency }, worker));
  }
}

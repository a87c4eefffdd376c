import { onCommand } from "./channel-commands.js";
import { type BridgeOptions, type CoreContext, reconnectWaitMs, settingsOf } from "./context.js";
import { remembersDelivery } from "./dedup.js";
import { errorText } from "./errors.js";
import { queueFullRefusal, rateRefusal } from "./flood.js";
import { Housekeeping } from "./housekeeping.js";
import { cleanEvent, cleanModal } from "./input-text.js";
import { LostThreads, lostThreadNotice, rewriteRecords } from "./lost-records.js";
import { failure } from "./messages.js";
import { PendingLinks } from "./pending-links.js";
import { PlainWorkspaces } from "./plain-workspaces.js";
import type {
  ActionEvent,
  CommandEvent,
  InboundHandler,
  ModalResult,
  ModalSubmitEvent,
  ThreadMessageEvent,
} from "./ports/chat.js";
import { onPromptAction, onPromptModal, promptActions, promptModals } from "./prompt-actions.js";
import { reopen, resumeAll } from "./recovery.js";
import { ChatDirectory, SessionRegistry } from "./registry.js";
import { keepIdentityCurrent, tokenRefused } from "./session-identity.js";
import { controlActions, onControlAction, parseControl, runControl } from "./thread-controls.js";
import { onWorkspaceAction, showChanges, workspaceActions } from "./workspace-actions.js";

export type { BridgeOptions } from "./context.js";

/** The platform-neutral heart: routes inbound chat events to Copilot sessions and back. */
/** How long stop() waits for threads to show what they were given. */
const stopGraceMs = 3000;

export class Bridge implements InboundHandler {
  private readonly ctx: CoreContext;
  private readonly lost = new LostThreads();
  private readonly housekeeping: Housekeeping;
  private stopping = false;

  constructor(private readonly options: BridgeOptions) {
    const now = options.now ?? Date.now;
    const chats = new ChatDirectory(options.adapters);
    const sessions = new SessionRegistry(chats, {
      store: options.store,
      log: options.log,
      streamIntervalMs: options.streamIntervalMs,
      maxPromptChars: options.maxPromptChars,
      maxQueued: options.maxQueued,
      userRate: options.userRate,
      qrCode: options.qrCode,
      now,
      idle: (session) => void showChanges(this.ctx, session),
      tokenRefused: (session) => void tokenRefused(this.ctx, session),
    });
    this.ctx = {
      sessions,
      chats,
      store: options.store,
      gateway: options.gateway,
      policy: options.policy,
      log: options.log,
      now,
      settings: settingsOf(options),
      workspaces: options.workspaces ?? new PlainWorkspaces(options.workingDirectory),
      identity: options.identity,
      links: new PendingLinks(),
      qrCode: options.qrCode,
    };
    this.housekeeping = new Housekeeping(this.ctx);
  }

  /** Starts the runtime, loads known sessions, starts listening, then reconnects the sessions. */
  async start(): Promise<void> {
    this.options.gateway.onDisconnect(() => void this.reconnect());
    // The store's file was deleted while running: write back every live thread and its pending cards.
    this.options.store.onReset?.(() =>
      rewriteRecords(this.ctx.sessions.all(), this.options.store, this.options.log),
    );
    await this.options.gateway.start();
    const known = await this.options.store.activeThreads();
    for (const record of known) this.ctx.sessions.add(record);
    // Before any command is taken: a worktree made meanwhile would not be in the live list yet.
    await this.sweepWorktrees();
    for (const adapter of this.ctx.chats.all()) await adapter.start(this);
    // Sessions idle too long end (and leave the registry) before the others are resumed.
    this.housekeeping.start();
    void resumeAll(this.ctx, this.ctx.sessions.all());
  }

  /** Worktrees whose session is not live any more (it ended while the bridge was down) are retired. */
  private async sweepWorktrees(): Promise<void> {
    const live = this.ctx.sessions.all().flatMap((s) => (s.record.workspace ? [s.record.workspace] : []));
    try {
      const retired = await this.ctx.workspaces.sweep(live);
      if (retired > 0) this.options.log.info("retired worktrees without a live session", { retired });
    } catch (error) {
      this.options.log.warn("could not sweep the worktrees", { error: errorText(error) });
    }
  }

  /**
   * The runtime connection dropped (an external runtime restarted, or the bundled one died): connect
   * again with backoff and resume every session; messages and clicks meanwhile wait for it.
   */
  private async reconnect(): Promise<void> {
    if (this.stopping) return;
    for (const session of this.ctx.sessions.all()) session.detach();
    for (let attempt = 0; !this.stopping; attempt++) {
      await new Promise((done) => setTimeout(done, Math.min(500 * 2 ** attempt, 15_000)));
      try {
        await this.options.gateway.stop();
        await this.options.gateway.start();
        break;
      } catch (error) {
        this.options.log.warn("reconnecting to the Copilot runtime failed", {
          attempt,
          error: errorText(error),
        });
      }
    }
    if (this.stopping) return;
    this.options.log.info("reconnected to the Copilot runtime");
    await resumeAll(this.ctx, this.ctx.sessions.all());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.housekeeping.stop();
    this.ctx.links.cancelAll();
    for (const adapter of this.ctx.chats.all())
      await adapter.stop().catch(() => {
        // Stopping: an adapter that fails to disconnect is dropped with the process.
      });
    // What the threads still have to show may be waiting for the platform's rate budget: give it a
    // moment, not forever (the runtime keeps the sessions; a restart resumes them).
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      this.settled(),
      new Promise((done) => {
        grace = setTimeout(done, stopGraceMs);
      }),
    ]);
    clearTimeout(grace);
    await this.options.gateway.stop().catch(() => {
      // Stopping: the runtime connection is dropped with the process.
    });
    await this.options.store.close().catch(() => {
      // Stopping: every write was awaited before, so a failing close loses nothing.
    });
  }

  /** Resolves once every thread has shown what it has been given so far (for tests and shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.ctx.sessions.all().map((s) => s.queue.idle()));
  }

  async handle(inbound: CommandEvent | ThreadMessageEvent | ActionEvent): Promise<void> {
    const event = cleanEvent(inbound);
    const remembered = await remembersDelivery(this.ctx, event);
    if (remembered && !(await this.options.store.firstSeen(event.id, this.options.dedupTtlMs))) {
      this.options.log.debug("duplicate delivery ignored", { id: event.id });
      return;
    }
    try {
      if (event.type === "command") await onCommand(this.ctx, event);
      else if (event.type === "message") await this.onMessage(event);
      else await this.onAction(event);
    } catch (error) {
      this.options.log.error("event failed", { type: event.type, error: errorText(error) });
    }
  }

  async submitModal(submitted: ModalSubmitEvent): Promise<ModalResult> {
    const event = cleanModal(submitted);
    if (promptModals.has(event.callback)) return onPromptModal(this.ctx, event);
    return { errors: { [Object.keys(event.values)[0] ?? "reason"]: "This form is not valid any more." } };
  }

  private async onAction(event: ActionEvent): Promise<void> {
    if (promptActions.has(event.action)) await onPromptAction(this.ctx, event);
    else if (workspaceActions.has(event.action)) await onWorkspaceAction(this.ctx, event);
    else if (controlActions.has(event.action)) await onControlAction(this.ctx, event);
    else await event.reply("That button is not one this bridge knows. Nothing was changed.");
  }

  private async onMessage(event: ThreadMessageEvent): Promise<void> {
    const session = this.ctx.sessions.get(event.thread.key);
    if (!session) {
      await this.onEndedThread(event);
      return;
    }
    if (!this.options.policy.forwards(event.user, session.record.owner, event.mentionsBot)) return;
    const chat = this.ctx.chats.chatFor(session);
    const text = event.text.trim();
    if (text === "") return;
    const reply = (notice: Parameters<typeof chat.notify>[2]) =>
      chat.notify(event.thread, event.user, notice);
    // Someone else's session: a budget per person (controls included), told once per window when spent.
    if (!this.options.policy.canDecide(event.user, session.record.owner)) {
      const verdict = session.admit(event.user);
      if (!verdict.allowed) {
        const rule = session.userRate;
        if (verdict.first && rule) await reply(rateRefusal(rule, verdict.retryInMs));
        return;
      }
      // BRIDGE_ALLOWED_USERS / _CHANNELS fence what reaches the agent as much as commands.
      const fenced = this.options.policy.check(event.user, { kind: "start" }, session.record.origin);
      if (!fenced.allowed) {
        await reply(`${fenced.reason} It was not sent to Copilot.`);
        return;
      }
    }
    const control = parseControl(text);
    if (control) {
      await runControl(this.ctx, session, event.user, control, reply);
      return;
    }
    if (text.length > this.options.maxPromptChars) {
      await reply(
        `That message is ${text.length} characters long; the limit is ${this.options.maxPromptChars}. It was not sent to Copilot.`,
      );
      return;
    }
    if (session.lost !== undefined) {
      try {
        await reopen(this.ctx, session);
      } catch (error) {
        await reply(`Could not start a new Copilot session here: ${errorText(error)}`);
        return;
      }
    }
    if (!(await session.connected(reconnectWaitMs))) {
      await reply("This session is reconnecting to Copilot; try again in a moment.");
      return;
    }
    // A session running as its owner's GitHub account needs that account's current token.
    const identity = await keepIdentityCurrent(this.ctx, session);
    if (identity !== true) {
      await reply(identity);
      return;
    }
    try {
      if ((await session.prompt(text, event.user)) === "full") {
        await reply(queueFullRefusal(session.record.queue.length));
      }
    } catch (error) {
      session.say(failure("Could not send that to Copilot:", errorText(error)));
    }
  }

  /** A message for a session that has ended: its owner (or whoever mentions the bot) is told so. */
  private async onEndedThread(event: ThreadMessageEvent): Promise<void> {
    const record = await this.options.store.getThread(event.thread.key);
    if (!record && this.lost.shouldTell(event, this.options.policy)) {
      await this.ctx.chats.adapter(event.thread.platform)?.notify(event.thread, event.user, lostThreadNotice);
    }
    if (record?.state !== "ended") return;
    if (!this.options.policy.forwards(event.user, record.owner, event.mentionsBot)) return;
    const chat = this.ctx.chats.adapter(event.thread.platform);
    await chat?.notify(
      event.thread,
      event.user,
      record.cloud && record.remoteUrl
        ? [
            "This cloud session is no longer connected to the bridge; it goes on at ",
            { link: record.remoteUrl, label: "GitHub" },
            ". Nothing was sent. Start a new session with /copilot <prompt>.",
          ]
        : "This Copilot session has ended. Nothing was sent. Start a new session with /copilot <prompt>.",
    );
  }
}

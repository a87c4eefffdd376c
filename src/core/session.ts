import { errorText } from "./errors.js";
import { type RateRule, type RateVerdict, RateWindows } from "./flood.js";
import { Gate } from "./gate.js";
import type { Logger } from "./log.js";
import { sessionHeader } from "./messages.js";
import type { ChatAdapter } from "./ports/chat.js";
import type { AgentSession, RunAs, ToolFate } from "./ports/gateway.js";
import type { BridgeStore } from "./ports/store.js";
import { PromptDesk } from "./prompt-desk.js";
import { QueuedMessages } from "./queued-messages.js";
import { postRemoteLink } from "./remote-link.js";
import { SerialQueue } from "./serial.js";
import {
  copilotErrorLine,
  fromGitHubLine,
  lostLine,
  queuedNotSentLine,
  runtimeNoticeLine,
} from "./session-lines.js";
import { Transcript } from "./transcript.js";
import { interruptedLine, TurnLog } from "./turn.js";
import type { Message } from "./types.js";
import { activity, addUsage, budgetLine } from "./usage.js";
import type { AgentEvent } from "./vocabulary/agent-event.js";
import type { AgentMode } from "./vocabulary/mode.js";
import type { Prompt } from "./vocabulary/prompt.js";
import type { ThreadRecord } from "./vocabulary/records.js";
import type { UserRef } from "./vocabulary/refs.js";

const errorIdleFallbackMs = 5000;

export interface SessionDeps {
  /** Renders a QR code PNG for a URL (the remote-session link). */
  qrCode?: (text: string) => Promise<Uint8Array>;
  chat: ChatAdapter;
  store: BridgeStore;
  log: Logger;
  streamIntervalMs: number;
  /** Most messages waiting for a turn to end (BRIDGE_MAX_QUEUED). */
  maxQueued: number;
  /** Longest prompt: queued messages sent together stay within it. */
  maxPromptChars: number;
  /** Messages per person in this thread, for everyone but its owner and approvers (BRIDGE_USER_RATE). */
  userRate: RateRule | undefined;
  now(): number;
  /** Called when a turn ends with nothing queued: the agent is idle until someone writes. */
  idle?: ((session: ThreadSession) => void) | undefined;
  /** GitHub refused the token of the person the session runs as (401). */
  tokenRefused?: ((session: ThreadSession) => void) | undefined;
}

/** One chat thread bound to one Copilot session: shows its events, feeds it prompts in order. */
export class ThreadSession {
  /** Bridge posts in thread order: the transcript, cards, notices. */
  readonly queue: SerialQueue;
  /** Answers to controls and header edits: in order among themselves, never behind `queue`. */
  private readonly controls: SerialQueue;
  /** The messages waiting for the running turn to end (kept in `record.queue`). */
  private readonly waiting: QueuedMessages;
  private readonly rates: RateWindows | undefined;
  readonly desk: PromptDesk;
  private readonly transcript: Transcript;
  private agentSession: AgentSession | undefined;
  private busy = false;
  /** What the running turn has shown, so it never ends in silence. */
  private readonly turn = new TurnLog();
  /** Why the session could not be resumed after a restart; the next message starts a new one. */
  lost: string | undefined;
  private errorFallback: NodeJS.Timeout | undefined;
  /** The changes the thread was last shown (so a turn that changed nothing more shows nothing). */
  shownChanges: string | undefined;
  /** When the runtime last explained why remote control is off (its own words beat a generic error). */
  remoteWarnedAt = 0;
  /** The person's identity the session is connected with (kept in memory only: it holds the token). */
  runAs: RunAs | undefined;
  /** Opens once the session is connected to Copilot (at once for new sessions, after resume otherwise). */
  private readonly ready = new Gate();

  constructor(
    public record: ThreadRecord,
    private readonly deps: SessionDeps,
  ) {
    this.queue = new SerialQueue((error) =>
      deps.log.warn("thread update failed", { thread: record.thread.key, error: errorText(error) }),
    );
    this.controls = this.queue.lane();
    this.rates = deps.userRate ? new RateWindows(deps.userRate, deps.now) : undefined;
    this.transcript = new Transcript(deps.chat, record.thread, this.queue, deps.streamIntervalMs, deps.now);
    this.waiting = new QueuedMessages(this, {
      store: deps.store,
      persist: () => this.persistQueue(),
      maxQueued: deps.maxQueued,
      maxPromptChars: deps.maxPromptChars,
      live: {
        post: (m, options) => deps.chat.post(this.record.thread, m, options),
        edit: (ref, m, options) => deps.chat.edit(ref, m, options),
        schedule: (task) => this.queue.push(task),
        intervalMs: deps.streamIntervalMs,
        now: deps.now,
      },
    });
    this.desk = new PromptDesk({
      answerAt: () => (this.record.cloud ? (this.record.remoteUrl ?? "") : undefined),
      thread: record.thread,
      owner: record.owner,
      chat: deps.chat,
      store: deps.store,
      queue: this.queue,
      log: deps.log,
      now: deps.now,
    });
  }

  get agent(): AgentSession | undefined {
    return this.agentSession;
  }

  attach(agent: AgentSession, busy: boolean): void {
    this.agentSession = agent;
    this.busy = busy;
    this.lost = undefined;
    if (this.record.lost !== undefined) {
      const { lost: _resumed, ...rest } = this.record;
      this.record = rest;
    }
    this.ready.open();
  }

  /**
   * After a resume: whether the turn that was running goes on (a runtime that survived, or a
   * permission the runtime restored). If it died, the thread is told, and what was queued for after
   * it is sent now, in order.
   */
  resumed(turnAlive: boolean): void {
    this.deps.log.debug("turn state after resume", {
      thread: this.record.thread.key,
      turnAlive,
      wasWorking: this.record.working === true,
      queued: this.waiting.length,
    });
    this.busy = turnAlive;
    if (turnAlive) return;
    if (this.record.working) {
      this.transcript.settle();
      this.say(interruptedLine());
      this.setWorking(false);
    }
    this.drain();
  }

  /**
   * The session could not be resumed: the thread is told once, its cards close as lost, and the
   * next message (or what is queued, at once) goes to a new session in the same thread.
   */
  markLost(reason: string): void {
    this.lost = reason;
    this.ready.open();
    this.desk.loseAll();
    if (this.record.lost !== undefined) return; // said before an earlier restart
    this.record = { ...this.record, lost: reason, working: false };
    this.persistQueue();
    this.say(lostLine(reason));
  }

  /** The connection to the runtime was lost: wait for the next `attach`. */
  detach(): void {
    if (!this.agentSession) return;
    this.agentSession = undefined;
    this.busy = false;
    this.ready.close();
  }

  /** The connected session, waiting up to `timeoutMs` for a resume in progress. */
  async connected(timeoutMs: number): Promise<AgentSession | undefined> {
    if (this.agentSession || this.lost !== undefined) return this.agentSession;
    await this.ready.pass(timeoutMs);
    return this.agentSession;
  }

  readonly onEvent = (event: AgentEvent): void => {
    switch (event.type) {
      case "message.delta":
        this.transcript.delta(event.messageId, event.delta);
        break;
      case "message":
        if (event.content.trim() !== "") this.turn.reply();
        this.transcript.message(event.messageId, event.content);
        break;
      case "tool.start":
        this.transcript.toolStarted(event.toolCallId, event.toolName, event.summary);
        if (this.busy) this.deps.chat.showActivity?.(this.record.thread, activity.tool(event.toolName));
        break;
      case "tool.complete":
        this.desk.toolFinished(event.toolCallId, toolFate(event), this.record.remoteUrl !== undefined);
        this.transcript.toolCompleted(event.toolCallId, event.success, event.error);
        break;
      case "prompt.requested":
        this.deps.chat.showActivity?.(this.record.thread, activity.waiting);
        this.desk.requested(event.requestId, event.prompt, event.toolCallId);
        if (event.prompt.kind === "form" && event.prompt.unsupported)
          this.declineForm(event.requestId, event.prompt);
        break;
      case "prompt.completed":
        if (
          event.outcome.kind === "permission" &&
          event.outcome.outcome === "denied" &&
          !event.outcome.feedback
        )
          this.turn.deniedPlainly();
        this.desk.completed(event.requestId, event.outcome, event.surface);
        break;
      case "remote.message":
        this.transcript.settle();
        this.say(fromGitHubLine(event.text));
        break;
      case "idle":
        clearTimeout(this.errorFallback);
        this.turnEnded();
        break;
      case "aborted":
        this.desk.cancelPending();
        break;
      case "limit":
        // The bridge's budget is the admin's: the held request is cancelled and the thread says why.
        this.turn.explainedElsewhere();
        this.say(budgetLine(event.usedAiCredits, event.maxAiCredits));
        this.agentSession?.cancelOverBudget(event.requestId).catch((error: unknown) => {
          this.deps.log.warn("could not cancel a request over budget", { error: errorText(error) });
        });
        break;
      case "usage":
        // Kept with the record; written with the turn's end (the working flag's change).
        this.record = { ...this.record, usage: addUsage(this.record.usage, event) };
        break;
      case "mode":
        this.modeChanged(event.mode);
        break;
      case "remote":
        this.showRemote(event.url);
        break;
      case "error":
        this.turn.explainedElsewhere();
        if (event.auth && this.record.runsAs?.kind === "person" && this.deps.tokenRefused) {
          this.deps.tokenRefused(this);
        } else {
          this.say(copilotErrorLine(event.message));
        }
        // The runtime ends a failed turn with session.idle; end it here only if that never comes,
        // so a queued message is never sent twice or out of order.
        clearTimeout(this.errorFallback);
        this.errorFallback = setTimeout(() => this.turnEnded(), errorIdleFallbackMs);
        break;
      case "notice":
        if (event.kind === "remote" || event.kind === "policy_blocked") this.remoteWarnedAt = this.deps.now();
        this.say(runtimeNoticeLine(event));
        break;
    }
  };

  /** A form no modal can show is declined at once (the card says why), so the agent never hangs on it. */
  private declineForm(requestId: string, prompt: Prompt): void {
    this.agentSession
      ?.answer(requestId, { kind: "form", action: "decline" }, prompt)
      .catch((error: unknown) => {
        this.deps.log.warn("could not decline a form", { error: errorText(error) });
      });
  }

  /** Whether a turn is running. */
  get working(): boolean {
    return this.busy;
  }

  /**
   * Aborts the running turn; its pending cards are closed as cancelled and the messages queued for
   * after it are dropped (a stop that the next queued message undoes is none). Returns how many were.
   */
  async stop(): Promise<number> {
    const agent = this.agentSession;
    if (!agent) throw new Error("the session is not connected to Copilot");
    const dropped = this.waiting.drop();
    this.turn.explainedElsewhere();
    await agent.abort();
    this.desk.cancelPending();
    return dropped;
  }

  /**
   * The session is shared through Mission Control: post its link and a QR code once per URL, and keep
   * the URL (the runtime announces it only once) for `status` and restarts.
   */
  showRemote(url: string): void {
    if (this.record.remoteUrl === url) return;
    this.record = { ...this.record, remoteUrl: url };
    const { thread } = this.record;
    this.controls.push(async () => {
      // The record as it is now, not as it was when queued: a cloud session's id is set meanwhile,
      // and writing the older copy lost it (the session was then not resumed after a restart).
      await this.deps.store.putThread(this.record);
      await postRemoteLink(this.deps, thread, url);
    });
  }

  /** Remote control was turned off. */
  forgetRemote(): void {
    if (this.record.remoteUrl === undefined) return;
    const { remoteUrl: _gone, ...rest } = this.record;
    this.record = rest;
    this.controls.push(() => this.deps.store.putThread(this.record));
  }

  /** The mode the runtime reports when a session is attached. */
  adoptMode(mode: AgentMode): void {
    this.modeChanged(mode);
  }

  /** The mode changed (from here, a terminal or GitHub): the header follows. */
  private modeChanged(mode: AgentMode): void {
    if (mode === this.record.mode) return;
    this.record = { ...this.record, mode };
    const header = sessionHeader(this.record);
    this.controls.push(async () => {
      await this.deps.store.putThread(this.record);
      await this.deps.chat.edit(this.record.header, header);
    });
  }

  /**
   * Counts a message from someone who is neither owner nor approver against their budget in this
   * thread (BRIDGE_USER_RATE); everything is allowed when there is none.
   */
  admit(user: UserRef): RateVerdict {
    return this.rates?.take(user) ?? { allowed: true };
  }

  /** The budget `admit` keeps, if any. */
  get userRate(): RateRule | undefined {
    return this.deps.userRate;
  }

  /**
   * Sends a prompt now, or queues it while a turn is running (one notice per turn says what waits);
   * `full` when `maxQueued` messages wait already: nothing was queued.
   */
  async prompt(text: string, from: UserRef): Promise<"sent" | "queued" | "full"> {
    // Messages still queued from before a restart go first, together with this one.
    if (this.busy || this.waiting.length > 0) {
      if (this.waiting.full) return "full";
      await this.waiting.add(text, from);
      if (!this.busy) this.drain();
      return "queued";
    }
    await this.send(text);
    return "sent";
  }

  /** Posts a bridge-authored message in the thread, in order with everything else. */
  say(message: Message): void {
    this.queue.push(() => this.deps.chat.post(this.record.thread, message));
  }

  /** Posts the answer to a control (`status`, `stop`…) now: never behind the thread's backlog. */
  sayNow(message: Message): void {
    this.controls.push(() => this.deps.chat.post(this.record.thread, message));
  }

  private async send(text: string): Promise<void> {
    const agent = this.agentSession;
    if (!agent) throw new Error("the session is not connected to Copilot yet");
    this.busy = true;
    this.turn.begin();
    // A prompt is activity: a session ends by itself only after BRIDGE_SESSION_IDLE_DAYS without one.
    this.record = { ...this.record, lastActivityAt: this.deps.now() };
    this.setWorking(true);
    try {
      await agent.send(text);
    } catch (error) {
      this.busy = false;
      throw error;
    }
  }

  /** The turn ended: every message queued meanwhile (as much as fits in one prompt) goes as one. */
  private turnEnded(): void {
    this.transcript.settle();
    this.busy = false;
    const line = this.turn.endLine();
    if (line) this.say(line);
    this.turn.explainedElsewhere();
    if (this.waiting.length === 0) {
      this.setWorking(false);
      this.deps.idle?.(this);
    }
    this.drain();
  }

  /** Sends what is queued (as much as fits in one prompt) as one turn. */
  private drain(): void {
    const batch = this.waiting.take();
    if (!batch) return;
    this.send(batch.prompt).catch((error: unknown) => {
      // Not sent: the messages go back to the head of the queue, to be sent after a reconnection or
      // with the next message; nothing accepted is dropped.
      batch.putBack();
      if (!this.agentSession) return; // the connection is gone: they are sent once it is back
      this.say(queuedNotSentLine(error));
    });
  }

  /** Whether a turn is running, kept in the store so a restart can tell a turn died with it. */
  private setWorking(working: boolean): void {
    if ((this.record.working ?? false) === working) return;
    this.deps.chat.showActivity?.(this.record.thread, working ? activity.thinking : activity.idle);
    this.record = { ...this.record, working };
    this.persistQueue();
  }

  private persistQueue(): void {
    this.deps.store.putThread(this.record).catch((error: unknown) => {
      this.deps.log.warn("could not persist the queue", { error: errorText(error) });
    });
  }
}

function toolFate(event: { success: boolean; interrupted?: boolean | undefined }): ToolFate {
  if (event.interrupted) return "interrupted";
  return event.success ? "ok" : "failed";
}

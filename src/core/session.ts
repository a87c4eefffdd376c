import type { AgentEvent, AgentSession } from "./agent.js";
import type { ChatAdapter } from "./chat.js";
import { errorText } from "./errors.js";
import type { Logger } from "./log.js";
import { sessionHeader } from "./messages.js";
import { PromptDesk } from "./prompt-desk.js";
import type { Prompt } from "./prompts.js";
import { SerialQueue } from "./serial.js";
import type { BridgeStore, ThreadRecord } from "./store.js";
import { Transcript } from "./transcript.js";
import type { AgentMode, Message, UserRef } from "./types.js";

const errorIdleFallbackMs = 5000;

export interface SessionDeps {
  /** Renders a QR code PNG for a URL (the remote-session link). */
  qrCode?: (text: string) => Promise<Uint8Array>;
  chat: ChatAdapter;
  store: BridgeStore;
  log: Logger;
  streamIntervalMs: number;
  now(): number;
}

/** One chat thread bound to one Copilot session: shows its events, feeds it prompts in order. */
export class ThreadSession {
  readonly queue: SerialQueue;
  readonly desk: PromptDesk;
  private readonly transcript: Transcript;
  private agentSession: AgentSession | undefined;
  private busy = false;
  private errorFallback: NodeJS.Timeout | undefined;
  /** When the runtime last explained why remote control is off (its own words beat a generic error). */
  remoteWarnedAt = 0;
  private markReady: () => void = () => {};
  /** Settles once the session is connected to Copilot (at once for new sessions, after resume otherwise). */
  private ready: Promise<void> = this.newReady();

  constructor(
    public record: ThreadRecord,
    private readonly deps: SessionDeps,
  ) {
    this.queue = new SerialQueue((error) =>
      deps.log.warn("thread update failed", { thread: record.thread.key, error: errorText(error) }),
    );
    this.transcript = new Transcript(deps.chat, record.thread, this.queue, deps.streamIntervalMs, deps.now);
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
    this.markReady();
  }

  /** The connection to the runtime was lost: wait for the next `attach`. */
  detach(): void {
    if (!this.agentSession) return;
    this.agentSession = undefined;
    this.busy = false;
    this.ready = this.newReady();
  }

  private newReady(): Promise<void> {
    return new Promise((done) => {
      this.markReady = done;
    });
  }

  /** The connected session, waiting up to `timeoutMs` for a resume in progress. */
  async connected(timeoutMs: number): Promise<AgentSession | undefined> {
    if (this.agentSession) return this.agentSession;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.ready, new Promise((done) => (timer = setTimeout(done, timeoutMs)))]);
    clearTimeout(timer);
    return this.agentSession;
  }

  readonly onEvent = (event: AgentEvent): void => {
    switch (event.type) {
      case "message.delta":
        this.transcript.delta(event.messageId, event.delta);
        break;
      case "message":
        this.transcript.message(event.messageId, event.content);
        break;
      case "tool.start":
        this.transcript.toolStarted(event.toolCallId, event.toolName, event.summary);
        break;
      case "tool.complete":
        this.desk.toolFinished(event.toolCallId, event.success, this.record.remoteUrl !== undefined);
        this.transcript.toolCompleted(event.toolCallId, event.success, event.error);
        break;
      case "prompt.requested":
        this.desk.requested(event.requestId, event.prompt, event.toolCallId);
        if (event.prompt.kind === "form" && event.prompt.unsupported)
          this.declineForm(event.requestId, event.prompt);
        break;
      case "prompt.completed":
        this.desk.completed(event.requestId, event.outcome, event.surface);
        break;
      case "remote.message":
        this.transcript.settle();
        this.say({
          blocks: [
            { type: "line", inline: ["📱 ", { bold: "From GitHub" }, ": ", shorten(event.text, 1500)] },
          ],
          summary: `From GitHub: ${event.text.slice(0, 200)}`,
        });
        break;
      case "idle":
        clearTimeout(this.errorFallback);
        this.turnEnded();
        break;
      case "aborted":
        this.desk.cancelPending();
        break;
      case "mode":
        this.modeChanged(event.mode);
        break;
      case "remote":
        this.showRemote(event.url);
        break;
      case "error":
        this.say({
          blocks: [{ type: "line", inline: ["⚠️ ", { bold: "Copilot error: " }, event.message] }],
          summary: `Copilot error: ${event.message}`,
        });
        // The runtime ends a failed turn with session.idle; end it here only if that never comes,
        // so a queued message is never sent twice or out of order.
        clearTimeout(this.errorFallback);
        this.errorFallback = setTimeout(() => this.turnEnded(), errorIdleFallbackMs);
        break;
      case "notice":
        if (event.kind === "remote" || event.kind === "policy_blocked") this.remoteWarnedAt = this.deps.now();
        this.say({
          blocks: [
            {
              type: "context",
              inline: [
                event.level === "warning" ? "⚠️ " : "ℹ️ ",
                event.message,
                ...(event.url ? [" ", event.url] : []),
              ],
            },
          ],
          summary: event.message,
        });
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

  /** Aborts the running turn; its pending cards are closed as cancelled. */
  async stop(): Promise<void> {
    const agent = this.agentSession;
    if (!agent) throw new Error("the session is not connected to Copilot");
    await agent.abort();
    this.desk.cancelPending();
  }

  /**
   * The session is shared through Mission Control: post its link and a QR code once per URL, and keep
   * the URL (the runtime announces it only once) for `status` and restarts.
   */
  showRemote(url: string): void {
    if (this.record.remoteUrl === url) return;
    this.record = { ...this.record, remoteUrl: url };
    const record = this.record;
    this.queue.push(async () => {
      // The record as it is now, not as it was when queued: a cloud session's id is set meanwhile,
      // and writing the older copy lost it (the session was then not resumed after a restart).
      await this.deps.store.putThread(this.record);
      await this.deps.chat.post(record.thread, {
        blocks: [
          {
            type: "line",
            inline: [
              "📱 ",
              { bold: "Follow and steer this session on GitHub" },
              ": ",
              { link: url, label: url },
            ],
          },
          {
            type: "context",
            inline: ["Scan the QR code with GitHub Mobile, or open the link on github.com."],
          },
        ],
        summary: `Remote session: ${url}`,
      });
      if (this.deps.qrCode) {
        const bytes = await this.deps.qrCode(url);
        await this.deps.chat.upload(record.thread, {
          name: "session-qr.png",
          title: "Open this session on GitHub",
          comment: "QR code: scan it with GitHub Mobile to open this session.",
          bytes,
        });
      }
    });
  }

  /** Remote control was turned off. */
  forgetRemote(): void {
    if (this.record.remoteUrl === undefined) return;
    const { remoteUrl: _gone, ...rest } = this.record;
    this.record = rest;
    this.queue.push(() => this.deps.store.putThread(this.record));
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
    this.queue.push(async () => {
      await this.deps.store.putThread(this.record);
      await this.deps.chat.edit(this.record.header, header);
    });
  }

  /** Sends a prompt now, or queues it (and says so) while a turn is running. */
  async prompt(text: string, from: UserRef): Promise<"sent" | "queued"> {
    if (this.busy) {
      this.record = { ...this.record, queue: [...this.record.queue, text] };
      await this.deps.store.putThread(this.record);
      const position = this.record.queue.length;
      this.say({
        blocks: [
          {
            type: "context",
            inline: [
              "⏳ Copilot is still working; the message from ",
              { user: from },
              ` is queued (${position} waiting) and will be sent when this turn ends.`,
            ],
          },
        ],
        summary: "Message queued",
      });
      return "queued";
    }
    await this.send(text);
    return "sent";
  }

  /** Posts a bridge-authored message in the thread, in order with everything else. */
  say(message: Message): void {
    this.queue.push(() => this.deps.chat.post(this.record.thread, message));
  }

  private async send(text: string): Promise<void> {
    const agent = this.agentSession;
    if (!agent) throw new Error("the session is not connected to Copilot yet");
    this.busy = true;
    try {
      await agent.send(text);
    } catch (error) {
      this.busy = false;
      throw error;
    }
  }

  private turnEnded(): void {
    this.transcript.settle();
    this.busy = false;
    const [next, ...rest] = this.record.queue;
    if (next === undefined) return;
    this.record = { ...this.record, queue: rest };
    this.deps.store.putThread(this.record).catch((error: unknown) => {
      this.deps.log.warn("could not persist the queue", { error: errorText(error) });
    });
    this.send(next).catch((error: unknown) => {
      this.say({
        blocks: [{ type: "line", inline: ["⚠️ Could not send the queued message: ", errorText(error)] }],
        summary: "Could not send the queued message",
      });
    });
  }
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

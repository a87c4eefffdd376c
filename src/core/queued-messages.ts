import { nextBatch, type Queued, QueueNotice } from "./flood.js";
import type { LiveMessageDeps } from "./live-message.js";
import type { BridgeStore } from "./ports/store.js";
import type { ThreadRecord } from "./vocabulary/records.js";
import type { UserRef } from "./vocabulary/refs.js";

/**
 * Where the queue lives: in the thread's record (`queue`), so that a restart finds it. The session
 * owns the record and replaces it on every change: the queue reads and replaces it there too.
 */
export interface QueueHome {
  record: ThreadRecord;
}

export interface QueueDeps {
  store: BridgeStore;
  /** Stores the home's record without waiting (a failure is logged, never thrown). */
  persist(): void;
  /** Most messages waiting for a turn to end (BRIDGE_MAX_QUEUED). */
  maxQueued: number;
  /** Longest prompt: queued messages sent together stay within it. */
  maxPromptChars: number;
  /** How the thread's notice about the queue is posted and edited. */
  live: LiveMessageDeps;
}

/** What goes to Copilot next, taken off the queue. */
export interface Batch {
  prompt: string;
  /** It could not be sent: its messages go back to the head of the queue, nothing accepted is lost. */
  putBack(): void;
}

/**
 * The messages of a thread waiting for the running turn to end, who sent them, and the thread's one
 * notice saying what waits (and, in the end, what became of it).
 */
export class QueuedMessages {
  /** Who sent each message of the record's queue (empty for messages queued before a restart). */
  private from: (UserRef | undefined)[] = [];
  /** The thread's one notice about the messages queued during the running turn. */
  private notice: QueueNotice | undefined;

  constructor(
    private readonly home: QueueHome,
    private readonly deps: QueueDeps,
  ) {}

  get length(): number {
    return this.home.record.queue.length;
  }

  /** Whether `maxQueued` messages wait already: a new one is refused. */
  get full(): boolean {
    return this.length >= this.deps.maxQueued;
  }

  /** Queues `text`; the notice counts it once it is stored. */
  async add(text: string, from: UserRef): Promise<void> {
    this.from = [...this.all().map((q) => q.from), from];
    const record = this.home.record;
    this.home.record = { ...record, queue: [...record.queue, text] };
    // Stored before the thread says it is queued: a crash in between must not lose a message shown as queued.
    await this.deps.store.putThread(this.home.record);
    this.notice ??= new QueueNotice(this.deps.live);
    this.notice.added(from, this.length);
  }

  /** The turn was stopped: everything queued is dropped and the notice says so. Returns how many were. */
  drop(): number {
    const dropped = this.length;
    if (dropped > 0) {
      this.home.record = { ...this.home.record, queue: [] };
      this.from = [];
      this.deps.persist();
    }
    this.notice?.dropped(dropped);
    this.notice = undefined;
    return dropped;
  }

  /**
   * Takes the next prompt off the queue: as many messages as fit in one, as one. The notice says they
   * were sent; a new one lists those still waiting. Undefined when nothing waits.
   */
  take(): Batch | undefined {
    const queued = this.all();
    if (queued.length === 0) return undefined;
    const record = this.home.record;
    const { prompt, taken } = nextBatch(queued, record.owner, this.deps.maxPromptChars);
    const rest = queued.slice(taken);
    this.home.record = { ...record, queue: rest.map((q) => q.text) };
    this.from = rest.map((q) => q.from);
    this.deps.persist();
    this.notice?.sent(taken);
    this.notice = undefined;
    if (rest.length > 0) {
      this.notice = new QueueNotice(this.deps.live);
      for (const [i, q] of rest.entries()) this.notice.added(q.from, i + 1);
    }
    const back = queued.slice(0, taken);
    return {
      prompt,
      putBack: () => {
        this.from = [...back.map((q) => q.from), ...this.from];
        const now = this.home.record;
        this.home.record = { ...now, queue: [...back.map((q) => q.text), ...now.queue] };
        this.deps.persist();
      },
    };
  }

  /** The queued messages with their senders, where known. */
  private all(): Queued[] {
    return this.home.record.queue.map((text, i) => ({ text, from: this.from[i] }));
  }
}

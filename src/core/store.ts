import type { Outcome, Prompt, PromptAnswer } from "./prompts.js";
import type { AgentMode, ChannelRef, MessageRef, ThreadRef, UserRef } from "./types.js";

/** A chat thread bound to a Copilot session. */
export interface ThreadRecord {
  thread: ThreadRef;
  /** The channel the session was started from (for `/copilot sessions`). */
  origin: ChannelRef;
  /** The first prompt, shown on the header. */
  title: string;
  sessionId: string;
  owner: UserRef;
  header: MessageRef;
  workingDirectory: string;
  mode: AgentMode;
  state: "active" | "ended";
  createdAt: number;
  /** Messages received while the agent was busy, sent in order when the turn ends. */
  queue: string[];
  /** A turn is running (kept so that a restart can tell the thread a turn died with it). */
  working?: boolean;
  /** Why the session could not be resumed (the thread was told); the next message starts a new one. */
  lost?: string;
  /** The Mission Control URL, once the session is shared (the runtime announces it only once). */
  remoteUrl?: string;
  /** `owner/repo[@branch]` of a session that runs on GitHub's compute. */
  cloud?: string;
}

export type CardState =
  | { status: "pending" }
  | {
      status: "decided";
      outcome: Outcome;
      by?: UserRef;
      /**
       * Where the answer came from: this thread, GitHub (Mission Control), or somewhere else
       * (a terminal or another client on the same session).
       */
      surface: "thread" | "github" | "elsewhere";
      at: number;
    };

/** A card in a thread for something the agent waits on, keyed by the runtime's request id. */
export interface CardRecord {
  requestId: string;
  threadKey: string;
  message: MessageRef;
  toolCallId?: string;
  prompt: Prompt;
  state: CardState;
  createdAt: number;
}

export interface AuditEntry {
  at: number;
  threadKey: string;
  requestId: string;
  user: UserRef;
  answer: PromptAnswer;
  won: boolean;
}

export interface BridgeStore {
  getThread(key: string): Promise<ThreadRecord | undefined>;
  putThread(record: ThreadRecord): Promise<void>;
  /** Every thread whose session is still active. */
  activeThreads(): Promise<ThreadRecord[]>;
  getCard(requestId: string): Promise<CardRecord | undefined>;
  putCard(record: CardRecord): Promise<void>;
  /** Every card still waiting for a decision (read once at start-up). */
  pendingCards(): Promise<CardRecord[]>;
  /** Records an inbound event id; `true` the first time it is seen within `ttlMs`. */
  firstSeen(eventId: string, ttlMs: number): Promise<boolean>;
  audit(entry: AuditEntry): Promise<void>;
  /**
   * `handler` runs when the store lost what it held and starts afresh (its file was deleted while
   * the bridge ran): whoever knows records writes them back. Stores that cannot lose data omit it.
   */
  onReset?(handler: () => Promise<void>): void;
  close(): Promise<void>;
}

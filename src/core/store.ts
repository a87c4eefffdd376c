import type { Outcome, Prompt, PromptAnswer } from "./prompts.js";
import type { AgentMode, ChannelRef, MessageRef, Platform, ThreadRef, UserRef } from "./types.js";

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
  /**
   * When a prompt was last sent to the session (or it started); older records have none and count
   * from `createdAt`. A session idle for BRIDGE_SESSION_IDLE_DAYS ends by itself.
   */
  lastActivityAt?: number;
  /** How the session ended (with `state: "ended"`): by whom, or after how long without activity. */
  ended?: SessionEnding;
}

export type SessionEnding =
  | { reason: "user"; by: UserRef; at: number }
  | { reason: "idle"; days: number; at: number };

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

/** Where a command was run: a channel of a platform. */
export interface AuditChannel {
  platform: Platform;
  channel: string;
  workspace: string;
}

/**
 * One line of the audit log: who did what, where (a session's thread, or the channel of a command)
 * and when. Rows written before `kind` existed are answers given in the thread.
 */
export type AuditEntry =
  /** A card answered in its thread; `won`: this answer was the first. */
  | {
      kind: "answer";
      at: number;
      threadKey: string;
      requestId: string;
      user: UserRef;
      answer: PromptAnswer;
      won: boolean;
    }
  /** A card answered elsewhere: in a terminal or another client on the same session, or on GitHub. */
  | {
      kind: "answer-elsewhere";
      at: number;
      threadKey: string;
      requestId: string;
      surface: "github" | "elsewhere";
      outcome: Outcome;
    }
  | { kind: "stop"; at: number; threadKey: string; user: UserRef; dropped: number }
  | { kind: "mode"; at: number; threadKey: string; user: UserRef; mode: AgentMode }
  | { kind: "remote"; at: number; threadKey: string; user: UserRef; on: boolean }
  /** The session ended: by a person (`user`), or by itself after `idleDays` without activity. */
  | { kind: "end"; at: number; threadKey: string; user?: UserRef; idleDays?: number }
  | {
      kind: "attach";
      at: number;
      threadKey: string;
      user: UserRef;
      channel: AuditChannel;
      sessionId: string;
    }
  | {
      kind: "cloud";
      at: number;
      threadKey: string;
      user: UserRef;
      channel: AuditChannel;
      repository: string;
    };

/** What `sweep` removed. */
export interface SweepCounts {
  dedup: number;
  cards: number;
  audit: number;
}

export interface BridgeStore {
  getThread(key: string): Promise<ThreadRecord | undefined>;
  putThread(record: ThreadRecord): Promise<void>;
  /** Every thread whose session is still active (read from an index: ended ones cost nothing). */
  activeThreads(): Promise<ThreadRecord[]>;
  getCard(requestId: string): Promise<CardRecord | undefined>;
  putCard(record: CardRecord): Promise<void>;
  /** Every card still waiting for a decision (read once at start-up). */
  pendingCards(): Promise<CardRecord[]>;
  /**
   * Records an inbound event id; `true` the first time it is seen within `ttlMs` (a record past
   * its time counts as never seen).
   */
  firstSeen(eventId: string, ttlMs: number): Promise<boolean>;
  audit(entry: AuditEntry): Promise<void>;
  /**
   * Audit entries, newest first (`oldestFirst` for an export): at most `limit` (default all), only
   * those at or after `since` (epoch ms) when given.
   */
  auditLog(query: { limit?: number; since?: number; oldestFirst?: boolean }): Promise<AuditEntry[]>;
  /**
   * Removes what is past its time: de-duplication records and cards past their TTL, audit entries
   * older than `auditBefore` (epoch ms).
   */
  sweep(options: { auditBefore: number }): Promise<SweepCounts>;
  /**
   * `handler` runs when the store lost what it held and starts afresh (its file was deleted while
   * the bridge ran): whoever knows records writes them back. Stores that cannot lose data omit it.
   */
  onReset?(handler: () => Promise<void>): void;
  close(): Promise<void>;
}

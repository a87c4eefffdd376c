import type { LinkedIdentity } from "../vocabulary/identity.js";
import type { AuditEntry, CardRecord, ThreadRecord } from "../vocabulary/records.js";
import type { UserRef } from "../vocabulary/refs.js";
import type { ChannelSettings } from "../vocabulary/workspace.js";

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
  /** What an admin set for a channel, if anything. */
  getChannel(platform: string, channel: string): Promise<ChannelSettings | undefined>;
  putChannel(settings: ChannelSettings): Promise<void>;
  /**
   * The GitHub account a person linked, if any. Its tokens are encrypted at rest (BRIDGE_SECRET_KEY):
   * without the key, or when the record was sealed with another key or altered, this gives
   * `undefined` (and logs why) and the person links again; it never throws for that.
   */
  getIdentity(user: UserRef): Promise<LinkedIdentity | undefined>;
  /** Links (or re-links) a person's GitHub account, its tokens encrypted; throws without BRIDGE_SECRET_KEY. */
  putIdentity(identity: LinkedIdentity): Promise<void>;
  /** Unlinks a person's GitHub account (no key needed); `true` when there was one. */
  deleteIdentity(user: UserRef): Promise<boolean>;
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

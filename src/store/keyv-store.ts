import { randomUUID } from "node:crypto";
import type Keyv from "keyv";
import type { z } from "zod";
import { BridgeError, errorText } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import type { BridgeStore, SweepCounts } from "../core/ports/store.js";
import { type LinkedIdentity, sealedIdentity } from "../core/vocabulary/identity.js";
import type { AuditEntry, CardRecord, ThreadRecord } from "../core/vocabulary/records.js";
import { auditEntry, cardRecord, threadRecord } from "../core/vocabulary/records.js";
import type { UserRef } from "../core/vocabulary/refs.js";
import { type ChannelSettings, channelSettings } from "../core/vocabulary/workspace.js";
import {
  type Connection,
  disconnect,
  memoryConnection,
  type Namespace,
  namespaces,
  sqliteConnection,
  sqliteConnectionNow,
} from "./connection.js";
import type { KeyRange } from "./rows.js";
import { identityKey, seal, unseal } from "./sealed-identity.js";
import { SecretBox } from "./secret-box.js";
import { SqliteFile } from "./sqlite-file.js";

const cardTtlMs = 30 * 24 * 3600 * 1000;
/** How often the SQLite file is checked for having been deleted (or replaced). */
const defaultCheckEveryMs = 2000;
/**
 * In `active`, marks the index as built. Stores written before it existed have none: their
 * threads are read once to build it. (`~` sorts after every thread key: `slack:…`, `discord:…`.)
 */
const indexBuilt = "~built";
/** Keys read from the file in one query. */
const readBatch = 500;

export interface StoreOptions {
  /** How often a SQLite file is checked for having been deleted (default 2000 ms). */
  checkEveryMs?: number;
  /**
   * BRIDGE_SECRET_KEY (32 bytes, see `parseSecretKey`): seals the tokens of linked GitHub accounts.
   * Without it, accounts cannot be linked, and those linked before cannot be read.
   */
  secretKey?: Uint8Array;
}

/** The bridge's state in keyv namespaces, every record validated with zod on the way in and out. */
export class KeyvBridgeStore implements BridgeStore {
  private connection: Connection;
  /** Pending while the store's file is being recreated: reads and writes wait for the new one. */
  private usable: Promise<void> = Promise.resolve();
  private readonly checking = new Set<string>();
  private readonly resetHandlers: (() => Promise<void>)[] = [];
  private watcher: NodeJS.Timeout | undefined;
  private fileIdentity: string | undefined;
  private resetting = false;
  /** Seals and opens linked identities' tokens; none without BRIDGE_SECRET_KEY. */
  private readonly box: SecretBox | undefined;
  /** Reading identities without a key was logged (once per store). */
  private toldNoKey = false;

  private constructor(
    private readonly log: Logger,
    private readonly file: SqliteFile | undefined,
    connection: Connection,
    secretKey: Uint8Array | undefined,
  ) {
    this.connection = this.attach(connection);
    this.box = secretKey ? new SecretBox(secretKey) : undefined;
  }

  /**
   * `sqlite://path` (the default, a file under ./data) or `memory://`, opened in the background:
   * a file that cannot be opened shows in the log and fails the first read or write.
   */
  static open(url: string, log: Logger, options: Pick<StoreOptions, "secretKey"> = {}): KeyvBridgeStore {
    const file = KeyvBridgeStore.fileOf(url);
    file?.makeDirectory();
    const store = new KeyvBridgeStore(
      log,
      file,
      file ? sqliteConnectionNow(file) : memoryConnection(),
      options.secretKey,
    );
    store.connection.ready.catch((error: unknown) =>
      log.warn("store: could not enable WAL", { error: errorText(error) }),
    );
    return store;
  }

  /**
   * Opens the store and proves it usable before anything else starts; otherwise throws one line
   * naming BRIDGE_STORE_URL, the path and why. A SQLite file deleted while the bridge runs is then
   * noticed, recreated, and the `onReset` handlers asked to write back what they know.
   */
  static async connect(url: string, log: Logger, options: StoreOptions = {}): Promise<KeyvBridgeStore> {
    const file = KeyvBridgeStore.fileOf(url);
    if (!file) return new KeyvBridgeStore(log, undefined, memoryConnection(), options.secretKey);
    let connection: Connection | undefined;
    try {
      file.makeDirectory();
      connection = await sqliteConnection(file);
      await connection.writable();
    } catch (error) {
      if (connection) await disconnect(connection);
      throw new BridgeError("STORE", `BRIDGE_STORE_URL: cannot open ${file.shown}: ${file.reason(error)}`, {
        cause: error,
      });
    }
    const store = new KeyvBridgeStore(log, file, connection, options.secretKey);
    store.watch(options.checkEveryMs ?? defaultCheckEveryMs);
    return store;
  }

  private static fileOf(url: string): SqliteFile | undefined {
    if (url === "memory://") return undefined;
    if (url.startsWith("sqlite://")) return new SqliteFile(url);
    throw new BridgeError(
      "CONFIG",
      `BRIDGE_STORE_URL: unsupported store "${url.split(":")[0]}" (use sqlite://path)`,
    );
  }

  onReset(handler: () => Promise<void>): void {
    this.resetHandlers.push(handler);
  }

  async getThread(key: string): Promise<ThreadRecord | undefined> {
    return this.read("threads", key, threadRecord);
  }

  async putThread(record: ThreadRecord): Promise<void> {
    const key = record.thread.key;
    await (await this.space("threads")).set(key, threadRecord.parse(record));
    const active = await this.space("active");
    if (record.state === "active") await active.set(key, 1);
    else await active.delete(key);
  }

  async activeThreads(): Promise<ThreadRecord[]> {
    await this.indexActive();
    const keys = await (await this.rows("active")).keys({ to: indexBuilt });
    const all = await this.readMany("threads", keys, threadRecord);
    return all.filter((t) => t.state === "active" && t.sessionId !== "");
  }

  async pendingCards(): Promise<CardRecord[]> {
    const all = await this.readRange(
      "cards",
      { where: { path: ["state", "status"], equals: "pending" } },
      cardRecord,
    );
    return all.filter((c) => c.state.status === "pending");
  }

  async getChannel(platform: string, channel: string): Promise<ChannelSettings | undefined> {
    return this.read("channels", `${platform}:${channel}`, channelSettings);
  }

  async putChannel(settings: ChannelSettings): Promise<void> {
    const key = `${settings.platform}:${settings.channel}`;
    await (await this.space("channels")).set(key, channelSettings.parse(settings));
  }

  async getIdentity(user: UserRef): Promise<LinkedIdentity | undefined> {
    const box = this.box;
    if (!box) {
      if (!this.toldNoKey) {
        this.toldNoKey = true;
        this.log.warn("store: linked GitHub accounts cannot be read: BRIDGE_SECRET_KEY is not set");
      }
      return undefined;
    }
    const key = identityKey(user);
    const record = await this.read("identities", key, sealedIdentity);
    if (!record) return undefined;
    const opened = unseal(box, key, record);
    if (typeof opened !== "string") return opened;
    // Another key, an altered record, or one moved from another person: they link again.
    this.log.warn(
      "store: ignoring a linked GitHub account that cannot be opened; its owner must link again",
      {
        namespace: "identities",
        key,
        error: opened,
      },
    );
    return undefined;
  }

  async putIdentity(identity: LinkedIdentity): Promise<void> {
    const box = this.box;
    if (!box) {
      throw new BridgeError(
        "CONFIG",
        "linking needs BRIDGE_SECRET_KEY: set it to 32 random bytes (`openssl rand -base64 32`) so GitHub tokens are encrypted at rest",
        {
          userMessage:
            "Linking a GitHub account is not enabled on this bridge (an admin must set BRIDGE_SECRET_KEY).",
        },
      );
    }
    const record = seal(box, identity);
    await (await this.space("identities")).set(identityKey(record.user), record);
  }

  async deleteIdentity(user: UserRef): Promise<boolean> {
    return (await this.space("identities")).delete(identityKey(user));
  }

  async getCard(requestId: string): Promise<CardRecord | undefined> {
    return this.read("cards", requestId, cardRecord);
  }

  async putCard(record: CardRecord): Promise<void> {
    await (await this.space("cards")).set(record.requestId, cardRecord.parse(record), cardTtlMs);
  }

  async firstSeen(eventId: string, ttlMs: number): Promise<boolean> {
    // Deliveries of one event can arrive together: the check-and-set must not interleave in this process.
    if (this.checking.has(eventId)) return false;
    this.checking.add(eventId);
    try {
      const dedup = await this.space("dedup");
      // Not `has()`: keyv's SQLite store answers it from the row alone, expired or not.
      if ((await dedup.get(eventId)) !== undefined) return false;
      await dedup.set(eventId, 1, ttlMs);
      return true;
    } finally {
      this.checking.delete(eventId);
    }
  }

  /** Kept until `sweep` removes it (BRIDGE_AUDIT_DAYS); keys sort by time (13-digit epoch ms). */
  async audit(entry: AuditEntry): Promise<void> {
    const key = `${entry.at}:${randomUUID()}`;
    await (await this.space("audit")).set(key, auditEntry.parse(entry));
  }

  async auditLog(query: { limit?: number; since?: number; oldestFirst?: boolean }): Promise<AuditEntry[]> {
    return this.readRange(
      "audit",
      {
        ...(query.since !== undefined ? { from: String(query.since) } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        descending: query.oldestFirst !== true,
      },
      auditEntry,
    );
  }

  async sweep(options: { auditBefore: number }): Promise<SweepCounts> {
    const now = Date.now();
    return {
      dedup: await (await this.rows("dedup")).deleteExpired(now),
      cards: await (await this.rows("cards")).deleteExpired(now),
      audit: await (await this.rows("audit")).deleteBefore(String(options.auditBefore)),
    };
  }

  /** Rows per namespace (for tests and benchmarks). */
  async counts(): Promise<Record<Namespace, number>> {
    const out = {} as Record<Namespace, number>;
    for (const namespace of namespaces) out[namespace] = await (await this.rows(namespace)).count();
    return out;
  }

  async close(): Promise<void> {
    clearInterval(this.watcher);
    await this.usable;
    await disconnect(this.connection);
  }

  /** Logs a namespace's errors (those of opening a connection: `connect` reports them itself). */
  private attach(connection: Connection): Connection {
    for (const [name, keyv] of Object.entries(connection.spaces)) {
      keyv.on("error", (error: unknown) =>
        this.log.error("store error", { namespace: name, error: errorText(error) }),
      );
    }
    return connection;
  }

  private async space(name: Namespace): Promise<Keyv> {
    await this.usable;
    return this.connection.spaces[name];
  }

  private async rows(name: Namespace) {
    await this.usable;
    return this.connection.rows[name];
  }

  /** Builds the index of active threads, once, for a store written before it existed. */
  private async indexActive(): Promise<void> {
    const active = await this.space("active");
    if ((await active.get(indexBuilt)) !== undefined) return;
    const all = await this.readRange("threads", {}, threadRecord);
    for (const record of all) if (record.state === "active") await active.set(record.thread.key, 1);
    await active.set(indexBuilt, 1);
    this.log.info("store: indexed the active threads", { threads: all.length });
  }

  /** Checks now and then that the file at the path is still the one open (unref'd: never keeps the process up). */
  private watch(everyMs: number): void {
    this.fileIdentity = this.file?.identity();
    this.watcher = setInterval(() => void this.checkFile(), everyMs);
    this.watcher.unref();
  }

  private async checkFile(): Promise<void> {
    const file = this.file;
    if (!file || this.resetting) return;
    const now = file.identity();
    if (now === this.fileIdentity) return;
    this.resetting = true;
    try {
      this.log.warn(
        now === undefined
          ? `the store file ${file.path} was deleted; recreating it`
          : `the store file ${file.path} was replaced; reopening it`,
      );
      await this.reopen(file);
      this.log.info("the store file is open again", { path: file.path });
      for (const handler of this.resetHandlers) {
        await handler().catch((error: unknown) =>
          this.log.error("could not write back the store's records", { error: errorText(error) }),
        );
      }
    } catch (error) {
      // Tried again at the next check: the file is still not the one open.
      this.log.error("could not recreate the store file", { path: file.path, error: errorText(error) });
    } finally {
      this.resetting = false;
    }
  }

  /**
   * Closes the connections to the old file (they finish what they were doing first), removes what
   * SQLite left of it, and opens the file again; reads and writes meanwhile wait.
   */
  private async reopen(file: SqliteFile): Promise<void> {
    let release: () => void = () => undefined;
    this.usable = new Promise<void>((done) => {
      release = done;
    });
    try {
      await disconnect(this.connection);
      file.removeLeftovers();
      this.connection = this.attach(await sqliteConnection(file));
      this.fileIdentity = file.identity();
    } finally {
      release();
    }
  }

  /** The records whose keys are in `range`, in key order (unreadable ones logged and skipped). */
  private async readRange<T>(space: Namespace, range: KeyRange, schema: z.ZodType<T>): Promise<T[]> {
    return this.readMany(space, await (await this.rows(space)).keys(range), schema);
  }

  private async readMany<T>(space: Namespace, keys: string[], schema: z.ZodType<T>): Promise<T[]> {
    const keyv = await this.space(space);
    const out: T[] = [];
    for (let i = 0; i < keys.length; i += readBatch) {
      const batch = keys.slice(i, i + readBatch);
      const values: unknown[] = await keyv.getMany(batch);
      values.forEach((value, j) => {
        if (value === undefined) return; // expired, or removed meanwhile
        const parsed = schema.safeParse(value);
        if (parsed.success) out.push(parsed.data);
        else this.log.warn("ignoring an unreadable record", { namespace: space, key: batch[j] });
      });
    }
    return out;
  }

  private async read<T>(space: Namespace, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const value: unknown = await (await this.space(space)).get(key);
    if (value === undefined) return undefined;
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      this.log.warn("ignoring an unreadable record", { namespace: space, key });
      return undefined;
    }
    return parsed.data;
  }
}

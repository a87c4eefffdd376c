import Keyv from "keyv";
import type { z } from "zod";
import { BridgeError, errorText } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import type { AuditEntry, BridgeStore, CardRecord, ThreadRecord } from "../core/store.js";
import { auditEntry, cardRecord, threadRecord } from "./records.js";
import { SqliteFile, type SqliteSpace } from "./sqlite-file.js";

const auditTtlMs = 90 * 24 * 3600 * 1000;
const cardTtlMs = 30 * 24 * 3600 * 1000;
/** How often the SQLite file is checked for having been deleted (or replaced). */
const defaultCheckEveryMs = 2000;

type Namespace = "threads" | "cards" | "dedup" | "audit";
const namespaces: readonly Namespace[] = ["threads", "cards", "dedup", "audit"];

/** The keyv namespaces on one backend, and when they are ready to use. */
interface Connection {
  spaces: Record<Namespace, Keyv>;
  /** Resolves once every namespace is open and set up; rejects with why not. */
  ready: Promise<void>;
  /** Resolves once the backend has shown it can be written. */
  writable(): Promise<void>;
}

function memoryConnection(): Connection {
  const spaces = {} as Record<Namespace, Keyv>;
  for (const namespace of namespaces) spaces[namespace] = new Keyv({ namespace });
  return { spaces, ready: Promise.resolve(), writable: async () => {} };
}

/**
 * One connection per namespace to the same file (keyv's SQLite store serves one namespace each),
 * all opened at once: usable at once, a failure shows on first use. (For `open`.)
 */
function sqliteConnectionNow(file: SqliteFile): Connection {
  const opened = {} as Record<Namespace, SqliteSpace>;
  for (const namespace of namespaces) opened[namespace] = file.open(namespace);
  return sqliteConnectionOf(file, opened, Promise.all(namespaces.map((n) => opened[n].ready)));
}

/** The same, the first connection set up before the others open: one that fails tells why. */
async function sqliteConnection(file: SqliteFile): Promise<Connection> {
  const rest = namespaces.filter((n) => n !== "threads");
  const opened = {} as Record<Namespace, SqliteSpace>;
  opened.threads = file.open("threads");
  try {
    await opened.threads.ready;
    for (const namespace of rest) opened[namespace] = file.open(namespace, false);
    const connection = sqliteConnectionOf(file, opened, Promise.all(rest.map((n) => opened[n].ready)));
    await connection.ready;
    return connection;
  } catch (error) {
    await Promise.all(Object.values(opened).map((o) => o.keyv.disconnect().catch(() => {})));
    throw error;
  }
}

function sqliteConnectionOf(
  file: SqliteFile,
  opened: Record<Namespace, SqliteSpace>,
  setUp: Promise<unknown>,
): Connection {
  const spaces = {} as Record<Namespace, Keyv>;
  for (const namespace of namespaces) spaces[namespace] = opened[namespace].keyv;
  const ready = setUp.then(() => undefined);
  // Nobody may be waiting yet: a failure is reported by whoever awaits `ready`.
  ready.catch(() => {});
  return { spaces, ready, writable: () => file.checkWritable(opened.threads) };
}

export interface StoreOptions {
  /** How often a SQLite file is checked for having been deleted (default 2000 ms). */
  checkEveryMs?: number;
}

/** The bridge's state in keyv namespaces, every record validated with zod on the way in and out. */
export class KeyvBridgeStore implements BridgeStore {
  private connection: Connection;
  /** Pending while the store's file is being recreated: reads and writes wait for the new one. */
  private usable: Promise<void> = Promise.resolve();
  private auditSeq = 0;
  private readonly checking = new Set<string>();
  private readonly resetHandlers: (() => Promise<void>)[] = [];
  private watcher: NodeJS.Timeout | undefined;
  private fileIdentity: string | undefined;
  private resetting = false;

  private constructor(
    private readonly log: Logger,
    private readonly file: SqliteFile | undefined,
    connection: Connection,
  ) {
    this.connection = this.attach(connection);
  }

  /**
   * `sqlite://path` (the default, a file under ./data) or `memory://`, opened in the background:
   * a file that cannot be opened shows in the log and fails the first read or write.
   */
  static open(url: string, log: Logger): KeyvBridgeStore {
    const file = KeyvBridgeStore.fileOf(url);
    file?.makeDirectory();
    const store = new KeyvBridgeStore(log, file, file ? sqliteConnectionNow(file) : memoryConnection());
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
    if (!file) return new KeyvBridgeStore(log, undefined, memoryConnection());
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
    const store = new KeyvBridgeStore(log, file, connection);
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
    await (await this.space("threads")).set(record.thread.key, threadRecord.parse(record));
  }

  async activeThreads(): Promise<ThreadRecord[]> {
    const all = await this.scan("threads", threadRecord);
    return all.filter((t) => t.state === "active" && t.sessionId !== "");
  }

  async pendingCards(): Promise<CardRecord[]> {
    const all = await this.scan("cards", cardRecord);
    return all.filter((c) => c.state.status === "pending");
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
      if (await (await this.space("dedup")).has(eventId)) return false;
      await (await this.space("dedup")).set(eventId, 1, ttlMs);
      return true;
    } finally {
      this.checking.delete(eventId);
    }
  }

  async audit(entry: AuditEntry): Promise<void> {
    const key = `${entry.at}:${entry.requestId}:${this.auditSeq++}`;
    await (await this.space("audit")).set(key, auditEntry.parse(entry), auditTtlMs);
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
    let release = () => {};
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

  private async scan<T>(space: Namespace, schema: z.ZodType<T>): Promise<T[]> {
    const keyv = await this.space(space);
    if (!keyv.iterator) throw new BridgeError("STORE", `the store cannot list ${space}`);
    const out: T[] = [];
    for await (const [key, value] of keyv.iterator.call(keyv, undefined)) {
      const parsed = schema.safeParse(value);
      if (parsed.success) out.push(parsed.data);
      else this.log.warn("ignoring an unreadable record", { namespace: space, key: String(key) });
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

async function disconnect(connection: Connection): Promise<void> {
  await Promise.all(Object.values(connection.spaces).map((k) => k.disconnect().catch(() => {})));
}

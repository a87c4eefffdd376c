import Keyv from "keyv";
import { memoryRows, type NamespaceRows, sqliteRows } from "./rows.js";
import type { SqliteFile, SqliteSpace } from "./sqlite-file.js";

/**
 * The store's keyv namespaces. `active` indexes the threads whose session is live (start-up reads
 * it instead of every thread ever created); `identities` holds linked GitHub accounts, their tokens
 * sealed (see `SecretBox`).
 */
export type Namespace = "threads" | "active" | "cards" | "dedup" | "audit" | "channels" | "identities";
export const namespaces: readonly Namespace[] = [
  "threads",
  "active",
  "cards",
  "dedup",
  "audit",
  "channels",
  "identities",
];

/** The keyv namespaces on one backend, and when they are ready to use. */
export interface Connection {
  spaces: Record<Namespace, Keyv>;
  /** The same namespaces' rows, for ranges, counts and expiry. */
  rows: Record<Namespace, NamespaceRows>;
  /** Resolves once every namespace is open and set up; rejects with why not. */
  ready: Promise<void>;
  /** Resolves once the backend has shown it can be written. */
  writable(): Promise<void>;
}

export function memoryConnection(): Connection {
  const spaces = {} as Record<Namespace, Keyv>;
  const rows = {} as Record<Namespace, NamespaceRows>;
  for (const namespace of namespaces) {
    const map = new Map<string, unknown>();
    spaces[namespace] = new Keyv({ store: map, namespace });
    rows[namespace] = memoryRows(spaces[namespace], map, namespace);
  }
  return { spaces, rows, ready: Promise.resolve(), writable: async () => undefined };
}

/**
 * One connection per namespace to the same file (keyv's SQLite store serves one namespace each),
 * all opened at once: usable at once, a failure shows on first use. (For `open`.)
 */
export function sqliteConnectionNow(file: SqliteFile): Connection {
  const opened = {} as Record<Namespace, SqliteSpace>;
  for (const namespace of namespaces) opened[namespace] = file.open(namespace);
  return sqliteConnectionOf(file, opened, Promise.all(namespaces.map((n) => opened[n].ready)));
}

/** The same, the first connection set up before the others open: one that fails tells why. */
export async function sqliteConnection(file: SqliteFile): Promise<Connection> {
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
    await Promise.all(
      Object.values(opened).map((o) =>
        o.keyv.disconnect().catch(() => {
          // Giving up on a store that failed to open: closing what did open is best effort.
        }),
      ),
    );
    throw error;
  }
}

function sqliteConnectionOf(
  file: SqliteFile,
  opened: Record<Namespace, SqliteSpace>,
  setUp: Promise<unknown>,
): Connection {
  const spaces = {} as Record<Namespace, Keyv>;
  const rows = {} as Record<Namespace, NamespaceRows>;
  for (const namespace of namespaces) {
    spaces[namespace] = opened[namespace].keyv;
    // Each namespace's own connection: its deletes queue behind its keyv writes, in order.
    rows[namespace] = sqliteRows(opened[namespace].sqlite, namespace);
  }
  const ready = setUp.then(() => undefined);
  // Nobody may be waiting yet: a failure is reported by whoever awaits `ready`.
  ready.catch(() => {
    // Awaited by every operation, which reports the failure; this only keeps it from being unhandled.
  });
  return { spaces, rows, ready, writable: () => file.checkWritable(opened.threads) };
}

export async function disconnect(connection: Connection): Promise<void> {
  await Promise.all(
    Object.values(connection.spaces).map((k) =>
      k.disconnect().catch(() => {
        // Closing: every write was awaited before, so a failing close loses nothing.
      }),
    ),
  );
}

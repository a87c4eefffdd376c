import { accessSync, constants, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import { errorText } from "../core/errors.js";

/** One keyv namespace on the file, and when it is ready (open, table made, write-ahead logging on). */
export interface SqliteSpace {
  keyv: Keyv;
  sqlite: KeyvSqlite;
  ready: Promise<void>;
}

/** The SQLite file behind `sqlite://path`: opening it, telling why it cannot be, and noticing it gone. */
export class SqliteFile {
  readonly path: string;

  constructor(readonly url: string) {
    this.path = resolve(url.slice("sqlite://".length));
  }

  /** `sqlite://path`, with the absolute path when the URL's was relative. */
  get shown(): string {
    return this.url === `sqlite://${this.path}` ? this.url : `${this.url} (${this.path})`;
  }

  /** Creates the file's directory; a failure is explained (see `reason`). */
  makeDirectory(): void {
    mkdirSync(dirname(this.path), { recursive: true });
  }

  /**
   * A keyv namespace on its own connection to the file. Write-ahead logging: a write no longer
   * waits for a journal fsync (a click's de-duplication record went from 0.8 to 0.1 ms); committed
   * writes still survive the process being killed. It is a property of the file, set by the
   * connection that opens it `first` (connections opening a new file together can deadlock on
   * creating its table or on switching its journal: SQLite then answers SQLITE_BUSY at once).
   */
  open(namespace: string, first = true): SqliteSpace {
    const sqlite = new KeyvSqlite({ uri: `sqlite://${this.path}`, busyTimeout: 5000, iterationLimit: 200 });
    const ready = (first ? sqlite.query("PRAGMA journal_mode=WAL") : Promise.resolve())
      .then(() => sqlite.query("PRAGMA synchronous=NORMAL"))
      .then(() => undefined);
    return { keyv: new Keyv({ store: sqlite, namespace }), sqlite, ready };
  }

  /** Proves the file can be written: writes a row in a transaction, and rolls it back. */
  async checkWritable(space: SqliteSpace): Promise<void> {
    await space.sqlite.query("BEGIN IMMEDIATE");
    try {
      await space.sqlite.query(
        `INSERT OR REPLACE INTO ${space.sqlite.opts.table} (key, value) VALUES (?, ?)`,
        ["copilot-chat-bridge:write-check", ""],
      );
    } finally {
      await space.sqlite.query("ROLLBACK");
    }
  }

  /** Which file is at the path now (device and inode), or undefined when there is none. */
  identity(): string | undefined {
    try {
      const s = statSync(this.path);
      return `${s.dev}:${s.ino}`;
    } catch {
      return undefined;
    }
  }

  /**
   * The write-ahead log and shared-memory index of a file that was deleted: opened next to a new
   * file, SQLite would replay the old log into it.
   */
  removeLeftovers(): void {
    if (existsSync(this.path)) return;
    for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(`${this.path}${suffix}`, { force: true });
  }

  /** Why the file could not be opened, in words (with the error's code). */
  reason(error: unknown): string {
    const code = (error as { code?: unknown }).code;
    const tag = typeof code === "string" ? ` (${code})` : "";
    return `${this.describe(code, error)}${tag}`;
  }

  private describe(code: unknown, error: unknown): string {
    if (isDirectory(this.path)) return "the path is a directory, not a file";
    const blocker = fileInPath(dirname(this.path));
    if (blocker) return `${blocker} is a file, not a directory`;
    switch (code) {
      case "SQLITE_NOTADB":
        return "the file is not a SQLite database";
      case "SQLITE_CORRUPT":
        return "the database file is corrupt";
      case "SQLITE_BUSY":
      case "SQLITE_LOCKED":
        return "the database is locked by another process";
      case "SQLITE_READONLY":
        return "the file is read-only";
      case "EROFS":
        return "the file system is read-only";
      case "EACCES":
      case "EPERM":
      case "SQLITE_PERM":
      case "SQLITE_CANTOPEN": {
        const dir = existingAncestor(dirname(this.path));
        if (!writable(dir)) return `the directory ${dir} is not writable`;
        if (existsSync(this.path) && !writable(this.path)) return "the file is not writable";
        return code === "SQLITE_CANTOPEN" ? "SQLite cannot open the file" : "permission denied";
      }
      default:
        return errorText(error);
    }
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The first existing ancestor of `dir` (itself included) when it is not a directory. */
function fileInPath(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(at)) return isDirectory(at) ? undefined : at;
    if (dirname(at) === at) return undefined;
  }
}

/** `dir`, or its closest ancestor that exists. */
function existingAncestor(dir: string): string {
  let at = dir;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

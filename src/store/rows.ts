import type KeyvSqlite from "@keyv/sqlite";
import type Keyv from "keyv";

/** Which keys of a namespace to list (keys without the namespace's prefix). */
export interface KeyRange {
  /** Keys at or after this one. */
  from?: string;
  /** Keys before this one. */
  to?: string;
  descending?: boolean;
  limit?: number;
  /** Only rows whose stored value has `equals` at `path` (e.g. `["state", "status"]`). */
  where?: { path: readonly string[]; equals: string };
}

/**
 * A keyv namespace's rows, reached beside keyv: listing keys in order (keyv's own iterator pages
 * with LIKE and OFFSET, a scan of the whole table per page), counting, and removing rows past
 * their time (keyv removes an expired row only when it is read).
 */
export interface NamespaceRows {
  keys(range?: KeyRange): Promise<string[]>;
  count(): Promise<number>;
  /** Removes the rows whose TTL has passed; how many. */
  deleteExpired(now: number): Promise<number>;
  /** Removes the rows whose key sorts before `to`; how many. */
  deleteBefore(to: string): Promise<number>;
}

/** Keys are `<namespace>:<key>`; `;` is the character after `:`, so `[ns:, ns;)` is the namespace. */
function bounds(namespace: string, range: KeyRange): [string, string] {
  return [
    `${namespace}:${range.from ?? ""}`,
    range.to === undefined ? `${namespace};` : `${namespace}:${range.to}`,
  ];
}

/** A namespace in a SQLite file: range queries on the table's primary key. */
export function sqliteRows(sqlite: KeyvSqlite, namespace: string): NamespaceRows {
  const table = sqlite.opts.table ?? "keyv";
  const run = (sql: string, params: unknown[]) =>
    sqlite.query(sql, params) as Promise<Record<string, unknown>[]>;
  return {
    async keys(range = {}) {
      const [low, high] = bounds(namespace, range);
      const params: unknown[] = [low, high];
      let sql = `SELECT key FROM ${table} WHERE key >= ? AND key < ?`;
      if (range.where) {
        sql += " AND json_extract(value, ?) = ?";
        params.push(`$.value.${range.where.path.join(".")}`, range.where.equals);
      }
      sql += ` ORDER BY key ${range.descending ? "DESC" : "ASC"}`;
      if (range.limit !== undefined) {
        sql += " LIMIT ?";
        params.push(range.limit);
      }
      const rows = await run(sql, params);
      return rows.map((r) => String(r.key).slice(namespace.length + 1));
    },
    async count() {
      const [low, high] = bounds(namespace, {});
      const rows = await run(`SELECT count(*) AS n FROM ${table} WHERE key >= ? AND key < ?`, [low, high]);
      return Number(rows[0]?.n ?? 0);
    },
    async deleteExpired(now) {
      const [low, high] = bounds(namespace, {});
      return deleteInChunks(
        run,
        `SELECT key FROM ${table} WHERE key >= ? AND key < ? AND json_extract(value, '$.expires') < ?`,
        [low, high, now],
        table,
      );
    },
    async deleteBefore(to) {
      const [low, high] = bounds(namespace, { to });
      return deleteInChunks(run, `SELECT key FROM ${table} WHERE key >= ? AND key < ?`, [low, high], table);
    },
  };
}

/** Rows deleted per statement: a long delete would hold the file's write lock from every other write. */
const deleteChunk = 500;

/** Deletes the rows `select` picks, a chunk at a time; how many. */
async function deleteInChunks(
  run: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>,
  select: string,
  params: unknown[],
  table: string,
): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await run(
      `DELETE FROM ${table} WHERE key IN (${select} LIMIT ${deleteChunk}) RETURNING key`,
      params,
    );
    total += rows.length;
    if (rows.length < deleteChunk) return total;
  }
}

/** A namespace in memory (keyv's Map store: `<namespace>:<key>` → serialized `{value, expires}`). */
export function memoryRows(keyv: Keyv, map: Map<string, unknown>, namespace: string): NamespaceRows {
  const prefix = `${namespace}:`;
  const decoded = async (raw: unknown) =>
    typeof raw === "string" ? await keyv.deserializeData<unknown>(raw) : undefined;
  const inRange = (key: string, range: KeyRange) => {
    const [low, high] = bounds(namespace, range);
    return key >= low && key < high;
  };
  const at = (value: unknown, path: readonly string[]): unknown =>
    path.reduce<unknown>(
      (node, step) =>
        node && typeof node === "object" ? (node as Record<string, unknown>)[step] : undefined,
      value,
    );
  return {
    async keys(range = {}) {
      const out: string[] = [];
      for (const [key, raw] of map) {
        if (typeof key !== "string" || !inRange(key, range)) continue;
        const data = await decoded(raw);
        if (range.where && at(data?.value, range.where.path) !== range.where.equals) continue;
        out.push(key);
      }
      out.sort();
      if (range.descending) out.reverse();
      return out.slice(0, range.limit ?? out.length).map((k) => k.slice(prefix.length));
    },
    async count() {
      let n = 0;
      for (const key of map.keys()) if (typeof key === "string" && key.startsWith(prefix)) n++;
      return n;
    },
    async deleteExpired(now) {
      let n = 0;
      for (const [key, raw] of [...map]) {
        if (typeof key !== "string" || !key.startsWith(prefix)) continue;
        const expires = (await decoded(raw))?.expires;
        if (typeof expires === "number" && expires < now && map.delete(key)) n++;
      }
      return n;
    },
    async deleteBefore(to) {
      let n = 0;
      for (const key of [...map.keys()]) {
        if (typeof key === "string" && inRange(key, { to }) && map.delete(key)) n++;
      }
      return n;
    },
  };
}

/**
 * The bridge's SQLite store as the end-to-end tests read and change it: row counts with plain SQL
 * (what is in the file, whatever the bridge's code thinks), and records through the store's own API.
 */

import { join } from "node:path";
import KeyvSqlite from "@keyv/sqlite";
import { silentLogger } from "../../src/core/log.js";
import type { ThreadRecord } from "../../src/core/vocabulary/records.js";
import { KeyvBridgeStore } from "../../src/store/keyv-store.js";
import type { BridgeHarness } from "./harness.js";

export function storeUrl(h: BridgeHarness): string {
  return `sqlite://${join(h.dir, "bridge.sqlite")}`;
}

/** Rows of a keyv namespace in the harness's store file (`dedup`, `threads`, `audit`…). */
export async function countRows(h: BridgeHarness, namespace: string): Promise<number> {
  const sqlite = new KeyvSqlite({ uri: storeUrl(h), busyTimeout: 5000 });
  try {
    const rows = (await sqlite.query("SELECT count(*) AS n FROM keyv WHERE key >= ? AND key < ?", [
      `${namespace}:`,
      `${namespace};`,
    ])) as { n: number }[];
    return Number(rows[0]?.n ?? 0);
  } finally {
    await sqlite.close();
  }
}

/** Rewrites a thread's record in the harness's store with the store's own API. */
export async function editThread(
  h: BridgeHarness,
  threadKey: string,
  change: (record: ThreadRecord) => ThreadRecord,
): Promise<void> {
  const store = KeyvBridgeStore.open(storeUrl(h), silentLogger);
  try {
    const record = await store.getThread(threadKey);
    if (!record) throw new Error(`no record for ${threadKey}`);
    await store.putThread(change(record));
  } finally {
    await store.close();
  }
}

/** The thread key of a Slack session from its header. */
export function slackKey(h: BridgeHarness, header: { channel: string; ts: string }): string {
  return `slack:${h.slack.teamId}:${header.channel}:${header.ts}`;
}

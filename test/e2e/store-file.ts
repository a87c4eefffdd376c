/**
 * The bridge's SQLite store as the end-to-end tests read and change it: row counts with plain SQL
 * (what is in the file, whatever the bridge's code thinks), and records through the store's own API.
 */

import { join } from "node:path";
import KeyvSqlite from "@keyv/sqlite";
import { silentLogger } from "../../src/core/log.js";
import type { CardRecord, ThreadRecord } from "../../src/core/vocabulary/records.js";
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

/** The thread key of a Discord session from its thread's id. */
export function discordKey(h: BridgeHarness, threadId: string): string {
  return `discord:${h.discord.guildId}:${threadId}`;
}

/**
 * Resolves with the store's record of the card of `requestId` once it holds the message the card
 * was posted as: the bridge writes that right after the platform accepted the post, and a restart
 * needs it to keep the card rather than post it again. Read through the store's own API, every 50 ms.
 */
export async function waitForCardRecord(
  h: BridgeHarness,
  requestId: string,
  timeoutMs = 10_000,
): Promise<CardRecord> {
  const store = KeyvBridgeStore.open(storeUrl(h), silentLogger);
  try {
    for (const deadline = Date.now() + timeoutMs; ; ) {
      const card = await store.getCard(requestId);
      if (card && card.message.id !== "") return card;
      if (Date.now() > deadline)
        throw new Error(
          `the store has no posted card for ${requestId} after ${timeoutMs} ms: ${JSON.stringify(card)}`,
        );
      await new Promise((done) => setTimeout(done, 50));
    }
  } finally {
    await store.close();
  }
}

/** Resolves once a keyv namespace of the store holds at least `atLeast` rows, re-counted every 50 ms. */
export async function waitForRows(
  h: BridgeHarness,
  namespace: string,
  atLeast: number,
  timeoutMs = 10_000,
): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const rows = await countRows(h, namespace);
    if (rows >= atLeast) return;
    if (Date.now() > deadline)
      throw new Error(`the store's ${namespace} has ${rows} rows, not ${atLeast}, after ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

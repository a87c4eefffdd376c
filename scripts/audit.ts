/**
 * `npm run audit -- [--since <date>] [--json]`: exports the bridge's audit log (who did what, where
 * and when), oldest first. Reads the store the bridge uses (BRIDGE_STORE_URL, or .env, or the
 * default ./data/bridge.sqlite); it can run while the bridge does.
 *   --since 2025-06-01 | 2025-06-01T12:00Z | 7d   only entries from then on (a date, or days back)
 *   --json                                        one JSON object per line instead of a table
 */

import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { storeUrlOf } from "../src/config.js";
import { auditFacts, auditTime, auditWhere } from "../src/core/audit-view.js";
import { createLogger } from "../src/core/log.js";
import type { AuditEntry } from "../src/core/vocabulary/records.js";
import { KeyvBridgeStore } from "../src/store/keyv-store.js";
import { SqliteFile } from "../src/store/sqlite-file.js";

function fail(message: string): never {
  process.stderr.write(`npm run audit: ${message}\n`);
  process.exit(2);
}

function sinceOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const days = /^(\d+)d$/.exec(raw);
  if (days) return Date.now() - Number(days[1]) * 24 * 3600 * 1000;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) fail(`--since: "${raw}" is not a date (e.g. 2025-06-01, 2025-06-01T12:00Z, 7d)`);
  return at;
}

function who(entry: AuditEntry): string {
  const w = auditFacts(entry).who;
  return typeof w === "string" ? w : `${w.platform}:${w.id}`;
}

function table(entries: AuditEntry[]): string {
  const rows = entries.map((e) => {
    const facts = auditFacts(e);
    return [
      auditTime(e.at),
      who(e),
      `${facts.what}${facts.requestId ? ` (request ${facts.requestId})` : ""}`,
      auditWhere(e),
    ];
  });
  const head = ["when", "who", "what", "where"];
  const widths = head.map((h, i) =>
    Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length))),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const { values } = parseArgs({
  options: { since: { type: "string" }, json: { type: "boolean", default: false } },
  strict: true,
});
// Piped into `head` and the like: stop quietly once the reader has had enough.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
if (existsSync(".env")) process.loadEnvFile(".env");
const url = storeUrlOf(process.env.BRIDGE_STORE_URL, process.cwd());
if (!url.startsWith("sqlite://"))
  fail(`BRIDGE_STORE_URL: ${url} keeps no audit log to export (use sqlite://path)`);
const file = new SqliteFile(url);
if (!existsSync(file.path)) fail(`BRIDGE_STORE_URL: no store at ${file.path}`);
const since = sinceOf(values.since);

const store = KeyvBridgeStore.open(url, createLogger("warn"));
try {
  const entries = await store.auditLog({ oldestFirst: true, ...(since !== undefined ? { since } : {}) });
  if (values.json) {
    for (const e of entries)
      process.stdout.write(`${JSON.stringify({ time: new Date(e.at).toISOString(), ...e })}\n`);
  } else if (entries.length === 0) {
    process.stdout.write("No audit entries.\n");
  } else {
    process.stdout.write(`${table(entries)}\n`);
  }
} finally {
  await store.close();
}

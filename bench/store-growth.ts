/**
 * Store growth: what a long-lived bridge's store costs.
 * 1. Restart with `live` sessions (seeded, resumed after each kill -9) alone, then with `ended` more
 *    sessions that have ended (thread records and one decided card each) in the same store: ms from
 *    spawn to serving and to every live session resumed, side by side.
 * 2. `messages` messages in threads of channels the bridge has no session in, sent to the running
 *    bridge three times over: its heap (after a full GC) and RSS, and the store's rows, before and after
 *    each batch (RSS keeps the allocator's high-water mark of the first burst: the later ones show
 *    whether it goes on growing).
 * Rows are counted with plain SQL on the file, so the scenario also runs against older code.
 */
import KeyvSqlite from "@keyv/sqlite";
import type { BridgeProcess } from "./bridge-process.js";
import { tagOf } from "./model-proxy.js";
import { mb, round, wallNow } from "./proc.js";
import { median, type RestartRound, restartRound, startupCalls } from "./restart.js";
import { Rig } from "./rig.js";
import { seedSessions, writeEndedRecords, writeRecords } from "./seed.js";
import { SlackSessions } from "./slack-sessions.js";

export interface StoreGrowthOptions {
  live?: number;
  ended?: number;
  rounds?: number;
  messages?: number;
  /** How many times `messages` are sent (default 3). */
  batches?: number;
}

interface RestartSummary {
  /** Medians over the kill -9 rounds. */
  servingLogMs: number;
  allResumedMs: number;
  resumed: string;
  rounds: RestartRound[];
}

export interface StoreGrowthResult {
  live: number;
  ended: number;
  alone: RestartSummary;
  withEnded: RestartSummary;
  /** Messages per batch, and the readings before the first batch and after each. */
  unrelated: { messages: number; readings: Reading[] };
  durationSeconds: number;
}

interface Reading {
  /** Messages sent so far. */
  sent: number;
  /** Seconds the batch took to send (acknowledged by the bridge). */
  sendSeconds: number;
  heapMb: number;
  rssMb: number;
  dedupRows: number;
  allRows: number;
}

/** Rows in the store file: all, and those of one namespace. */
async function rows(rig: Rig, namespace?: string): Promise<number> {
  const sqlite = new KeyvSqlite({ uri: rig.storeUrl, busyTimeout: 5000 });
  try {
    const where = namespace ? " WHERE key >= ? AND key < ?" : "";
    const params = namespace ? [`${namespace}:`, `${namespace};`] : [];
    const result = (await sqlite.query(`SELECT count(*) AS n FROM keyv${where}`, params)) as { n: number }[];
    return Number(result[0]?.n ?? 0);
  } finally {
    await sqlite.close();
  }
}

async function restarts(
  rig: Rig,
  live: number,
  rounds: number,
  calls: ReturnType<typeof startupCalls>,
  previous: BridgeProcess | undefined,
): Promise<{ summary: RestartSummary; bridge: BridgeProcess }> {
  const results: RestartRound[] = [];
  let bridge = previous;
  // Round 0 starts on the store as it was just filled (warm-up, not in the median).
  for (let r = 0; r <= rounds; r++) {
    const next = await restartRound(rig, live, calls, bridge);
    bridge = next.bridge;
    results.push(next.round);
  }
  const measured = results.slice(1);
  const summary: RestartSummary = {
    servingLogMs: median(measured.map((x) => x.servingLogMs)),
    allResumedMs: median(measured.map((x) => x.allResumedMs)),
    resumed: `${Math.min(...measured.map((x) => x.resumed))}/${live}`,
    rounds: results,
  };
  if (!bridge) throw new Error("no bridge started");
  return { summary, bridge };
}

export async function measureStoreGrowth(options: StoreGrowthOptions = {}): Promise<StoreGrowthResult> {
  const live = options.live ?? 100;
  const ended = options.ended ?? 10_000;
  const rounds = options.rounds ?? 3;
  const messages = options.messages ?? 10_000;
  const batches = options.batches ?? 3;
  const started = wallNow();
  const rig = await Rig.start();
  try {
    const seeded = await seedSessions(
      rig,
      Array.from({ length: live }, (_, i) => tagOf(i + 1)),
      8,
    );
    await writeRecords(rig, seeded);
    const calls = startupCalls(rig);
    const alone = await restarts(rig, live, rounds, calls, undefined);
    await alone.bridge.kill9();
    rig.slack.dropSockets();
    await writeEndedRecords(rig, ended);
    const withEnded = await restarts(rig, live, rounds, calls, undefined);
    const bridge = withEnded.bridge;

    // Messages in threads of channels the bridge has no session in (a busy workspace).
    const slack = new SlackSessions(rig.slack);
    for (const s of seeded) slack.adopt(s.tag, s.channel, s.ts);
    const settle = async (tag: string) => {
      const done = slack.expect(tag, (c) => c.includes(`settled ${tag}`), 60_000);
      await slack.say(tag, `ECHO: settled ${tag}`);
      if ((await done) === undefined) throw new Error(`${tag} did not answer`);
    };
    const probeTag = seeded[0]?.tag ?? tagOf(1);
    await settle(probeTag);
    const read = async (sent: number, sendSeconds: number): Promise<Reading> => {
      const sample = await bridge.sample();
      return {
        sent,
        sendSeconds,
        heapMb: mb(sample.heapUsed),
        rssMb: mb(sample.rss),
        dedupRows: await rows(rig, "dedup"),
        allRows: await rows(rig),
      };
    };
    const readings = [await read(0, 0)];
    for (let batch = 0; batch < batches; batch++) {
      const t0 = wallNow();
      for (let i = 0; i < messages; i += 200) {
        await Promise.all(
          Array.from({ length: Math.min(200, messages - i) }, (_, j) => {
            const n = batch * messages + i + j;
            return rig.slack.sendEvent({
              type: "message",
              channel: `CNOISE${n % 20}`,
              user: `UPEOPLE${n % 300}`,
              text: `chatter ${n}`,
              ts: rig.slack.nextTs(),
              thread_ts: `1500000000.${String(n % 1000).padStart(6, "0")}`,
              parent_user_id: "USOMEONE",
            });
          }),
        );
      }
      const sendSeconds = round((wallNow() - t0) / 1000, 1);
      // A message to a live session after them: the bridge has handled what came before.
      await settle(probeTag);
      await new Promise((done) => setTimeout(done, 1000));
      readings.push(await read((batch + 1) * messages, sendSeconds));
    }
    const unrelated = { messages, readings };
    slack.close();
    await bridge.kill9();
    return {
      live,
      ended,
      alone: alone.summary,
      withEnded: withEnded.summary,
      unrelated,
      durationSeconds: round((wallNow() - started) / 1000, 1),
    };
  } finally {
    await rig.stop();
  }
}

export function printStoreGrowth(r: StoreGrowthResult): void {
  console.log(
    `\nRestart after kill -9: ${r.live} live sessions alone, and with ${r.ended} ended ones (and a decided card each) in the store (median ms from spawn)\n`,
  );
  console.table({
    [`${r.live} live`]: {
      "serving log ms": r.alone.servingLogMs,
      "all resumed ms": r.alone.allResumedMs,
      resumed: r.alone.resumed,
    },
    [`${r.live} live + ${r.ended} ended`]: {
      "serving log ms": r.withEnded.servingLogMs,
      "all resumed ms": r.withEnded.allResumedMs,
      resumed: r.withEnded.resumed,
    },
  });
  const u = r.unrelated;
  console.log(
    `\n${u.messages} messages at a time in threads the bridge has no session in, ${u.readings.length - 1} times (heap after a full GC; each batch ends with one message to a live session)\n`,
  );
  const table: Record<string, Record<string, number>> = {};
  for (const x of u.readings) {
    table[x.sent === 0 ? "before" : `after ${x.sent}`] = {
      "send s": x.sendSeconds,
      "heap MB": x.heapMb,
      "RSS MB": x.rssMb,
      "dedup rows": x.dedupRows,
      "all rows": x.allRows,
    };
  }
  console.table(table);
}

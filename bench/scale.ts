/**
 * Scale: one bridge process and one runtime with 50, 100 and 200 sessions. The sessions are seeded
 * (bench/seed.ts) so that creating them does not spend minutes of Slack's post budget; each level is
 * a fresh bridge started on a store holding that many sessions, measured the same way as a baseline
 * bridge with a few sessions:
 *  - resume: spawn → every session logged "session resumed";
 *  - idle: heap after a full GC and RSS; per session = (level − baseline) / (sessions − baseline's);
 *  - active: every session gets `STREAM: <deltas> <ms>` at once; CPU, event-loop delay, Slack calls,
 *    and the lag from the model's final chunk to the thread showing the whole text. The bridge keeps
 *    inside Slack's documented limits, so with many sessions this phase is paced by the post budget;
 *  - after the turn: heap after GC again (what a turn leaves behind per session).
 */
import { streamText } from "../test/fakes/model/rules.js";
import { type BridgeProcess, cpuDelta, type ProbeSample } from "./bridge-process.js";
import { tagOf } from "./model-proxy.js";
import { mb, round, wallNow } from "./proc.js";
import { Rig } from "./rig.js";
import { printScale } from "./scale-print.js";
import { type SeededSession, seedSessions, writeRecords } from "./seed.js";
import { SlackSessions } from "./slack-sessions.js";
import { type Summary, summarize } from "./stats.js";

export { printScale };

export interface ScaleOptions {
  /** Sessions per level (default 50, 100, 200). */
  levels?: number[];
  /** Sessions of the baseline bridge the levels are compared with (default 10). */
  baseline?: number;
  /** The active turn: `STREAM: <deltas> <streamMs>`. */
  deltas?: number;
  streamMs?: number;
  idleMs?: number;
  /** Channels the sessions' threads are spread over (default 8). */
  channels?: number;
}

export interface ActivePhase {
  completed: number;
  seconds: number;
  bridgeCpuS: number;
  bridgeCpuPct: number;
  runtimeCpuPct: number;
  /** This benchmark process (fake Slack, fake model, proxy), to rule it out as the bottleneck. */
  harnessCpuPct: number;
  bridgeCpuUsPerDelta: number;
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  threadCallsPerTurn: number;
  /** Web API calls the fake Slack refused (429s if its rate limits were on; expected 0). */
  refusedCalls: number;
  /** Model's final chunk → the thread showing the whole text. */
  finalLagMs: Summary;
  bridgeRssMb: number;
  runtimeRssMb: number;
}

export interface LevelRun {
  sessions: number;
  resume: { ms: number; resumed: number; bridgeCpuS: number; loopMaxMs: number };
  idle: { heapMb: number; rssMb: number; runtimeRssMb: number; bridgeCpuPct: number; loopP99Ms: number };
  active: ActivePhase;
  afterTurn: { heapMb: number; rssMb: number };
  /** SIGTERM → exit, for the baseline and the largest level (the others are killed: it takes a while). */
  shutdown?: { ms: number; forced: boolean };
}

export interface ScaleLevel extends LevelRun {
  perSession: { idleHeapKb: number; idleRssKb: number; afterTurnHeapKb: number };
}

export interface ScaleResult {
  turn: string;
  channels: number;
  baseline: LevelRun;
  levels: ScaleLevel[];
  seedSeconds: number;
  durationSeconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (cpuS: number, wallMs: number) => round((100 * cpuS * 1000) / wallMs, 1);

interface LevelOptions {
  deltas: number;
  streamMs: number;
  idleMs: number;
  graceful: boolean;
}

export async function measureScale(options: ScaleOptions = {}): Promise<ScaleResult> {
  const levels = options.levels ?? [50, 100, 200];
  const base = options.baseline ?? 10;
  const channels = options.channels ?? 8;
  const o = {
    deltas: options.deltas ?? 20,
    streamMs: options.streamMs ?? 1000,
    idleMs: options.idleMs ?? 2000,
  };
  const started = wallNow();
  const rig = await Rig.start();
  try {
    const most = Math.max(base, ...levels);
    const seeded = await seedSessions(
      rig,
      Array.from({ length: most }, (_, i) => tagOf(i + 1)),
      channels,
    );
    const seedSeconds = round((wallNow() - started) / 1000, 1);
    let written = 0;
    const upTo = async (n: number) => {
      await writeRecords(rig, seeded.slice(written, n));
      written = Math.max(written, n);
      return seeded.slice(0, n);
    };
    const baseline = await runLevel(rig, await upTo(base), { ...o, graceful: true });
    const results: ScaleLevel[] = [];
    for (const [i, n] of levels.entries()) {
      const run = await runLevel(rig, await upTo(n), { ...o, graceful: i === levels.length - 1 });
      const kb = (now: number, then: number) => round((now - then) / 1024 / Math.max(1, n - base), 1);
      results.push({
        ...run,
        perSession: {
          idleHeapKb: kb(run.idle.heapMb * 2 ** 20, baseline.idle.heapMb * 2 ** 20),
          idleRssKb: kb(run.idle.rssMb * 2 ** 20, baseline.idle.rssMb * 2 ** 20),
          afterTurnHeapKb: kb(run.afterTurn.heapMb * 2 ** 20, baseline.afterTurn.heapMb * 2 ** 20),
        },
      });
    }
    return {
      turn: `STREAM: ${o.deltas} ${o.streamMs}`,
      channels,
      baseline,
      levels: results,
      seedSeconds,
      durationSeconds: round((wallNow() - started) / 1000, 1),
    };
  } finally {
    await rig.stop();
  }
}

/** A fresh bridge on a store holding `sessions`: resume, idle, one active turn for all, idle again. */
async function runLevel(rig: Rig, sessions: SeededSession[], o: LevelOptions): Promise<LevelRun> {
  const { bridge } = await rig.startBridge();
  const slack = new SlackSessions(rig.slack);
  try {
    for (const s of sessions) slack.adopt(s.tag, s.channel, s.ts);
    const resumedAt = await bridge.waitForLines(/session resumed/, sessions.length, 120_000);
    const startup = bridge.usage();
    const rs = await bridge.sample();
    const u0 = bridge.usage();
    await sleep(o.idleMs);
    const u1 = bridge.usage();
    const idle = await bridge.sample();
    const active = await activeTurn(rig, bridge, slack, sessions, o);
    await sleep(1000);
    const after = await bridge.sample();
    const shutdown = o.graceful ? await bridge.stop(60_000) : undefined;
    if (!o.graceful) {
      await bridge.kill9();
      rig.slack.dropSockets();
    }
    return {
      sessions: sessions.length,
      resume: {
        ms: resumedAt === undefined ? Number.NaN : Math.round(resumedAt - bridge.spawnedAt),
        resumed: bridge.count(/session resumed/),
        bridgeCpuS: startup.bridge?.cpuSeconds ?? Number.NaN,
        loopMaxMs: rs.loop.max,
      },
      idle: {
        heapMb: mb(idle.heapUsed),
        rssMb: mb(idle.rss),
        runtimeRssMb: mb(u1.runtime?.rssBytes),
        bridgeCpuPct: pct(cpuDelta(u0, u1).bridge, o.idleMs),
        loopP99Ms: idle.loop.p99,
      },
      active,
      afterTurn: { heapMb: mb(after.heapUsed), rssMb: mb(after.rss) },
      ...(shutdown ? { shutdown } : {}),
    };
  } finally {
    slack.close();
  }
}

async function activeTurn(
  rig: Rig,
  bridge: BridgeProcess,
  slack: SlackSessions,
  sessions: SeededSession[],
  o: LevelOptions,
): Promise<ActivePhase> {
  const tags = sessions.map((s) => s.tag);
  const lastWord = streamText(o.deltas).split(" ").at(-1) ?? "";
  const u0 = bridge.usage();
  const h0 = process.cpuUsage();
  const calls0 = slack.threadCalls;
  const refused0 = slack.refusedCalls;
  const t0 = wallNow();
  const shown = tags.map((tag) => slack.expect(tag, (c) => c.includes(lastWord), 180_000));
  await Promise.all(tags.map((tag) => slack.say(tag, `STREAM: ${o.deltas} ${o.streamMs}`)));
  const at = await Promise.all(shown);
  const wall = wallNow() - t0;
  const u1 = bridge.usage();
  const h = process.cpuUsage(h0);
  const s: ProbeSample = await bridge.sample();
  const lags = tags.flatMap((tag, i) => {
    const final = rig.proxy.finalAfter(tag, t0);
    const seen = at[i];
    return final !== undefined && seen !== undefined ? [seen - final] : [];
  });
  const cpu = cpuDelta(u0, u1);
  return {
    completed: at.filter((t) => t !== undefined).length,
    seconds: round(wall / 1000, 2),
    bridgeCpuS: cpu.bridge,
    bridgeCpuPct: pct(cpu.bridge, wall),
    runtimeCpuPct: pct(cpu.runtime, wall),
    harnessCpuPct: pct((h.user + h.system) / 1e6, wall),
    bridgeCpuUsPerDelta: round((cpu.bridge * 1e6) / (tags.length * o.deltas), 0),
    loopP50Ms: s.loop.p50,
    loopP99Ms: s.loop.p99,
    loopMaxMs: s.loop.max,
    threadCallsPerTurn: round((slack.threadCalls - calls0) / tags.length, 2),
    refusedCalls: slack.refusedCalls - refused0,
    finalLagMs: summarize(lags),
    bridgeRssMb: mb(u1.bridge?.rssBytes),
    runtimeRssMb: mb(u1.runtime?.rssBytes),
  };
}

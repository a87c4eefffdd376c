/**
 * Restart: a store with 100 sessions (seeded: created and run once in the runtime, with their
 * thread records), a bridge started on it, then killed with SIGKILL and started again, several rounds. Per round, from spawning the process:
 * the probe preloaded (node booted), Socket Mode `hello` (serving), the "is serving" log line,
 * and the last of the sessions logging "session resumed". After the last round a fifth of the
 * sessions are asked one more question through Slack, to show they still work.
 */
import type { BridgeProcess, Loader } from "./bridge-process.js";
import { tagOf } from "./model-proxy.js";
import { cpuBetween, mb, round, wallNow } from "./proc.js";
import { Rig } from "./rig.js";
import { seedSessions, writeRecords } from "./seed.js";
import { SlackSessions } from "./slack-sessions.js";

export interface RestartOptions {
  sessions?: number;
  rounds?: number;
}

export interface RestartRound {
  /** Spawn → the probe module loaded (node up, before the bridge's modules), ms. */
  bootMs: number;
  /** Spawn → the runtime process appeared (polled every 5 ms), ms. */
  runtimeMs: number;
  /** Spawn → Bolt's `auth.test`, and `apps.connections.open` (asking for the socket URL), ms. */
  authTestMs: number;
  connectionsOpenMs: number;
  /** Spawn → the fake Slack accepted the Socket Mode connection and sent `hello`, ms. */
  helloMs: number;
  /** Spawn → "copilot-chat-bridge is serving" on the bridge's output, ms. */
  servingLogMs: number;
  /** Spawn → the last "session resumed" line, ms (NaN if not all resumed within 60 s). */
  allResumedMs: number;
  resumed: number;
  /** Bridge CPU from spawn until all resumed, s. */
  bridgeCpuS: number;
  bridgeRssMb: number;
  runtimeRssMb: number;
}

type Medians = Pick<RestartRound, "bootMs" | "helloMs" | "servingLogMs" | "allResumedMs" | "bridgeRssMb">;

export interface RestartResult {
  sessions: number;
  /** Round 0: first start on the freshly filled store; then one round per kill -9, compiled then tsx. */
  rounds: (RestartRound & { loader: Loader })[];
  /** Over the kill -9 rounds, per loader. */
  median: Record<Loader, Medians>;
  /** Sessions (every fifth) that answered a new message after the last restart, "answered/asked". */
  answeredAfter: string;
  fillSeconds: number;
  durationSeconds: number;
}

/** When the bridge asked Slack for `auth.test` and `apps.connections.open` (for the rounds' timings). */
export function startupCalls(rig: Rig): StartupCall[] {
  const calls: StartupCall[] = [];
  rig.slack.onCall((c) => {
    if (c.method === "auth.test" || c.method === "apps.connections.open")
      calls.push({ method: c.method, at: wallNow() });
  });
  return calls;
}

export interface StartupCall {
  method: string;
  at: number;
}

/**
 * One round: kills `previous` with SIGKILL (if any), starts a bridge on the rig's store and times it
 * from spawn to serving and to `n` sessions resumed.
 */
export async function restartRound(
  rig: Rig,
  n: number,
  calls: readonly StartupCall[],
  previous?: BridgeProcess,
  loader: Loader = "compiled",
): Promise<{ round: RestartRound; bridge: BridgeProcess }> {
  if (previous) {
    await previous.kill9();
    rig.slack.dropSockets();
  }
  const next = await rig.startBridge(30_000, loader);
  const bridge = next.bridge;
  const t0 = bridge.spawnedAt;
  const boot = await bridge.probeStart();
  const serving = await bridge.waitForLines(/copilot-chat-bridge is serving/, 1, 30_000);
  const allResumed = await bridge.waitForLines(/session resumed/, n, 60_000);
  const u = bridge.usage();
  const call = (method: string) => calls.find((c) => c.method === method && c.at >= t0)?.at ?? Number.NaN;
  const round_: RestartRound = {
    bootMs: round(boot - t0, 0),
    runtimeMs: round((bridge.runtimeSeenAt ?? Number.NaN) - t0, 0),
    authTestMs: round(call("auth.test") - t0, 0),
    connectionsOpenMs: round(call("apps.connections.open") - t0, 0),
    helloMs: round(next.helloAt - t0, 0),
    servingLogMs: serving === undefined ? Number.NaN : round(serving - t0, 0),
    allResumedMs: allResumed === undefined ? Number.NaN : round(allResumed - t0, 0),
    resumed: bridge.count(/session resumed/),
    bridgeCpuS: cpuBetween({ cpuSeconds: 0, rssBytes: 0 }, u.bridge),
    bridgeRssMb: mb(u.bridge?.rssBytes),
    runtimeRssMb: mb(u.runtime?.rssBytes),
  };
  // Let the resumed sessions settle before the next crash.
  await new Promise((done) => setTimeout(done, 500));
  return { round: round_, bridge };
}

export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? Number.NaN;

export async function measureRestart(options: RestartOptions = {}): Promise<RestartResult> {
  const n = options.sessions ?? 100;
  const rounds = options.rounds ?? 3;
  const started = wallNow();
  const rig = await Rig.start();
  try {
    const seeded = await seedSessions(
      rig,
      Array.from({ length: n }, (_, i) => tagOf(i + 1)),
      8,
    );
    await writeRecords(rig, seeded);
    const fillSeconds = round((wallNow() - started) / 1000, 1);
    const slack = new SlackSessions(rig.slack);
    for (const s of seeded) slack.adopt(s.tag, s.channel, s.ts);
    const calls = startupCalls(rig);

    // Round 0 is the first start on the filled store (warm-up, not in the median); then kill -9s,
    // alternating the compiled bridge (`npm start`) and the same code through tsx, as it ran before.
    const results: (RestartRound & { loader: Loader })[] = [];
    let bridge: BridgeProcess | undefined;
    for (let r = 0; r <= 2 * rounds; r++) {
      const loader: Loader = r % 2 === 1 ? "tsx" : "compiled";
      const next = await restartRound(rig, n, calls, bridge, loader);
      bridge = next.bridge;
      results.push({ ...next.round, loader });
    }

    // Every fifth session answers a new message after the last restart (all of them would spend ~15 s
    // of Slack's post budget; every session already logged "session resumed").
    const probe = seeded.filter((_, i) => i % 5 === 0).map((s) => s.tag);
    const again = probe.map((tag) => slack.expect(tag, (c) => c.startsWith(`ok again ${tag}\n`), 60_000));
    await Promise.all(probe.map((tag) => slack.say(tag, `ECHO: ok again ${tag}`)));
    const answeredAfter = (await Promise.all(again)).filter((t) => t !== undefined).length;
    slack.close();
    await bridge?.kill9();
    const medians = (loader: Loader): Medians => {
      const measured = results.slice(1).filter((x) => x.loader === loader);
      const pick = (key: keyof Medians) => median(measured.map((x) => x[key]));
      return {
        bootMs: pick("bootMs"),
        helloMs: pick("helloMs"),
        servingLogMs: pick("servingLogMs"),
        allResumedMs: pick("allResumedMs"),
        bridgeRssMb: pick("bridgeRssMb"),
      };
    };
    return {
      sessions: n,
      rounds: results,
      median: { compiled: medians("compiled"), tsx: medians("tsx") },
      answeredAfter: `${answeredAfter}/${probe.length}`,
      fillSeconds,
      durationSeconds: round((wallNow() - started) / 1000, 1),
    };
  } finally {
    await rig.stop();
  }
}

export function printRestart(r: RestartResult): void {
  console.log(
    `\nRestart after kill -9 with ${r.sessions} sessions in the store (ms from process spawn; target: serving ≤ 1000 ms)\n`,
  );
  const rows: Record<string, Record<string, number | string>> = {};
  r.rounds.forEach((x, i) => {
    rows[i === 0 ? "first start" : `kill -9 #${i} (${x.loader})`] = {
      "node boot ms": x.bootMs,
      "runtime spawned ms": x.runtimeMs,
      "auth.test ms": x.authTestMs,
      "connections.open ms": x.connectionsOpenMs,
      "Socket Mode hello ms": x.helloMs,
      "serving log ms": x.servingLogMs,
      "all resumed ms": x.allResumedMs,
      resumed: `${x.resumed}/${r.sessions}`,
      "bridge CPU s": x.bridgeCpuS,
      "bridge RSS MB": x.bridgeRssMb,
      "runtime RSS MB": x.runtimeRssMb,
    };
  });
  for (const loader of ["compiled", "tsx"] as const) {
    const m = r.median[loader];
    rows[`median (kill -9, ${loader})`] = {
      "node boot ms": m.bootMs,
      "Socket Mode hello ms": m.helloMs,
      "serving log ms": m.servingLogMs,
      "all resumed ms": m.allResumedMs,
      "bridge RSS MB": m.bridgeRssMb,
    };
  }
  console.table(rows);
  console.log(`${r.answeredAfter} sessions asked answered a new message after the last restart`);
}

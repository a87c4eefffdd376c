/**
 * Overhead: the same scripted sessions consumed by a bare SDK client (no chat, its own process) and
 * through the bridge (its own process, fake Slack), one after the other in the same run, against the
 * same model. Per side: CPU per runtime event, and latency from the model's final chunk to the whole
 * reply being available — `assistant.message` for the bare client, the thread's final post/edit
 * reaching Slack for the bridge. The difference is what the bridge adds. Sized to stay inside the
 * Slack budget the bridge keeps to (few sessions, one channel each, rounds spaced), so that the
 * bridge's latency is its processing, not waiting for a token.
 */
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { streamText } from "../test/fakes/model/rules.js";
import type { BareTurn, ChildMessage, ParentMessage } from "./bare-client.js";
import { cpuDelta, type UsagePair } from "./bridge-process.js";
import { tagOf } from "./model-proxy.js";
import { procUsage, round, runtimeChild, wallNow } from "./proc.js";
import { Rig } from "./rig.js";
import { echoed, SlackSessions } from "./slack-sessions.js";
import { type Summary, summarize } from "./stats.js";

export interface OverheadOptions {
  /** Default 8, each in its own channel. */
  sessions?: number;
  deltas?: number;
  streamMs?: number;
  /** Measured rounds per side, after one warm-up round (default 8). */
  rounds?: number;
  /** Pause between rounds (default 1500 ms: the Slack budget refills). */
  gapMs?: number;
}

export interface OverheadSide {
  /** Rounds in which every session's reply arrived / rounds. */
  completeRounds: string;
  /** Over all measured rounds, seconds. */
  cpuS: number;
  runtimeCpuS: number;
  /** cpuS / (events per turn × sessions × rounds). */
  cpuUsPerEvent: number;
  /** Model's final chunk → whole reply available (bare: assistant.message; bridge: on Slack). */
  latencyMs: Summary;
}

export interface OverheadResult {
  sessions: number;
  turn: string;
  rounds: number;
  /** Runtime events one session's turn delivers to a client (median). */
  eventsPerTurn: number;
  bare: OverheadSide & { idleLatencyMs: Summary };
  bridge: OverheadSide & { loopP99Ms: number; loopMaxMs: number; slackCallsPerTurn: number };
  addedLatencyMs: { p50: number; p99: number };
  addedCpuUsPerEvent: number;
  cpuRatio: number;
  durationSeconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? Number.NaN;

/** The bare client child process. */
class BareProcess {
  private waiter: ((m: ChildMessage) => void) | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (m) => this.waiter?.(m as ChildMessage));
  }

  static async start(env: Record<string, string>): Promise<BareProcess> {
    const child = fork(join(import.meta.dirname, "bare-client.ts"), [], {
      execArgv: ["--import", "tsx"],
      env,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const bare = new BareProcess(child);
    await bare.next("ready", 30_000);
    return bare;
  }

  next(op: ChildMessage["op"], timeoutMs: number): Promise<ChildMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`bare client: no ${op} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiter = (m) => {
        if (m.op !== op) return;
        clearTimeout(timer);
        resolve(m);
      };
    });
  }

  async request(message: ParentMessage, op: ChildMessage["op"]): Promise<ChildMessage> {
    const reply = this.next(op, 120_000);
    this.child.send(message);
    return reply;
  }

  usage(): UsagePair {
    const pid = this.child.pid ?? -1;
    const rt = runtimeChild(pid);
    return { bridge: procUsage(pid), runtime: rt === undefined ? undefined : procUsage(rt) };
  }

  async stop(): Promise<void> {
    const exited = new Promise((done) => this.child.once("exit", done));
    this.child.send({ op: "stop" } satisfies ParentMessage);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

interface Round {
  complete: boolean;
  cpu: number;
  runtimeCpu: number;
  latencies: number[];
}

export async function measureOverhead(options: OverheadOptions = {}): Promise<OverheadResult> {
  const n = options.sessions ?? 8;
  const deltas = options.deltas ?? 50;
  const streamMs = options.streamMs ?? 500;
  const rounds = options.rounds ?? 8;
  const gapMs = options.gapMs ?? 1500;
  const turn = `STREAM: ${deltas} ${streamMs}`;
  const lastWord = streamText(deltas).split(" ").at(-1) ?? "";
  const started = wallNow();
  const rig = await Rig.start();
  try {
    // ---- bare SDK client
    const bareTags = Array.from({ length: n }, (_, i) => tagOf(i + 1));
    const bare = await BareProcess.start({
      PATH: process.env.PATH ?? "",
      HOME: rig.dir,
      BENCH_HOME: join(rig.dir, "bare-home"),
      BENCH_WORKDIR: rig.workdir,
      BENCH_MODEL_URL: rig.proxy.baseUrl,
    });
    await bare.request({ op: "create", tags: bareTags }, "created");
    const bareRounds: Round[] = [];
    const idleLat: number[] = [];
    const events: number[] = [];
    for (let r = 0; r <= rounds; r++) {
      const u0 = bare.usage();
      const t0 = wallNow();
      const m = await bare.request({ op: "turn", prompt: turn }, "turned");
      const u1 = bare.usage();
      if (m.op !== "turned" || r === 0) continue;
      const turns = bareTags.map((tag) => [tag, m.turns[tag]] as [string, BareTurn | undefined]);
      const lat = (pick: (t: BareTurn) => number | undefined) =>
        turns.flatMap(([tag, t]) => {
          const final = rig.proxy.finalAfter(tag, t0);
          const at = t && pick(t);
          return final !== undefined && at !== undefined ? [at - final] : [];
        });
      const cpu = cpuDelta(u0, u1);
      const latencies = lat((t) => t.messageAt);
      bareRounds.push({
        complete: latencies.length === n,
        cpu: cpu.bridge,
        runtimeCpu: cpu.runtime,
        latencies,
      });
      idleLat.push(...lat((t) => t.idleAt));
      events.push(...turns.map(([, t]) => t?.events ?? 0));
      await sleep(gapMs);
    }
    await bare.stop();
    const eventsPerTurn = median(events);

    // ---- the same through the bridge
    const tags = Array.from({ length: n }, (_, i) => tagOf(i + 101));
    const { bridge } = await rig.startBridge();
    const slack = new SlackSessions(rig.slack);
    const created = tags.map((tag) => slack.expect(tag, echoed(tag), 60_000));
    await slack.start(tags, (tag) => `ECHO: ok ${tag}`, { channels: n, batch: 25 });
    await Promise.all(created);
    await sleep(gapMs);
    const bridgeRounds: Round[] = [];
    const loops: { p99: number; max: number }[] = [];
    const calls: number[] = [];
    for (let r = 0; r <= rounds; r++) {
      await bridge.sample();
      const u0 = bridge.usage();
      const calls0 = slack.threadCalls;
      const t0 = wallNow();
      const shown = tags.map((tag) => slack.expect(tag, (c) => c.includes(lastWord), 60_000));
      await Promise.all(tags.map((tag) => slack.say(tag, turn)));
      const at = await Promise.all(shown);
      const u1 = bridge.usage();
      const s = await bridge.sample();
      await sleep(gapMs);
      if (r === 0) continue;
      const latencies = tags.flatMap((tag, i) => {
        const final = rig.proxy.finalAfter(tag, t0);
        const seen = at[i];
        return final !== undefined && seen !== undefined ? [seen - final] : [];
      });
      const cpu = cpuDelta(u0, u1);
      bridgeRounds.push({
        complete: latencies.length === n,
        cpu: cpu.bridge,
        runtimeCpu: cpu.runtime,
        latencies,
      });
      loops.push(s.loop);
      calls.push((slack.threadCalls - calls0) / n);
    }
    await bridge.stop();

    const side = (list: Round[]): OverheadSide => {
      const cpu = round(
        list.reduce((sum, r) => sum + r.cpu, 0),
        2,
      );
      return {
        completeRounds: `${list.filter((r) => r.complete).length}/${list.length}`,
        cpuS: cpu,
        runtimeCpuS: round(
          list.reduce((sum, r) => sum + r.runtimeCpu, 0),
          2,
        ),
        cpuUsPerEvent: round((cpu * 1e6) / (eventsPerTurn * n * list.length), 1),
        latencyMs: summarize(list.flatMap((r) => r.latencies)),
      };
    };
    const b = side(bareRounds);
    const w = side(bridgeRounds);
    return {
      sessions: n,
      turn,
      rounds,
      eventsPerTurn,
      bare: { ...b, idleLatencyMs: summarize(idleLat) },
      bridge: {
        ...w,
        loopP99Ms: median(loops.map((l) => l.p99)),
        loopMaxMs: Math.max(...loops.map((l) => l.max)),
        slackCallsPerTurn: round(median(calls), 2),
      },
      addedLatencyMs: {
        p50: round(w.latencyMs.p50 - b.latencyMs.p50, 2),
        p99: round(w.latencyMs.p99 - b.latencyMs.p99, 2),
      },
      addedCpuUsPerEvent: round(w.cpuUsPerEvent - b.cpuUsPerEvent, 1),
      cpuRatio: round(w.cpuUsPerEvent / b.cpuUsPerEvent, 2),
      durationSeconds: round((wallNow() - started) / 1000, 1),
    };
  } finally {
    await rig.stop();
  }
}

export function printOverhead(r: OverheadResult): void {
  console.log(
    `\nOverhead: ${r.sessions} sessions × "${r.turn}" at once, ${r.rounds} rounds per side (${r.eventsPerTurn} runtime events per session turn)\n`,
  );
  const row = (s: OverheadSide) => ({
    "complete rounds": s.completeRounds,
    "client CPU s": s.cpuS,
    "runtime CPU s": s.runtimeCpuS,
    "client CPU µs/event": s.cpuUsPerEvent,
    "final chunk → reply p50 ms": s.latencyMs.p50,
    "final chunk → reply p99 ms": s.latencyMs.p99,
  });
  console.table({
    "bare SDK client": row(r.bare),
    "bridge (Slack)": row(r.bridge),
    "bridge adds": {
      "client CPU µs/event": r.addedCpuUsPerEvent,
      "final chunk → reply p50 ms": r.addedLatencyMs.p50,
      "final chunk → reply p99 ms": r.addedLatencyMs.p99,
    },
  });
  console.log(
    `bridge/bare CPU per event: ×${r.cpuRatio}; bridge event-loop delay p99 ${r.bridge.loopP99Ms} ms (max ${r.bridge.loopMaxMs} ms); ${r.bridge.slackCallsPerTurn} Slack calls per turn; bare final chunk → session.idle p50 ${r.bare.idleLatencyMs.p50} ms`,
  );
}

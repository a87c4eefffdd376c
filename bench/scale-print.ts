/** The scale scenario's tables (units in the headers). */
import type { LevelRun, ScaleResult } from "./scale.js";

export function printScale(r: ScaleResult): void {
  const b = r.baseline;
  console.log(
    `\nScale: a fresh bridge (one runtime) per level on a store holding that many sessions, spread over ${r.channels} channels; per-session figures against a baseline bridge with ${b.sessions} sessions (heap ${b.idle.heapMb} MB after GC, RSS ${b.idle.rssMb} MB)\n`,
  );
  const runs: [string, LevelRun][] = [
    [`${b.sessions} sessions (baseline)`, b],
    ...r.levels.map((l) => [`${l.sessions} sessions`, l] as [string, LevelRun]),
  ];
  const idle: Record<string, Record<string, number | string>> = {};
  for (const [name, l] of runs) {
    const per = "perSession" in l ? (l as ScaleResult["levels"][number]).perSession : undefined;
    idle[name] = {
      "resume all ms": l.resume.ms,
      resumed: l.resume.resumed,
      "idle heap MB": l.idle.heapMb,
      "heap KB/session": per?.idleHeapKb ?? "",
      "RSS KB/session": per?.idleRssKb ?? "",
      "after-turn heap KB/session": per?.afterTurnHeapKb ?? "",
      "bridge RSS MB": l.idle.rssMb,
      "runtime RSS MB": l.idle.runtimeRssMb,
      "idle bridge CPU %": l.idle.bridgeCpuPct,
      "idle loop p99 ms": l.idle.loopP99Ms,
      "shutdown ms": l.shutdown ? `${l.shutdown.ms}${l.shutdown.forced ? " (killed)" : ""}` : "",
    };
  }
  console.log("Sessions: memory (target < 200 KB per idle session), resume, shutdown");
  console.table(idle);
  const active: Record<string, Record<string, number | string>> = {};
  for (const [name, l] of runs) {
    const a = l.active;
    active[name] = {
      "done/N": `${a.completed}/${l.sessions}`,
      "wall s": a.seconds,
      "bridge CPU %": a.bridgeCpuPct,
      "runtime CPU %": a.runtimeCpuPct,
      "bench CPU %": a.harnessCpuPct,
      "bridge CPU µs/delta": a.bridgeCpuUsPerDelta,
      "loop p99 ms": a.loopP99Ms,
      "loop max ms": a.loopMaxMs,
      "final lag p50 ms": a.finalLagMs.p50,
      "final lag p99 ms": a.finalLagMs.p99,
      "Slack calls/turn": a.threadCallsPerTurn,
      "Slack refused": a.refusedCalls,
      "bridge RSS MB": a.bridgeRssMb,
      "runtime RSS MB": a.runtimeRssMb,
    };
  }
  console.log(`\nActive: every session gets "${r.turn}" at once (Slack's post budget paces the replies)`);
  console.table(active);
}

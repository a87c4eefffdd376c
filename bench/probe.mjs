/**
 * Preloaded into the bridge by the benchmarks (`node --import ./bench/probe.mjs dist/src/main.js`: plain JavaScript, so the bridge runs as `npm start` runs it, without a TypeScript loader), so
 * nothing in the product changes. Appends JSON lines to $BENCH_PROBE_FILE: one when it loads
 * (`kind: "start"`, before the bridge's own modules), then one per SIGUSR2 (`kind: "sample"`):
 * event-loop delay since the previous sample (ms beyond the 2 ms sampling interval), then — after a full GC when started with
 * --expose-gc — heap and RSS (bytes). Times are wall-clock ms (performance.timeOrigin + now()).
 */
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  // The histogram records whole timer intervals: the delay is what exceeds the resolution.
  const resolution = 2;
  const loop = monitorEventLoopDelay({ resolution });
  loop.enable();
  const now = () => performance.timeOrigin + performance.now();
  /** @param {Record<string, unknown>} line */
  const write = (line) => appendFileSync(file, `${JSON.stringify(line)}\n`);
  /** @param {number} ns */
  const ms = (ns) => Math.max(0, Math.round((ns - resolution * 1e6) / 1e4) / 100);
  write({ kind: "start", at: now(), pid: process.pid });
  process.on("SIGUSR2", () => {
    const delay =
      loop.count > 0
        ? { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), n: loop.count }
        : { p50: 0, p99: 0, max: 0, n: 0 };
    globalThis.gc?.();
    const m = process.memoryUsage();
    loop.reset();
    write({ kind: "sample", at: now(), loop: delay, heapUsed: m.heapUsed, rss: m.rss, external: m.external });
  });
}

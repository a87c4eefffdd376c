/**
 * The bridge as a child process (`node dist/src/main.js`, as `npm start` runs it) with the
 * bench probe preloaded, so its CPU and memory are its own and readable from /proc.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { alive, cpuBetween, type ProcUsage, procUsage, runtimeChild, wallNow } from "./proc.js";

const root = resolve(import.meta.dirname, "..");

export interface ProbeSample {
  at: number;
  /** Event-loop delay since the previous sample, ms. */
  loop: { p50: number; p99: number; max: number; n: number };
  /** After a full GC, bytes. */
  heapUsed: number;
  rss: number;
}

export interface UsagePair {
  bridge: ProcUsage | undefined;
  runtime: ProcUsage | undefined;
}

/** How the bridge's code is loaded: compiled JavaScript (`npm start`), or TypeScript through tsx. */
export type Loader = "compiled" | "tsx";

export class BridgeProcess {
  /** Output lines (stdout and stderr) with their arrival time (wall ms). */
  readonly lines: { at: number; text: string }[] = [];
  readonly exited: Promise<number | null>;
  private runtime: number | undefined;
  /** When the runtime process was first seen (polled every 5 ms), wall ms. */
  runtimeSeenAt: number | undefined;
  private samplesRead = 0;

  private constructor(
    private readonly child: ChildProcess,
    readonly spawnedAt: number,
    private readonly probeFile: string,
  ) {
    const collect = (chunk: Buffer) => {
      const at = wallNow();
      for (const text of chunk.toString("utf8").split("\n")) if (text) this.lines.push({ at, text });
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    this.exited = new Promise((done) => child.on("exit", (code) => done(code)));
    const watch = setInterval(() => {
      if (this.runtimePid() !== undefined) this.runtimeSeenAt = wallNow();
      if (this.runtimeSeenAt !== undefined || child.exitCode !== null || wallNow() - spawnedAt > 30_000)
        clearInterval(watch);
    }, 5);
    watch.unref();
  }

  /**
   * Starts the bridge with exactly `env` (plus the probe's file) in the repository root. Extra node
   * flags for a diagnosis can come from BENCH_BRIDGE_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p").
   */
  static start(env: Record<string, string>, probeFile: string, loader: Loader = "compiled"): BridgeProcess {
    const extra = (process.env.BENCH_BRIDGE_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
    const probe = join(root, "bench/probe.mjs");
    // `tsx`: how `npm start` ran before the bridge was compiled, for side-by-side figures.
    const entry = loader === "compiled" ? ["dist/src/main.js"] : ["--import", "tsx", "src/main.ts"];
    const args = [...extra, "--expose-gc", "--import", probe, ...entry];
    const spawnedAt = wallNow();
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...env, BENCH_PROBE_FILE: probeFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new BridgeProcess(child, spawnedAt, probeFile);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The bundled runtime this bridge spawned (found once, then remembered). */
  runtimePid(): number | undefined {
    this.runtime ??= runtimeChild(this.pid);
    return this.runtime;
  }

  usage(): UsagePair {
    const rt = this.runtimePid();
    return { bridge: procUsage(this.pid), runtime: rt === undefined ? undefined : procUsage(rt) };
  }

  /** When the probe loaded (node booted, before the bridge's modules), wall ms. */
  async probeStart(timeoutMs = 20_000): Promise<number> {
    const line = await this.waitForProbe((l) => l.kind === "start", timeoutMs);
    return line.at as number;
  }

  /** Asks the probe for a sample (event-loop delay since the last one; heap after a GC). */
  async sample(timeoutMs = 10_000): Promise<ProbeSample> {
    const from = this.samplesRead;
    this.child.kill("SIGUSR2");
    const line = await this.waitForProbe((l, i) => l.kind === "sample" && i >= from, timeoutMs);
    this.samplesRead++;
    return line as unknown as ProbeSample;
  }

  private async waitForProbe(
    match: (line: Record<string, unknown>, sampleIndex: number) => boolean,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (existsSync(this.probeFile)) {
        let samples = 0;
        for (const text of readFileSync(this.probeFile, "utf8").split("\n")) {
          if (!text) continue;
          const line = JSON.parse(text) as Record<string, unknown>;
          if (match(line, samples)) return line;
          if (line.kind === "sample") samples++;
        }
      }
      if (this.child.exitCode !== null) throw new Error(`the bridge exited:\n${this.tail()}`);
      if (Date.now() > until) throw new Error(`no probe line within ${timeoutMs} ms:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits for the `count`-th output line matching `re` (counting from the start); its arrival time. */
  async waitForLines(re: RegExp, count: number, timeoutMs: number): Promise<number | undefined> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hits = this.lines.filter((l) => re.test(l.text));
      if (hits.length >= count) return hits[count - 1]?.at;
      if (this.child.exitCode !== null || Date.now() > until) return undefined;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  count(re: RegExp): number {
    return this.lines.filter((l) => re.test(l.text)).length;
  }

  tail(n = 15): string {
    return this.lines
      .slice(-n)
      .map((l) => l.text)
      .join("\n");
  }

  /**
   * SIGTERM (the bridge's own shutdown), SIGKILL after `graceMs`; then the runtime if it outlived it.
   * Returns how long the shutdown took and whether it had to be forced.
   */
  async stop(graceMs = 10_000): Promise<{ ms: number; forced: boolean }> {
    const t0 = wallNow();
    let forced = false;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => {
        forced = true;
        this.child.kill("SIGKILL");
      }, graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    const ms = Math.round(wallNow() - t0);
    await this.reapRuntime();
    return { ms, forced };
  }

  /** kill -9: nothing in the bridge gets to clean up. The runtime it spawned is ended too. */
  async kill9(): Promise<void> {
    this.runtimePid();
    this.child.kill("SIGKILL");
    await this.exited;
    await this.reapRuntime();
  }

  /** The runtime exits when its stdio closes; give it a moment, then end it (we started it). */
  private async reapRuntime(): Promise<void> {
    const rt = this.runtime;
    if (rt === undefined) return;
    for (let i = 0; i < 50 && alive(rt); i++) await new Promise((r) => setTimeout(r, 20));
    if (alive(rt)) process.kill(rt, "SIGKILL");
  }
}

/** CPU seconds of the bridge and its runtime between two readings. */
export function cpuDelta(a: UsagePair, b: UsagePair): { bridge: number; runtime: number } {
  return { bridge: cpuBetween(a.bridge, b.bridge), runtime: cpuBetween(a.runtime, b.runtime) };
}

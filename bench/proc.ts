/** Reads a process's CPU time and resident memory from /proc (Linux), and finds its children. */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of utime/stime (`getconf CLK_TCK`; 100 on Linux x86-64 and arm64). */
const CLK_TCK = 100;

export interface ProcUsage {
  /** utime + stime, seconds (10 ms resolution). */
  cpuSeconds: number;
  /** VmRSS, bytes. */
  rssBytes: number;
}

/** CPU and RSS of a live process; `undefined` once it has exited. */
export function procUsage(pid: number): ProcUsage | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "pid (comm) ": state is field 3, utime field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
    return { cpuSeconds: ticks / CLK_TCK, rssBytes: rssKb * 1024 };
  } catch {
    return undefined;
  }
}

/** Direct children of a process (from every thread's `children` list). */
export function childPids(pid: number): number[] {
  const out = new Set<number>();
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      for (const p of list.split(/\s+/)) if (p) out.add(Number(p));
    }
  } catch {
    // exited
  }
  return [...out];
}

/** The command line of a process, NUL separators turned into spaces. */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return "";
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The Copilot runtime a process spawned (the SDK's bundled `copilot-runtime`), if any. */
export function runtimeChild(pid: number): number | undefined {
  return childPids(pid).find((c) => /copilot/.test(cmdline(c)));
}

/** CPU seconds used between two readings; NaN when either is missing. */
export function cpuBetween(a: ProcUsage | undefined, b: ProcUsage | undefined): number {
  return a && b ? round(b.cpuSeconds - a.cpuSeconds, 2) : Number.NaN;
}

export const mb = (bytes: number | undefined): number =>
  bytes === undefined ? Number.NaN : round(bytes / 2 ** 20, 1);

export function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/**
 * Worktrees: what a session's own git worktree adds to starting, reading and ending a session, measured
 * directly against `GitWorkspaces` (no bridge, no runtime) on a path repository of `files` small text
 * files in `dirs` directories, one commit:
 * - `create` over `sessions` sessions (the first call, cold, also on its own);
 * - `changes` after writing one file into each worktree;
 * - `retire` of each (which commits that file, removes the worktree and keeps the branch);
 * - the disk one worktree takes (its directory, and git's administrative directory for it, whose
 *   index grows with the file count) against the repository's checkout.
 * The same repository as a URL (a bare copy served as file://): the one-time clone (its first `create`),
 * then `create`, which fetches every time, for `urlSessions` sessions interleaved with the path ones,
 * beside a plain `cp -r` of the work tree: the floor for writing that many files on this machine.
 * Nothing is published: the publisher throws if anything asks it to.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import type { Logger } from "../src/core/log.js";
import type { WorkspaceInfo } from "../src/core/ports/workspace.js";
import { GitWorkspaces } from "../src/workspace/index.js";
import type { Publisher } from "../src/workspace/remote.js";
import { type Summary, summarize } from "./stats.js";

const execFileAsync = promisify(execFile);

export interface WorktreeOptions {
  /** Files in the repository (default 5000). */
  files?: number;
  /** Directories they are spread over (default 20). */
  dirs?: number;
  /** Sessions on the path repository (default 30). */
  sessions?: number;
  /** Sessions on the URL repository after its clone (default 10). */
  urlSessions?: number;
}

interface Disk {
  /** `du -sk`: what it takes on this file system, MB. */
  diskMb: number;
  /** `du -sk --apparent-size`: the bytes in it, MB. */
  apparentMb: number;
}

export interface WorktreeResult {
  files: number;
  dirs: number;
  sessions: number;
  /** Seconds to write and commit the repository (setup, not measured against the bridge). */
  setupSeconds: number;
  /** `cp -r` of the work tree (no .git), interleaved with the sessions: the floor for writing its files. */
  copyMs: Summary;
  pathRepo: {
    /** The first `create` on the repository (cold). */
    firstCreateMs: number;
    createMs: Summary;
    changesMs: Summary;
    retireMs: Summary;
    /** Of the retired sessions, how many kept their branch (all should: each had a file). */
    branchesKept: number;
  };
  disk: {
    /** The repository's work tree, without .git. */
    checkout: Disk;
    /** The repository's .git. */
    gitDir: Disk;
    /** One session worktree's directory (the checked-out files and its `.git` file). */
    worktree: Disk;
    /** git's administrative directory for that worktree (`.git/worktrees/<id>`: its index, HEAD…). */
    worktreeAdmin: Disk;
  };
  urlRepo: {
    sessions: number;
    /** The first `create`: `git init --bare`, fetch of everything from file://, then the worktree. */
    firstCreateWithCloneMs: number;
    /** Every later `create`: `git fetch` (nothing new), then the worktree. */
    fetchAndCreateMs: Summary;
  };
  warnings: string[];
  durationSeconds: number;
}

/** An environment for git cut off from this machine's configuration (and so from its hooks and signing). */
function isolatedGitEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Bench",
    GIT_AUTHOR_EMAIL: "bench@example.com",
    GIT_COMMITTER_NAME: "Bench",
    GIT_COMMITTER_EMAIL: "bench@example.com",
  };
}

/** `files` small text files over `dirs` directories, committed once on `main`. */
function buildRepository(dir: string, files: number, dirs: number, env: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir, env });
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `module-${String(i % dirs).padStart(2, "0")}`);
    if (i < dirs) mkdirSync(sub, { recursive: true });
    const lines = [`// file ${i}`, `export const id${i} = ${i};`, `export const name${i} = "file-${i}";`];
    for (let l = 0; l < (i % 7) + 3; l++) lines.push(`// line ${l} of file ${i}: lorem ipsum dolor sit amet`);
    writeFileSync(join(sub, `file-${String(i).padStart(5, "0")}.ts`), `${lines.join("\n")}\n`);
  }
  execFileSync("git", ["add", "--all"], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });
  execFileSync("git", ["commit", "-q", "-m", "Initial commit"], { cwd: dir, env });
}

async function du(path: string, extra: string[] = []): Promise<Disk> {
  const kb = async (args: string[]) => {
    const { stdout } = await execFileAsync("du", ["-sk", ...args, ...extra, path]);
    return Number(stdout.split("\t")[0]);
  };
  const mb = (k: number) => Math.round((k / 1024) * 100) / 100;
  return { diskMb: mb(await kb([])), apparentMb: mb(await kb(["--apparent-size"])) };
}

/** A linked worktree's administrative directory, from its `.git` file (`gitdir: …`). */
function adminDirOf(worktree: string): string {
  const line = readFileSync(join(worktree, ".git"), "utf8").trim();
  const dir = line.replace(/^gitdir: /, "");
  return isAbsolute(dir) ? dir : resolve(worktree, dir);
}

const nothingPublished: Publisher = {
  repoOf: () => {
    throw new Error("the worktree benchmark publishes nothing");
  },
  push: () => Promise.reject(new Error("the worktree benchmark publishes nothing")),
  openOrUpdate: () => Promise.reject(new Error("the worktree benchmark publishes nothing")),
};

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await run();
  return { ms: performance.now() - t0, value };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Flushes what earlier phases wrote (thousands of files created and removed) before the next phase is
 * timed, so one phase's writeback is not charged to the next.
 */
async function settle(): Promise<void> {
  await execFileAsync("sync");
}

export async function measureWorktree(options: WorktreeOptions = {}): Promise<WorktreeResult> {
  const files = options.files ?? 5000;
  const dirs = options.dirs ?? 20;
  const sessions = options.sessions ?? 30;
  const urlSessions = options.urlSessions ?? 10;
  const started = performance.now();
  const root = mkdtempSync(join(tmpdir(), "ccb-bench-worktree-"));
  const warnings: string[] = [];
  const log: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (m, f) => warnings.push(`${m} ${JSON.stringify(f ?? {})}`),
    error: (m, f) => warnings.push(`${m} ${JSON.stringify(f ?? {})}`),
  };
  try {
    const home = join(root, "home");
    mkdirSync(home);
    const env = isolatedGitEnv(home);
    const repo = join(root, "big");
    const t0 = performance.now();
    buildRepository(repo, files, dirs, env);
    const setupSeconds = Math.round((performance.now() - t0) / 100) / 10;
    await settle();

    // A plain copy of the work tree (no .git): the floor for writing its files, measured beside the
    // worktrees (the machine's file system speed varies from run to run).
    const plain = join(root, "plain");
    execFileSync("cp", ["-r", repo, plain]);
    rmSync(join(plain, ".git"), { recursive: true, force: true });
    // The URL repository: a bare copy of the same, served as file:// and cloned into a data directory of its own.
    const bare = join(root, "served", "big.git");
    execFileSync("git", ["clone", "-q", "--bare", repo, bare], { env });
    await settle();

    const workspaces = new GitWorkspaces({
      repos: [{ name: "big", source: repo, kind: "path" }],
      workdir: repo,
      dataDir: join(root, "data-path"),
      maxWorktrees: sessions + 10,
      publisher: nothingPublished,
      log,
      env,
    });
    const remote = new GitWorkspaces({
      repos: [{ name: "served", source: `file://${bare}`, kind: "url" }],
      workdir: root,
      dataDir: join(root, "data-url"),
      maxWorktrees: urlSessions + 10,
      publisher: nothingPublished,
      log,
      env,
    });
    const pathSession = (i: number) =>
      timed(async () => {
        const ws = await workspaces.create({
          slug: `add feature number ${i}`,
          id: `bench${String(i).padStart(4, "0")}`,
        });
        if (!ws.git) throw new Error(`session ${i} got no worktree: ${JSON.stringify(ws)}`);
        return ws;
      });
    const urlSession = (i: number) =>
      timed(async () => {
        const ws = await remote.create({ slug: `url session ${i}`, id: `url${String(i).padStart(5, "0")}` });
        if (!ws.git) throw new Error(`URL session ${i} got no worktree`);
        return ws;
      });

    // Cold: the first worktree of the path repository, then the URL repository's clone (its first create).
    const made: WorkspaceInfo[] = [];
    const createMs: number[] = [];
    const cold = await pathSession(0);
    made.push(cold.value);
    createMs.push(cold.ms);
    await settle();
    const clone = await urlSession(0);
    await settle();

    // Warm: path sessions, with a URL session and a plain copy every `sessions / urlSessions` of them,
    // interleaved so all three are timed under the same conditions.
    const every = Math.max(1, Math.floor((sessions - 1) / Math.max(1, urlSessions)));
    const fetchAndCreateMs: number[] = [];
    const copyMs: number[] = [];
    for (let i = 1; i < sessions; i++) {
      const { ms, value } = await pathSession(i);
      createMs.push(ms);
      made.push(value);
      if (i % every === 0 && fetchAndCreateMs.length < urlSessions) {
        fetchAndCreateMs.push((await urlSession(fetchAndCreateMs.length + 1)).ms);
        const target = join(root, "copies", String(i));
        mkdirSync(join(root, "copies"), { recursive: true });
        copyMs.push((await timed(() => execFileAsync("cp", ["-r", plain, target]))).ms);
      }
    }
    const first = made[0];
    if (!first) throw new Error("no session was made");
    const disk = {
      checkout: await du(repo, ["--exclude=.git"]),
      gitDir: await du(join(repo, ".git")),
      worktree: await du(first.path),
      worktreeAdmin: await du(adminDirOf(first.path)),
    };

    await settle();
    const changesMs: number[] = [];
    for (const [i, ws] of made.entries()) {
      writeFileSync(join(ws.path, "module-00", `new-${i}.ts`), `export const added${i} = true;\n`);
      const { ms, value } = await timed(() => workspaces.changes(ws));
      if (value?.files.length !== 1) throw new Error(`changes saw ${JSON.stringify(value)} in ${ws.path}`);
      changesMs.push(ms);
    }

    await settle();
    const retireMs: number[] = [];
    let branchesKept = 0;
    for (const ws of made) {
      const { ms, value } = await timed(() => workspaces.retire(ws, "Work of a benchmark session"));
      retireMs.push(ms);
      if (value.branchKept) branchesKept++;
    }

    return {
      files,
      dirs,
      sessions,
      setupSeconds,
      copyMs: summarize(copyMs),
      pathRepo: {
        firstCreateMs: round(createMs[0] ?? Number.NaN),
        createMs: summarize(createMs),
        changesMs: summarize(changesMs),
        retireMs: summarize(retireMs),
        branchesKept,
      },
      disk,
      urlRepo: {
        sessions: urlSessions,
        firstCreateWithCloneMs: round(clone.ms),
        fetchAndCreateMs: summarize(fetchAndCreateMs),
      },
      warnings,
      durationSeconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function printWorktree(r: WorktreeResult): void {
  console.log(
    `\nWorktrees: GitWorkspaces on a path repository of ${r.files} files in ${r.dirs} directories, ${r.sessions} sessions (ms)\n`,
  );
  const timing = (s: Summary, first?: number) => ({
    n: s.n,
    "first call": first ?? "",
    p50: s.p50,
    p95: s.p95,
    max: s.max,
  });
  console.table({
    create: timing(r.pathRepo.createMs, r.pathRepo.firstCreateMs),
    "changes (one file written)": timing(r.pathRepo.changesMs),
    "retire (commits it, removes the worktree)": timing(r.pathRepo.retireMs),
    "URL (file://): first create, with the clone": {
      n: 1,
      "first call": r.urlRepo.firstCreateWithCloneMs,
      p50: "",
      p95: "",
      max: "",
    },
    "URL (file://): fetch + create": timing(r.urlRepo.fetchAndCreateMs),
    "baseline: cp -r of the work tree": timing(r.copyMs),
  });
  console.log("\nDisk (MB)\n");
  console.table({
    "repository checkout (without .git)": r.disk.checkout,
    "repository .git": r.disk.gitDir,
    "one session worktree": r.disk.worktree,
    "its admin dir (.git/worktrees/<id>)": r.disk.worktreeAdmin,
  });
  console.log(
    `${r.pathRepo.branchesKept}/${r.sessions} retired sessions kept their branch; repository built in ${r.setupSeconds} s`,
  );
  if (r.warnings.length > 0) console.log(`warnings logged:\n${r.warnings.join("\n")}`);
}

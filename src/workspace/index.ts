import { existsSync } from "node:fs";
import { mkdir, readdir } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Logger } from "../core/log.js";
import type {
  ChangeSummary,
  NewWorkspace,
  PublishRequest,
  Repository,
  WorkspaceInfo,
  Workspaces,
} from "../core/ports/workspace.js";
import { PublishError } from "../core/ports/workspace.js";
import { SerialQueue } from "../core/serial.js";
import { patchOf, snapshotTree, summarize } from "./changes.js";
import { commitAll } from "./commit.js";
import { type Env, Git, GitError } from "./git.js";
import { publishWorktree } from "./publish.js";
import type { Publisher } from "./remote.js";
import { type OpenedPlace, type Place, Places } from "./repos.js";
import {
  branchName,
  canonical,
  dirName,
  dropBranchIfSafe,
  type ListedWorktree,
  readBaseNote,
  removeWorktree,
  worktreesUnder,
  writeBaseNote,
} from "./worktrees.js";

export { GitError, git } from "./git.js";
export { parseRepos } from "./repo-list.js";

export interface GitWorkspacesOptions {
  /** BRIDGE_REPOS, parsed (`parseRepos`). */
  repos: readonly Repository[];
  /** BRIDGE_WORKDIR: where sessions start when there are no repositories. */
  workdir: string;
  /** The bridge's data directory: clones under `repos/`, session worktrees under `worktrees/`. */
  dataDir: string;
  /** BRIDGE_MAX_WORKTREES. */
  maxWorktrees: number;
  publisher: Publisher;
  log: Logger;
  /** The environment of git's child processes (process.env when unset). */
  env?: Env;
}

const leftBehind = "Work left when the bridge stopped";
const fetchTimeoutMs = 5 * 60 * 1000;

/** Every session in a git worktree of its own, on a branch of its own (`copilot/<slug>-<id>`). */
export class GitWorkspaces implements Workspaces {
  private readonly git: Git;
  private readonly places: Places;
  private readonly dataDir: string;
  /**
   * Worktrees are added, removed and their branches deleted one at a time: the limit is checked against
   * a count no other start can change meanwhile, and two git processes never race for the same ref locks.
   */
  private readonly structural = new SerialQueue(() => undefined /* each caller gets its own error */);

  constructor(private readonly options: GitWorkspacesOptions) {
    this.git = new Git(options.env ?? process.env);
    this.dataDir = resolve(options.dataDir);
    this.places = new Places(options.repos, options.workdir, this.dataDir, this.git, options.log);
  }

  repositories(): readonly Repository[] {
    return this.options.repos;
  }

  /**
   * Counted on disk, without asking git: every directory under `<dataDir>/worktrees/<repository>/`
   * with a `.git` is a session worktree, whether or not its repository is still configured.
   */
  async count(): Promise<number> {
    const root = join(this.dataDir, "worktrees");
    let n = 0;
    for (const repo of await subdirectories(root)) {
      for (const dir of await subdirectories(join(root, repo)))
        if (existsSync(join(root, repo, dir, ".git"))) n++;
    }
    return n;
  }

  async create(request: NewWorkspace): Promise<WorkspaceInfo> {
    const place = this.places.pick(request.repo);
    return this.structural.run(async () => {
      // A path is asked first whether it is a repository at all (a plain directory takes no worktree);
      // a URL is only cloned or fetched once the limit allows another worktree.
      let opened = place.kind === "path" ? await this.places.open(place) : undefined;
      if (place.kind === "path" && !opened) return { repo: place.name, path: place.dir, git: false };
      const existing = await this.count();
      if (existing >= this.options.maxWorktrees) {
        throw new Error(
          `Cannot start another worktree: BRIDGE_MAX_WORKTREES (${this.options.maxWorktrees}) worktrees exist. ` +
            "End a session that is no longer needed, or raise BRIDGE_MAX_WORKTREES.",
        );
      }
      opened ??= await this.places.open(place);
      if (!opened) return { repo: place.name, path: place.dir, git: false };
      return this.addWorktree(opened, request);
    });
  }

  async changes(ws: WorkspaceInfo): Promise<ChangeSummary | undefined> {
    if (!ws.git) return undefined;
    const { top, index } = await this.locate(ws);
    return summarize(this.git, top, ws.baseCommit ?? "HEAD", await snapshotTree(this.git, top, index));
  }

  async diff(ws: WorkspaceInfo): Promise<string> {
    if (!ws.git) return "";
    const { top, index } = await this.locate(ws);
    return patchOf(this.git, top, ws.baseCommit ?? "HEAD", await snapshotTree(this.git, top, index));
  }

  async discard(ws: WorkspaceInfo): Promise<void> {
    if (!ws.git)
      throw new Error("this session's directory is not a git worktree: there is nothing to discard");
    const top = await this.top(ws);
    let target = ws.baseCommit;
    if (ws.pullRequest && ws.branch) {
      const tracking = `refs/remotes/origin/${ws.branch}`;
      // The pull request may have moved on GitHub (a reviewer's commit); without a connection, the branch
      // as the bridge pushed it last is the best there is.
      await this.git
        .run(top, ["fetch", "--quiet", "--no-tags", "origin", `+refs/heads/${ws.branch}:${tracking}`], {
          timeoutMs: fetchTimeoutMs,
        })
        .catch((error: unknown) =>
          this.options.log.debug("could not fetch the pull request's branch", { error }),
        );
      target = await this.git.commitOf(top, tracking);
      if (!target) throw new Error(`the pull request's branch origin/${ws.branch} is not known here`);
    }
    if (!target) throw new Error("this worktree's base commit is not known");
    await this.git.run(top, ["reset", "--hard", "--quiet", target]);
    // Not -x: ignored files (installed dependencies, build output) stay.
    await this.git.run(top, ["clean", "-d", "--force", "--quiet"]);
  }

  async publish(
    ws: WorkspaceInfo,
    request: PublishRequest,
  ): Promise<{ number: number; url: string; created: boolean }> {
    const branch = ws.branch;
    if (!ws.git || !branch)
      throw new PublishError("nothing-to-publish", "this session's directory is not a git worktree");
    const top = await this.top(ws);
    // The bridge's clone has the URL as origin; a checkout used in place has its own origin (or none).
    const remote = (await this.git.ask(top, ["config", "--get", "remote.origin.url"]))?.trim() || undefined;
    const deps = { git: this.git, publisher: this.options.publisher, log: this.options.log };
    return publishWorktree(deps, { ...ws, branch }, top, remote, request);
  }

  retire(ws: WorkspaceInfo, message: string): Promise<{ branchKept: boolean }> {
    return this.structural.run(() => this.retireNow(ws, message));
  }

  async sweep(live: readonly WorkspaceInfo[]): Promise<number> {
    const livePaths = live.filter((ws) => ws.git).map((ws) => canonical(ws.path));
    const isLive = (place: Place, w: ListedWorktree) =>
      livePaths.some((p) => p === w.path || p.startsWith(w.path + sep)) ||
      live.some(
        (ws) => ws.git && ws.repo === place.name && ws.branch !== undefined && ws.branch === w.branch,
      );
    let retired = 0;
    for (const place of this.places.present()) {
      for (const w of await this.listed(place)) {
        if (isLive(place, w)) continue;
        if (!w.branch) {
          // Detached (the agent checked out a commit): no branch to keep its work on, so it stays.
          this.options.log.warn("left a worktree without a branch in place", { path: w.path });
          continue;
        }
        const ws: WorkspaceInfo = {
          repo: place.name,
          path: w.path,
          git: true,
          branch: w.branch,
          ...readBaseNote(w.path),
        };
        try {
          await this.retire(ws, leftBehind);
          retired++;
        } catch (error) {
          this.options.log.warn("could not retire a worktree left behind", { path: w.path, error });
        }
      }
      await this.structural
        .run(() => this.git.run(place.dir, ["worktree", "prune"]))
        .catch((error: unknown) =>
          this.options.log.warn("git worktree prune failed", { dir: place.dir, error }),
        );
    }
    return retired;
  }

  private async addWorktree(opened: OpenedPlace, request: NewWorkspace): Promise<WorkspaceInfo> {
    const { place, prefix } = opened;
    const base = request.base
      ? await this.places.namedBase(place, request.base)
      : await this.places.defaultBase(place);
    const parent = join(this.dataDir, "worktrees", place.segment);
    await mkdir(parent, { recursive: true });
    const { branch, dir } = await this.freeName(
      place,
      canonical(parent),
      branchName(request.slug, request.id),
    );
    const args = ["worktree", "add", "--quiet", "--no-track", "-b", branch, dir, base.commit];
    try {
      await this.git.run(place.dir, args);
    } catch (error) {
      // A checkout that failed half-way (a filter, a full disk) leaves a directory and a branch behind.
      // Tidying up is best effort: the error worth reporting is the one that stopped the checkout.
      await removeWorktree(this.git, place.dir, existsSync(dir) ? dir : undefined).catch(() => undefined);
      await this.git.ask(place.dir, ["branch", "--quiet", "-D", branch]).catch(() => undefined);
      throw error;
    }
    await writeBaseNote(dir, { base: base.name, baseCommit: base.commit });
    // A place inside a larger repository (a folder of a monorepo) starts its sessions in the same folder.
    const path = prefix ? join(dir, prefix) : dir;
    if (prefix) await mkdir(path, { recursive: true });
    this.options.log.info("made a worktree", { repo: place.name, branch, base: base.name, path });
    return { repo: place.name, path, git: true, base: base.name, baseCommit: base.commit, branch };
  }

  /** `name`, or `name-2`, `name-3`… when a branch or directory of that name exists already. */
  private async freeName(
    place: Place,
    parent: string,
    name: string,
  ): Promise<{ branch: string; dir: string }> {
    for (let n = 1; n <= 100; n++) {
      const branch = n === 1 ? name : `${name}-${n}`;
      const dir = join(parent, dirName(branch));
      if (!existsSync(dir) && !(await this.git.commitOf(place.dir, `refs/heads/${branch}`)))
        return { branch, dir };
    }
    throw new Error(`could not find a free branch name for ${name}`);
  }

  private async retireNow(ws: WorkspaceInfo, message: string): Promise<{ branchKept: boolean }> {
    const branch = ws.branch;
    if (!ws.git || !branch) return { branchKept: false };
    const repoDir = await this.repoDirOf(ws);
    if (!repoDir) {
      this.options.log.warn("cannot find the repository of a worktree; leaving it", { path: ws.path });
      return { branchKept: true };
    }
    const path = canonical(ws.path);
    const entry = (await worktreesUnder(this.git, repoDir, join(this.dataDir, "worktrees"))).find(
      (w) => !w.prunable && (w.branch === branch || path === w.path || path.startsWith(w.path + sep)),
    );
    if (entry) {
      if (!existsSync(join(entry.path, ".git")))
        throw new Error(`${entry.path} has lost its .git file; leaving it`);
      // Never lose work: whatever the agent left uncommitted goes on the branch before the directory goes.
      await commitAll(this.git, entry.path, message);
    }
    await removeWorktree(this.git, repoDir, entry?.path);
    const branchKept = await dropBranchIfSafe(this.git, repoDir, branch, ws.baseCommit);
    this.options.log.info("retired a worktree", { repo: ws.repo, branch, branchKept });
    return { branchKept };
  }

  /** The repository a workspace belongs to: its configured place, or, if no longer configured, its worktree's. */
  private async repoDirOf(ws: WorkspaceInfo): Promise<string | undefined> {
    const place = this.places.of(ws.repo);
    if (place && existsSync(place.dir)) return place.dir;
    if (!existsSync(ws.path)) return undefined;
    const top = await this.top(ws);
    return resolve(top, (await this.git.run(top, ["rev-parse", "--git-common-dir"])).trim());
  }

  /** The session worktrees of a place (none when it is not a git repository, or no longer one). */
  private async listed(place: Place): Promise<ListedWorktree[]> {
    try {
      return await worktreesUnder(this.git, place.dir, join(this.dataDir, "worktrees", place.segment));
    } catch (error) {
      if (error instanceof GitError && error.exitCode === 128) return [];
      throw error;
    }
  }

  /**
   * The top directory of a session's worktree, checked to be one of the bridge's: a path whose `.git`
   * went missing would otherwise lead git up to an enclosing repository, and `reset --hard` there.
   */
  private async top(ws: WorkspaceInfo): Promise<string> {
    return (await this.locate(ws)).top;
  }

  /** `top`, and the worktree's index file (asked in the same git call: changes and diff need both). */
  private async locate(ws: WorkspaceInfo): Promise<{ top: string; index: string }> {
    let dir = ws.path;
    // The agent may have removed the folder it started in; the worktree around it still counts.
    while (!existsSync(dir) && this.isSessionPath(dirname(dir))) dir = dirname(dir);
    if (!existsSync(dir)) throw new Error(`the worktree ${ws.path} does not exist any more`);
    const out = await this.git.run(dir, ["rev-parse", "--show-toplevel", "--git-path", "index"]);
    const [shown = "", index = ""] = out.trim().split("\n");
    const top = canonical(shown);
    if (!this.isSessionPath(top) || !existsSync(join(top, ".git"))) {
      throw new Error(`${ws.path} is not one of the bridge's worktrees`);
    }
    return { top, index: resolve(dir, index) };
  }

  /** Inside `<dataDir>/worktrees/<repository>/<worktree>`. */
  private isSessionPath(path: string): boolean {
    const rel = relative(canonical(join(this.dataDir, "worktrees")), canonical(path));
    return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) && rel.split(sep).length >= 2;
  }
}

async function subdirectories(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    // Not made yet: no worktree was ever added there.
    return [];
  }
}

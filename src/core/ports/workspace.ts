import type { WorkspaceInfo } from "../vocabulary/workspace.js";
/**
 * Where a session works: a git worktree of its own on its own branch, made from a repository the
 * bridge may use (BRIDGE_REPOS), or a plain directory. `src/workspace/` implements this with git;
 * pull requests go through GitHub's REST API.
 */

/** A repository the bridge may work in, as BRIDGE_REPOS names it. */
export interface Repository {
  name: string;
  /** An absolute path to a checkout, or a git URL that is cloned into the bridge's data directory. */
  source: string;
  kind: "path" | "url";
}

export type { WorkspaceInfo } from "../vocabulary/workspace.js";

/** One changed file: lines added and removed (binary files count neither). */
export interface FileChange {
  path: string;
  added: number;
  removed: number;
  binary: boolean;
}

/** What a session changed against its base, committed or not. */
export interface ChangeSummary {
  files: FileChange[];
  added: number;
  removed: number;
}

/** Why a pull request could not be made, with what fixes it. */
export type PublishFailure =
  | "no-token"
  | "unauthorized"
  | "no-push-access"
  | "branch-protected"
  | "conflict"
  | "not-github"
  | "nothing-to-publish"
  | "other";

export class PublishError extends Error {
  override name = "PublishError";
  constructor(
    readonly reason: PublishFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface NewWorkspace {
  /** A BRIDGE_REPOS name, or undefined for the default. */
  repo?: string | undefined;
  /** The base branch; the repository's default (or its checkout's current branch) when unset. */
  base?: string | undefined;
  /** Words for the branch name (from the prompt). */
  slug: string;
  /** A short unique id for the branch name (from the thread). */
  id: string;
}

export interface PublishRequest {
  /** The commit message and pull request title. */
  title: string;
  /** The pull request's body (links back to the thread). */
  body: string;
  /** The GitHub token that pushes and opens the pull request. */
  token: string | undefined;
}

export interface Workspaces {
  /** The repositories the bridge may use, in BRIDGE_REPOS order (empty without BRIDGE_REPOS). */
  repositories(): readonly Repository[];
  /** How many session worktrees exist now (bounded by BRIDGE_MAX_WORKTREES). */
  count(): Promise<number>;
  /** Makes the session's worktree and branch; a non-git directory is used as it is. */
  create(request: NewWorkspace): Promise<WorkspaceInfo>;
  /** What the worktree changed against its base (committed and uncommitted); undefined without git. */
  changes(workspace: WorkspaceInfo): Promise<ChangeSummary | undefined>;
  /** The changes as a patch (`git diff` against the base, new files included). */
  diff(workspace: WorkspaceInfo): Promise<string>;
  /** Drops what is not published: back to the pull request's head, or to the base. */
  discard(workspace: WorkspaceInfo): Promise<void>;
  /**
   * Commits what is uncommitted, pushes the branch and opens the pull request, or updates the one
   * already open. Throws `PublishError` with the reason when it cannot.
   */
  publish(
    workspace: WorkspaceInfo,
    request: PublishRequest,
  ): Promise<{ number: number; url: string; created: boolean }>;
  /**
   * The session ended: commits what is uncommitted, removes the worktree, and keeps the branch while
   * it has commits that are not pushed. Returns whether the branch was kept.
   */
  retire(workspace: WorkspaceInfo, message: string): Promise<{ branchKept: boolean }>;
  /** Retires every session worktree not in `live` (after a restart). Returns how many. */
  sweep(live: readonly WorkspaceInfo[]): Promise<number>;
}

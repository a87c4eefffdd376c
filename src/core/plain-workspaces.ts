import type { ChangeSummary, NewWorkspace, Repository, Workspaces } from "./ports/workspace.js";
import { PublishError } from "./ports/workspace.js";
import type { WorkspaceInfo } from "./vocabulary/workspace.js";

/**
 * Every session in one plain directory, as before workspaces: no repositories, no branches, no pull
 * requests. The core's default when the bridge is built without a `Workspaces` (tests, benchmarks).
 */
export class PlainWorkspaces implements Workspaces {
  constructor(private readonly directory: string) {}

  repositories(): readonly Repository[] {
    return [];
  }

  async count(): Promise<number> {
    return 0;
  }

  async create(request: NewWorkspace): Promise<WorkspaceInfo> {
    if (request.repo) throw new Error(`there is no repository ${request.repo} (BRIDGE_REPOS is not set)`);
    return { repo: "", path: this.directory, git: false };
  }

  async changes(): Promise<ChangeSummary | undefined> {
    return undefined;
  }

  async diff(): Promise<string> {
    return "";
  }

  async discard(): Promise<void> {
    throw new Error("this session's directory is not a git worktree: there is nothing to discard");
  }

  async publish(): Promise<never> {
    throw new PublishError("nothing-to-publish", "this session's directory is not a git worktree");
  }

  async retire(): Promise<{ branchKept: boolean }> {
    return { branchKept: false };
  }

  async sweep(): Promise<number> {
    return 0;
  }
}

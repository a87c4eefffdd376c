/** The GitHub side of publishing a session's branch: pushing it, and its pull request. */

/** A repository on a GitHub host (github.com, or a GitHub Enterprise Server host). */
export interface GitHubRepo {
  host: string;
  owner: string;
  name: string;
}

export interface PullRequestSpec {
  /** The session's branch. */
  head: string;
  /** The branch it was made from. */
  base: string;
  title: string;
  body: string;
}

export interface PullRequestRef {
  number: number;
  url: string;
}

/**
 * Pushes branches and opens pull requests. Every failure is a `PublishError` (src/core/ports/workspace.ts)
 * whose reason says what fixes it. The token is used for this call only: never written to a git
 * config, a remote URL, an argument list or a log line.
 */
export interface Publisher {
  /** The GitHub repository a remote URL names, or undefined when it is not on a GitHub host the bridge knows. */
  repoOf(remoteUrl: string): GitHubRepo | undefined;
  /** `git push` of `branch` from the worktree at `cwd` to `remoteUrl` over HTTPS, authenticated with `token`. */
  push(cwd: string, remoteUrl: string, branch: string, token: string): Promise<void>;
  /**
   * Opens the pull request, or, when `existing` (or an open one for the same head) is there, updates its
   * title and body. `created` tells which.
   */
  openOrUpdate(
    repo: GitHubRepo,
    spec: PullRequestSpec,
    token: string,
    existing?: number,
  ): Promise<PullRequestRef & { created: boolean }>;
}

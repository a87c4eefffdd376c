import type { Logger } from "../core/log.js";
import { PublishError, type PublishRequest, type WorkspaceInfo } from "../core/ports/workspace.js";
import { commitAll } from "./commit.js";
import type { Git } from "./git.js";
import type { Publisher } from "./remote.js";
import { shownUrl } from "./repos.js";

export interface PublishDeps {
  git: Git;
  publisher: Publisher;
  log: Logger;
}

/**
 * Publishes the worktree at `top`: commits what is uncommitted, pushes the branch to `remoteUrl` and
 * opens (or updates) its pull request. `remoteUrl` is undefined when the repository has no `origin`.
 */
export async function publishWorktree(
  deps: PublishDeps,
  ws: WorkspaceInfo & { branch: string },
  top: string,
  remoteUrl: string | undefined,
  request: PublishRequest,
): Promise<{ number: number; url: string; created: boolean }> {
  const { git, publisher } = deps;
  const token = request.token;
  if (!token) {
    throw new PublishError(
      "no-token",
      "There is no GitHub token to push with: set GITHUB_TOKEN for the bridge, or link your GitHub account.",
    );
  }
  if (!remoteUrl) {
    throw new PublishError("not-github", "The repository has no remote named origin to publish to.");
  }
  const repo = publisher.repoOf(remoteUrl);
  if (!repo) {
    throw new PublishError(
      "not-github",
      `The remote ${shownUrl(remoteUrl)} is not on a GitHub host the bridge knows, so it cannot open a pull request there.`,
    );
  }
  const base = ws.base;
  if (!base) throw new PublishError("other", "This worktree's base branch is not known.");

  const local = `refs/heads/${ws.branch}`;
  const on = (await git.ask(top, ["symbolic-ref", "--quiet", "HEAD"]))?.trim();
  if (on !== local) {
    const where = on ? `branch ${on.replace(/^refs\/heads\//, "")}` : "a detached HEAD";
    throw new PublishError(
      "other",
      `The worktree is on ${where}, not on its branch ${ws.branch}: switch back to ${ws.branch} to publish.`,
    );
  }
  const tracking = `refs/remotes/origin/${ws.branch}`;
  const dirty = (await git.run(top, ["status", "--porcelain"])).trim() !== "";
  const head = await git.commitOf(top, "HEAD");
  const pushed = await git.commitOf(top, tracking);
  if (!dirty && head === ws.baseCommit) {
    throw new PublishError(
      "nothing-to-publish",
      "Nothing changed against the base, so there is nothing to publish.",
    );
  }
  // Pushed already, but GitHub refused the pull request last time (a 422, a 409, an outage): the
  // push is done, the pull request is what is still missing.
  const pushedOnly = !dirty && head === pushed;
  if (pushedOnly && ws.pullRequest) {
    throw new PublishError("nothing-to-publish", "Everything on this branch is published already.");
  }
  if (dirty) await commitAll(git, top, request.title);
  if (!pushedOnly) await publisher.push(top, remoteUrl, ws.branch, token);
  // What `git push origin` would record: the branch as the remote has it now. Retiring the session
  // later reads it to know the branch's commits are safe, and discarding goes back to it.
  const now = await git.commitOf(top, local);
  if (now) await git.run(top, ["update-ref", tracking, now]);
  deps.log.info("pushed a session's branch", { branch: ws.branch, repo: `${repo.owner}/${repo.name}` });
  return publisher.openOrUpdate(
    repo,
    { head: ws.branch, base, title: request.title, body: request.body },
    token,
    ws.pullRequest?.number,
  );
}

import type { Env, Git } from "./git.js";

/**
 * Who the bridge's commits are by when the repository's own configuration names nobody. The address is
 * under the reserved `.invalid` domain, so it can never be attributed to a real account.
 */
export const bridgeIdentity = {
  name: "Copilot via copilot-chat-bridge",
  email: "copilot-chat-bridge@noreply.invalid",
};

const fallbackMessage = "Changes from a Copilot session";

/**
 * Commits everything in the worktree at `cwd` (new and deleted files too; ignored ones stay out) with
 * `message`. Returns whether there was anything to commit.
 */
export async function commitAll(git: Git, cwd: string, message: string): Promise<boolean> {
  await git.run(cwd, ["add", "--all"]);
  if (await git.succeeds(cwd, ["diff", "--cached", "--quiet"])) return false;
  const env = await identity(git, cwd);
  // --cleanup=whitespace keeps a title such as "#12 fix" (the default would strip it as a comment);
  // --no-verify is belt and braces beside the disabled hooks.
  await git.run(
    cwd,
    ["commit", "--quiet", "--no-verify", "--cleanup=whitespace", "-m", message.trim() || fallbackMessage],
    env ? { env } : {},
  );
  return true;
}

/**
 * The bridge's identity, unless the repository's own configuration (not the global one of whoever runs
 * the bridge) names a user: an operator sets one there to have the commits under another name.
 */
async function identity(git: Git, cwd: string): Promise<Env | undefined> {
  const set = await git.ask(cwd, ["config", "--local", "--get-regexp", "^user\\.(name|email)$"]);
  const keys = new Set((set ?? "").split("\n").map((line) => line.split(" ")[0]));
  if (keys.has("user.name") && keys.has("user.email")) return undefined;
  return {
    GIT_AUTHOR_NAME: bridgeIdentity.name,
    GIT_AUTHOR_EMAIL: bridgeIdentity.email,
    GIT_COMMITTER_NAME: bridgeIdentity.name,
    GIT_COMMITTER_EMAIL: bridgeIdentity.email,
  };
}

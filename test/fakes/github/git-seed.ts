/** Writing into the fake's bare repositories directly: commits made without a client, and the protection hook. */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";

export const AUTHOR_ENV = {
  GIT_AUTHOR_NAME: "Fake GitHub",
  GIT_AUTHOR_EMAIL: "noreply@github.com",
  GIT_COMMITTER_NAME: "Fake GitHub",
  GIT_COMMITTER_EMAIL: "noreply@github.com",
};

function gitSync(cwd: string, args: string[], env: Record<string, string>, input?: string): string {
  return execFileSync("git", args, {
    cwd,
    env,
    encoding: "utf8",
    ...(input === undefined ? {} : { input }),
  }).trim();
}

function resolves(cwd: string, ref: string, env: Record<string, string>): boolean {
  try {
    execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
      cwd,
      env,
      stdio: "ignore",
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Commits `files` (path → content) on `branch` of the bare repository `dir`, on top of its tip, or of
 * `from` when the branch does not exist yet, through a scratch index at `index`. Returns the commit.
 */
export function commitFiles(
  dir: string,
  env: Record<string, string>,
  index: string,
  c: { branch: string; from?: string; files: Record<string, string>; message?: string },
): string {
  const ienv = { ...env, GIT_INDEX_FILE: index };
  const parentRef = [`refs/heads/${c.branch}`, c.from ? `refs/heads/${c.from}` : ""].find(
    (r) => r && resolves(dir, r, env),
  );
  const parent = parentRef ? gitSync(dir, ["rev-parse", `${parentRef}^{commit}`], env) : undefined;
  rmSync(index, { force: true });
  try {
    if (parent) gitSync(dir, ["read-tree", parent], ienv);
    for (const [path, content] of Object.entries(c.files)) {
      const sha = gitSync(dir, ["hash-object", "-w", "--stdin"], ienv, content);
      gitSync(dir, ["update-index", "--add", "--cacheinfo", `100644,${sha},${path}`], ienv);
    }
    const tree = gitSync(dir, ["write-tree"], ienv);
    const args = ["commit-tree", tree, "-m", c.message ?? `Update ${Object.keys(c.files).join(", ")}`];
    const commit = gitSync(dir, parent ? [...args, "-p", parent] : args, ienv);
    gitSync(dir, ["update-ref", `refs/heads/${c.branch}`, commit], ienv);
    return commit;
  } finally {
    rmSync(index, { force: true });
  }
}

/**
 * A pre-receive hook that declines updates of the branches listed in `list` (one a line) with GitHub's
 * GH006 message; the fake rewords receive-pack's "pre-receive hook declined" as GitHub's "protected
 * branch hook declined".
 */
export function protectionHook(list: string): string {
  return [
    "#!/bin/sh",
    "# fake GitHub branch protection (FakeGit.protect)",
    "status=0",
    "while read old new ref; do",
    `  branch="\${ref#refs/heads/}"`,
    `  if grep -qxF "$branch" '${list}'; then`,
    '    echo "error: GH006: Protected branch update failed for $ref." >&2',
    '    echo "error: Changes must be made through a pull request." >&2',
    "    status=1",
    "  fi",
    "done",
    "exit $status",
    "",
  ].join("\n");
}

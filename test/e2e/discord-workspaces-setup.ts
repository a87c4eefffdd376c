/**
 * A local repository for the workspace tests: `main` with one commit (README.md), and `release`, one
 * commit further (RELEASE.md), so a worktree made from either shows which it came from. Made with the
 * machine's git, cut off from its configuration (a temp HOME, no system config, a fixed author).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LocalRepo {
  /** The checkout (on `main`). */
  dir: string;
  /** The commits `main` and `release` point at. */
  main: string;
  release: string;
  /** Runs git in the checkout (read-only questions from the tests) and returns stdout, trimmed. */
  git(args: string[]): string;
  remove(): void;
}

export function makeLocalRepo(prefix = "ccb-e2e-docs-"): LocalRepo {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const home = join(root, "home");
  const dir = join(root, "docs");
  mkdirSync(home);
  mkdirSync(dir);
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Docs Author",
    GIT_AUTHOR_EMAIL: "docs@example.com",
    GIT_COMMITTER_NAME: "Docs Author",
    GIT_COMMITTER_EMAIL: "docs@example.com",
  };
  // Local only: nothing here talks to the fake GitHub, so synchronous git cannot deadlock.
  const git = (args: string[]) => execFileSync("git", args, { cwd: dir, env, encoding: "utf8" }).trim();
  git(["init", "-q", "-b", "main"]);
  writeFileSync(join(dir, "README.md"), "# docs\n");
  git(["add", "README.md"]);
  git(["commit", "-q", "-m", "Start the docs"]);
  const main = git(["rev-parse", "HEAD"]);
  git(["checkout", "-q", "-b", "release"]);
  writeFileSync(join(dir, "RELEASE.md"), "release notes\n");
  git(["add", "RELEASE.md"]);
  git(["commit", "-q", "-m", "Prepare the release"]);
  const release = git(["rev-parse", "HEAD"]);
  git(["checkout", "-q", "main"]);
  return {
    dir,
    main,
    release,
    git,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

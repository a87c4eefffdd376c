/** What the remote-session tests share: the bridge's environment for the fake GitHub, and a checkout. */
import { execFileSync } from "node:child_process";
import type { FakeGitHub } from "../fakes/github/index.js";

/** The bridge's environment for the fake GitHub: its proxy, CA and Mission Control, and a token. */
export function gitHubEnv(gh: FakeGitHub): Record<string, string> {
  return { ...gh.env, GITHUB_TOKEN: gh.gitHubToken };
}

/** Makes `dir` a git checkout of github.com/octo/demo, which remote sessions are made from. */
export function checkoutOfDemo(dir: string): void {
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
  execFileSync("git", ["remote", "add", "origin", "https://github.com/octo/demo.git"], { cwd: dir });
}

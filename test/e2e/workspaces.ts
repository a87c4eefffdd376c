/**
 * What the workspace tests share: the repositories sessions work in (`docs`, a local checkout with no
 * remote, and `demo`, github.com/octo/demo on the fake GitHub, cloned by the bridge on first use), the
 * bridge set up with both, what a session's header says about its worktree, and the steps every case
 * takes: approve the agent's write, wait for the changes card, read a private notice.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import type { FakeGitHub } from "../fakes/github/index.js";
import type { Ephemeral, SlackMessage } from "../fakes/slack/index.js";
import { type BridgeHandle, useBridge } from "./fixture.js";
import { type BridgeHarness, buttonsOf, visible } from "./harness.js";

export const DEMO_URL = "https://github.com/octo/demo.git";

/** An environment for git on this machine only, cut off from the user's and the system's configuration. */
function localGitEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    // Reading the status must not take the index lock the bridge may want at the same moment.
    GIT_OPTIONAL_LOCKS: "0",
    GIT_AUTHOR_NAME: "Docs Author",
    GIT_AUTHOR_EMAIL: "docs@example.com",
    GIT_COMMITTER_NAME: "Docs Author",
    GIT_COMMITTER_EMAIL: "docs@example.com",
  };
}

/**
 * The `docs` checkout: `main` with README.md, `release` one commit further with RELEASE.md, `main`
 * checked out, and no remote. Made synchronously (it never talks to the fake GitHub).
 */
export class DocsRepo {
  readonly root = mkdtempSync(join(tmpdir(), "ccb-e2e-docs-"));
  readonly dir = join(this.root, "docs");
  private readonly env = localGitEnv(join(this.root, "home"));
  /** The commit `main` (and HEAD) points at. */
  readonly main: string;

  constructor() {
    mkdirSync(this.dir);
    mkdirSync(join(this.root, "home"));
    this.git("init", "-q", "-b", "main");
    writeFileSync(join(this.dir, "README.md"), "# docs\n");
    this.git("add", "README.md");
    this.git("commit", "-q", "-m", "Initial commit");
    this.main = this.git("rev-parse", "HEAD");
    this.git("checkout", "-q", "-b", "release");
    writeFileSync(join(this.dir, "RELEASE.md"), "release notes\n");
    this.git("add", "RELEASE.md");
    this.git("commit", "-q", "-m", "Release notes");
    this.git("checkout", "-q", "main");
  }

  /** git in the checkout; its stdout, trimmed. */
  git(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.dir, env: this.env, encoding: "utf8" }).trim();
  }

  /** Whether the checkout has the branch. */
  hasBranch(branch: string): boolean {
    return this.git("branch", "--list", branch) !== "";
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** git in one of the bridge's worktrees (local: it never talks to the fake GitHub); stdout, trimmed. */
export function gitIn(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, env: localGitEnv(dir), encoding: "utf8" }).trim();
}

/** The file `path` on `branch` of the fake GitHub's bare repository (read in place, not over the wire). */
export function fileOnGitHub(gh: FakeGitHub, branch: string, path: string): string {
  return execFileSync("git", ["show", `refs/heads/${branch}:${path}`], {
    cwd: gh.git.repoPath("octo", "demo"),
    env: localGitEnv(gh.git.root),
    encoding: "utf8",
  });
}

export interface WorkspaceBridge extends Pick<BridgeHandle, "h" | "gh"> {
  docs: DocsRepo;
}

/**
 * A bridge whose sessions work in `demo` (the default) and `docs`, with a fake GitHub seeded with
 * octo/demo (`main`, README.md) and its token as GITHUB_TOKEN unless `env` says otherwise.
 */
export function useWorkspaces(env: Record<string, string>): WorkspaceBridge {
  const docs = new DocsRepo();
  const { h, gh } = useBridge({
    github: true,
    env: { BRIDGE_REPOS: `demo=${DEMO_URL},docs=${docs.dir}`, ...env },
    ready: ({ gh }) => {
      gh.git.createRepo("octo", "demo", { defaultBranch: "main", files: { "README.md": "# demo\n" } });
    },
  });
  // Registered after useBridge's own `after`: the bridge has stopped using the checkout by then.
  after(() => docs.remove());
  return { h, gh, docs };
}

/** Where a session works, as its header says. */
export interface Where {
  repo: string;
  base: string;
  branch: string;
  worktree: string;
}

export function whereOf(header: SlackMessage): Where {
  const text = visible(header);
  const m = /Repository: `([^`]+)` · Base: `([^`]+)` · Branch: `([^`]+)` · Worktree: `([^`]+)`/.exec(text);
  if (!m?.[1] || !m[2] || !m[3] || !m[4]) throw new Error(`the header names no worktree: ${text}`);
  return { repo: m[1], base: m[2], branch: m[3], worktree: m[4] };
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** How many replies the thread has: a `from` for the waits below. */
export function threadLength(h: BridgeHarness, header: SlackMessage): number {
  return h.slack.thread(header.channel, header.ts).length;
}

/**
 * Waits for the agent's card asking to write `file`, approves it once as `user`, and waits for the
 * tool's result in the thread. Returns the path the runtime says it created.
 */
export async function approveWrite(
  h: BridgeHarness,
  header: SlackMessage,
  user: string,
  file: string,
): Promise<string> {
  const card = await h.slack.waitFor(
    () =>
      h.slack
        .thread(header.channel, header.ts)
        .find(
          (m) =>
            /Write a file/.test(visible(m)) &&
            visible(m).includes(file) &&
            buttonsOf(m).some((b) => b.action_id === "perm.once"),
        ),
    { what: `the card asking to write ${file}`, timeoutMs: 30_000 },
  );
  await h.click(user, card, "perm.once");
  const result = await h.waitForReply(
    header,
    new RegExp(`Tool create result: Created file (\\S*${escapeRegExp(file)})`),
    `the write of ${file}`,
  );
  const created = new RegExp(`Created file (\\S*${escapeRegExp(file)})`).exec(visible(result))?.[1];
  if (!created) throw new Error(`no path in ${visible(result)}`);
  return created;
}

/** The changes card posted after the `from`-th reply (a message with the Create/Update pull request button). */
export function changesCard(h: BridgeHarness, header: SlackMessage, from = 0): Promise<SlackMessage> {
  return h.slack.waitFor(
    () =>
      h.slack
        .thread(header.channel, header.ts)
        .slice(from)
        .find((m) => /📝/.test(visible(m)) && buttonsOf(m).some((b) => b.action_id === "ws.publish")),
    { what: "the changes card", timeoutMs: 30_000 },
  );
}

/** The private notice to `user` (from the `from`-th on) matching `match`. */
export function noticeTo(h: BridgeHarness, user: string, match: RegExp, from: number): Promise<Ephemeral> {
  return h.slack.waitFor(
    () => h.slack.ephemerals.slice(from).find((e) => e.user === user && match.test(visible(e))),
    { what: `a private notice to ${user} matching ${match}` },
  );
}

/** Runs `/copilot <text>` as `user` in `channel` and returns the private answer it gets. */
export async function command(
  h: BridgeHarness,
  user: string,
  channel: string,
  text: string,
): Promise<Ephemeral> {
  const from = h.slack.ephemerals.length;
  await h.slack.sendSlashCommand({ user_id: user, channel_id: channel, text });
  return h.slack.waitFor(() => h.slack.ephemerals.slice(from).find((e) => e.user === user), {
    what: `the answer to /copilot ${text}`,
  });
}

/** The button labels of a message. */
export function labels(message: SlackMessage): string[] {
  return buttonsOf(message).map((b) => b.text);
}

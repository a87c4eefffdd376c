import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { silentLogger } from "../../src/core/log.js";
import { PublishError, type Repository, type WorkspaceInfo } from "../../src/core/ports/workspace.js";
import { GitWorkspaces, type GitWorkspacesOptions } from "../../src/workspace/index.js";
import type { GitHubRepo, Publisher, PullRequestSpec } from "../../src/workspace/remote.js";

/**
 * Real git in temporary directories. Every git here (the bridge's and the test's own) reads no global or
 * system configuration, so the machine's settings change nothing.
 */
const scratch = mkdtempSync(join(tmpdir(), "ccb-ws-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const isolated = {
  PATH: process.env.PATH,
  HOME: scratch,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};
/**
 * The bridge's environment also carries variables a git hook would set: the bridge must ignore them, or
 * every command below would go to a repository that does not exist.
 */
const bridgeEnv = {
  ...isolated,
  GIT_DIR: join(scratch, "nowhere"),
  GIT_INDEX_FILE: join(scratch, "no-index"),
};
const testEnv = {
  ...isolated,
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.invalid",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.invalid",
};

function sh(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: testEnv, encoding: "utf8" }).trim();
}

let dirs = 0;
function freshDir(name: string): string {
  const dir = join(scratch, `${name}-${++dirs}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A checkout on `main` (two files and an ignore rule) with a bare origin it was pushed to. Made once and
 * copied for each test: copying files is much cheaper than the git commands that make them.
 */
const template = (() => {
  const root = freshDir("template");
  const dir = join(root, "checkout");
  const origin = join(root, "origin.git");
  // No sample hooks: fewer files to copy, and the tests' own hooks are the only ones.
  sh(root, "init", "--quiet", "--template=", "-b", "main", dir);
  writeFileSync(join(dir, "README.md"), "one\ntwo\nthree\n");
  writeFileSync(join(dir, "old.txt"), "old\n");
  writeFileSync(join(dir, ".gitignore"), "ignored/\n");
  sh(dir, "add", ".");
  sh(dir, "commit", "--quiet", "-m", "initial");
  sh(root, "init", "--quiet", "--template=", "--bare", "-b", "main", origin);
  sh(dir, "remote", "add", "origin", `file://${origin}`);
  sh(dir, "push", "--quiet", "origin", "main");
  return { root, originUrl: `file://${origin}` };
})();

function checkout(): { dir: string; origin: string; originUrl: string } {
  const root = freshDir("repo");
  cpSync(template.root, root, { recursive: true });
  const dir = join(root, "checkout");
  const origin = join(root, "origin.git");
  const config = join(dir, ".git", "config");
  writeFileSync(config, readFileSync(config, "utf8").replace(template.originUrl, `file://${origin}`));
  return { dir, origin, originUrl: `file://${origin}` };
}

/** Publishes the way the real one does in its effect: `git push` of the branch to the remote URL. */
class RecordingPublisher implements Publisher {
  readonly pushes: { cwd: string; remoteUrl: string; branch: string; token: string }[] = [];
  readonly pulls: { repo: GitHubRepo; spec: PullRequestSpec; token: string; existing: number | undefined }[] =
    [];

  repoOf(remoteUrl: string): GitHubRepo | undefined {
    return remoteUrl.startsWith("file://") ? { host: "github.test", owner: "acme", name: "app" } : undefined;
  }

  async push(cwd: string, remoteUrl: string, branch: string, token: string): Promise<void> {
    this.pushes.push({ cwd, remoteUrl, branch, token });
    sh(cwd, "push", "--quiet", remoteUrl, `refs/heads/${branch}:refs/heads/${branch}`);
  }

  async openOrUpdate(repo: GitHubRepo, spec: PullRequestSpec, token: string, existing?: number) {
    this.pulls.push({ repo, spec, token, existing });
    const number = existing ?? 7;
    return { number, url: `https://github.test/acme/app/pull/${number}`, created: existing === undefined };
  }
}

function workspaces(options: Partial<GitWorkspacesOptions> & { repos: Repository[] }) {
  const publisher = new RecordingPublisher();
  const ws = new GitWorkspaces({
    workdir: scratch,
    dataDir: freshDir("data"),
    maxWorktrees: 10,
    publisher,
    log: silentLogger,
    env: bridgeEnv,
    ...options,
  });
  return { ws, publisher };
}

const pathRepo = (dir: string, name = "app"): Repository => ({ name, source: dir, kind: "path" });
const read = (dir: string, file: string) => readFileSync(join(dir, file), "utf8");

test("two sessions on one checkout each get a worktree and branch, and never see each other's files", async () => {
  const { dir } = checkout();
  const head = sh(dir, "rev-parse", "HEAD");
  const { ws } = workspaces({ repos: [pathRepo(dir)] });
  const a = await ws.create({ slug: "Fix the login bug!", id: "abc123" });
  const b = await ws.create({ slug: "Fix the login bug!", id: "def456" });
  assert.equal(a.branch, "copilot/fix-the-login-bug-abc123");
  assert.equal(b.branch, "copilot/fix-the-login-bug-def456");
  assert.deepEqual(
    { repo: a.repo, git: a.git, base: a.base, baseCommit: a.baseCommit },
    {
      repo: "app",
      git: true,
      base: "main",
      baseCommit: head,
    },
  );
  assert.notEqual(a.path, b.path);
  assert.equal(sh(a.path, "branch", "--show-current"), a.branch);
  writeFileSync(join(a.path, "README.md"), "from a\n");
  writeFileSync(join(b.path, "README.md"), "from b\n");
  assert.equal(read(a.path, "README.md"), "from a\n");
  assert.equal(read(b.path, "README.md"), "from b\n");
  assert.equal(await ws.count(), 2);
  assert.equal((await ws.retire(a, "done")).branchKept, true);
  assert.equal((await ws.retire(b, "done")).branchKept, true);
  assert.equal(sh(dir, "status", "--porcelain"), "");
  assert.equal(sh(dir, "rev-parse", "HEAD"), head);
  assert.equal(sh(dir, "branch", "--show-current"), "main");
  assert.equal(read(dir, "README.md"), "one\ntwo\nthree\n");
  assert.equal(await ws.count(), 0);
});

test("branch names: whole words up to 30 characters, never empty; a taken name gets a suffix", async () => {
  const { dir } = checkout();
  const { ws } = workspaces({ repos: [pathRepo(dir)] });
  const long = await ws.create({ slug: "Refactor the authentication middleware completely", id: "X-1" });
  assert.equal(long.branch, "copilot/refactor-the-authentication-x1");
  const empty = await ws.create({ slug: "¿¡!!", id: "x1" });
  assert.equal(empty.branch, "copilot/session-x1");
  const again = await ws.create({ slug: "", id: "x1" });
  assert.equal(again.branch, "copilot/session-x1-2");
});

test("a named base: a local branch, or a remote-tracking one of the checkout", async () => {
  const { dir } = checkout();
  sh(dir, "switch", "--quiet", "-c", "dev");
  writeFileSync(join(dir, "dev.txt"), "dev\n");
  sh(dir, "add", ".");
  sh(dir, "commit", "--quiet", "-m", "dev");
  sh(dir, "push", "--quiet", "origin", "dev:feature");
  sh(dir, "switch", "--quiet", "main");
  const { ws } = workspaces({ repos: [pathRepo(dir)] });
  const dev = await ws.create({ slug: "x", id: "1", base: "dev" });
  assert.equal(dev.base, "dev");
  assert.equal(dev.baseCommit, sh(dir, "rev-parse", "dev"));
  assert.equal(read(dev.path, "dev.txt"), "dev\n");
  const feature = await ws.create({ slug: "x", id: "2", base: "feature" });
  assert.equal(feature.baseCommit, sh(dir, "rev-parse", "origin/feature"));
  const main = await ws.create({ slug: "x", id: "3" });
  assert.equal(main.base, "main", "unnamed: the checkout's current branch");
});

test("an unknown base is refused with the branches there are", async () => {
  const { dir } = checkout();
  const { ws } = workspaces({ repos: [pathRepo(dir)] });
  await assert.rejects(
    ws.create({ slug: "x", id: "1", base: "nope" }),
    /no branch nope in repository app\..*main/,
  );
  await assert.rejects(ws.create({ slug: "x", id: "1", base: "main~1" }), /no branch main~1/);
  await assert.rejects(
    ws.create({ repo: "other", slug: "x", id: "1" }),
    /no repository other: BRIDGE_REPOS names app/,
  );
  assert.equal(await ws.count(), 0);
});

test("a working directory that is not a git repository is used as it is", async () => {
  const workdir = freshDir("plain");
  const { ws } = workspaces({ repos: [], workdir });
  const info = await ws.create({ slug: "x", id: "1" });
  assert.deepEqual(info, { repo: "", path: workdir, git: false });
  assert.equal(await ws.changes(info), undefined);
  assert.equal(await ws.diff(info), "");
  assert.equal(await ws.count(), 0);
  assert.deepEqual(await ws.retire(info, "x"), { branchKept: false });
  await assert.rejects(ws.create({ repo: "app", slug: "x", id: "1" }), /BRIDGE_REPOS is not set/);
});

test("a working directory that is a checkout gets worktrees like a named repository", async () => {
  const { dir } = checkout();
  const { ws } = workspaces({ repos: [], workdir: dir });
  const info = await ws.create({ slug: "x", id: "1" });
  assert.equal(info.repo, "");
  assert.equal(info.git, true);
  assert.match(info.path, /worktrees\/@workdir\/copilot-x-1$/);
});

test("a folder inside a checkout: sessions start in the same folder of their worktree", async () => {
  const { dir } = checkout();
  mkdirSync(join(dir, "services", "api"), { recursive: true });
  writeFileSync(join(dir, "services", "api", "main.ts"), "api\n");
  sh(dir, "add", ".");
  sh(dir, "commit", "--quiet", "-m", "api");
  const { ws } = workspaces({ repos: [pathRepo(join(dir, "services", "api"), "api")] });
  const info = await ws.create({ slug: "x", id: "1" });
  assert.match(info.path, /copilot-x-1\/services\/api$/);
  writeFileSync(join(info.path, "main.ts"), "api v2\n");
  writeFileSync(join(info.path, "..", "..", "README.md"), "top\n");
  const changes = await ws.changes(info);
  assert.deepEqual(changes?.files.map((f) => f.path).sort(), ["README.md", "services/api/main.ts"]);
  await ws.discard(info);
  assert.equal(read(info.path, "main.ts"), "api\n");
  assert.equal(read(info.path, "../../README.md"), "one\ntwo\nthree\n");
  assert.deepEqual(await ws.sweep([info]), 0);
  assert.equal((await ws.retire(info, "x")).branchKept, false);
  assert.equal(existsSync(info.path), false);
});

test("a URL repository is cloned once, fetched before every session, and published to", async () => {
  const { dir, origin, originUrl } = checkout();
  const dataDir = freshDir("data");
  const { ws, publisher } = workspaces({ repos: [{ name: "app", source: originUrl, kind: "url" }], dataDir });
  const first = await ws.create({ slug: "one", id: "1" });
  assert.equal(first.base, "main");
  assert.equal(first.baseCommit, sh(dir, "rev-parse", "main"));
  assert.equal(read(first.path, "README.md"), "one\ntwo\nthree\n");

  writeFileSync(join(dir, "later.txt"), "later\n");
  sh(dir, "add", ".");
  sh(dir, "commit", "--quiet", "-m", "later");
  sh(dir, "push", "--quiet", "origin", "main");
  const second = await ws.create({ slug: "two", id: "2" });
  assert.equal(second.baseCommit, sh(dir, "rev-parse", "main"));
  assert.equal(read(second.path, "later.txt"), "later\n");
  assert.deepEqual(readdirSync(join(dataDir, "repos")), ["app.git"]);
  assert.equal(await ws.count(), 2);
  await assert.rejects(
    ws.create({ slug: "x", id: "3", base: "dev" }),
    /no branch dev in repository app\. Recent/,
  );

  writeFileSync(join(first.path, "feature.txt"), "feature\n");
  await ws.publish(first, { title: "Feature", body: "b", token: "tok" });
  assert.equal(publisher.pushes[0]?.remoteUrl, originUrl);
  assert.equal(sh(origin, "show", `refs/heads/${first.branch}:feature.txt`), "feature");
  assert.deepEqual(await ws.retire(first, "end"), { branchKept: false }, "everything is pushed");
  assert.deepEqual(await ws.retire(second, "end"), { branchKept: false });
  assert.equal(await ws.count(), 0);
});

test("changes: committed and uncommitted, new and deleted files, binary files; the index untouched", async () => {
  const { dir } = checkout();
  const { ws } = workspaces({ repos: [pathRepo(dir)] });
  const info = await ws.create({ slug: "x", id: "1" });
  assert.deepEqual(await ws.changes(info), { files: [], added: 0, removed: 0 });

  writeFileSync(join(info.path, "committed.txt"), "a\nb\n");
  sh(info.path, "add", "committed.txt");
  sh(info.path, "commit", "--quiet", "-m", "agent commit");
  writeFileSync(join(info.path, "README.md"), "one\n2\nthree\nfour\n");
  sh(info.path, "add", "README.md");
  rmSync(join(info.path, "old.txt"));
  writeFileSync(join(info.path, "new.txt"), "new\n");
  writeFileSync(join(info.path, "image.bin"), Buffer.from([0, 1, 2, 0, 255]));
  mkdirSync(join(info.path, "ignored"));
  writeFileSync(join(info.path, "ignored", "dep.js"), "dependency\n");
  const before = sh(info.path, "status", "--porcelain");

  const changes = await ws.changes(info);
  assert.deepEqual(
    changes?.files.sort((x, y) => (x.path < y.path ? -1 : 1)),
    [
      { path: "README.md", added: 2, removed: 1, binary: false },
      { path: "committed.txt", added: 2, removed: 0, binary: false },
      { path: "image.bin", added: 0, removed: 0, binary: true },
      { path: "new.txt", added: 1, removed: 0, binary: false },
      { path: "old.txt", added: 0, removed: 1, binary: false },
    ],
  );
  assert.equal(changes?.added, 5);
  assert.equal(changes?.removed, 2);
  // Staged stays staged, new stays untracked, deleted stays unstaged.
  assert.equal(sh(info.path, "status", "--porcelain"), before);
  assert.match(before, /^M {2}README\.md$/m);
  assert.match(before, /^\?\? new\.txt$/m);

  const patch = await ws.diff(info);
  assert.match(patch, /^\+four$/m);
  assert.match(patch, /^diff --git a\/new\.txt b\/new\.txt\nnew file mode/m);
  assert.match(patch, /^deleted file mode/m);
  assert.match(patch, /^Binary files \/dev\/null and b\/image\.bin differ$/m);
  assert.doesNotMatch(patch, /dependency/);
  assert.equal(sh(info.path, "status", "--porcelain"), before);
});

test("discard goes back to the base: commits, edits and new files go, ignored files stay", async () => {
  const { dir } = checkout();
  const { ws } = workspaces({ repos: [pathRepo(dir)] });
  const info = await ws.create({ slug: "x", id: "1" });
  writeFileSync(join(info.path, "a.txt"), "a\n");
  sh(info.path, "add", ".");
  sh(info.path, "commit", "--quiet", "-m", "agent");
  writeFileSync(join(info.path, "README.md"), "changed\n");
  mkdirSync(join(info.path, "scratch"));
  writeFileSync(join(info.path, "scratch", "new.txt"), "new\n");
  mkdirSync(join(info.path, "ignored"));
  writeFileSync(join(info.path, "ignored", "dep.js"), "dep\n");
  await ws.discard(info);
  assert.equal(sh(info.path, "rev-parse", "HEAD"), info.baseCommit);
  assert.equal(sh(info.path, "status", "--porcelain"), "");
  assert.equal(existsSync(join(info.path, "scratch")), false);
  assert.equal(read(info.path, "ignored/dep.js"), "dep\n");
  assert.deepEqual((await ws.changes(info))?.files, []);
});

test("publish commits what is uncommitted, pushes the branch and opens the pull request", async () => {
  const { dir, origin, originUrl } = checkout();
  const { ws, publisher } = workspaces({ repos: [pathRepo(dir)] });
  const info = await ws.create({ slug: "add feature", id: "1" });
  writeFileSync(join(info.path, "feature.txt"), "feature\n");
  const pr = await ws.publish(info, { title: "#12 Add the feature", body: "From chat", token: "tok" });
  assert.deepEqual(pr, { number: 7, url: "https://github.test/acme/app/pull/7", created: true });
  assert.equal(publisher.pushes.length, 1);
  assert.deepEqual(
    { ...publisher.pushes[0], cwd: undefined },
    { cwd: undefined, remoteUrl: originUrl, branch: info.branch, token: "tok" },
  );
  assert.deepEqual(publisher.pulls[0], {
    repo: { host: "github.test", owner: "acme", name: "app" },
    spec: { head: info.branch, base: "main", title: "#12 Add the feature", body: "From chat" },
    token: "tok",
    existing: undefined,
  });
  const pushed = `refs/heads/${info.branch}`;
  assert.equal(sh(origin, "show", `${pushed}:feature.txt`), "feature");
  assert.equal(
    sh(origin, "log", "-1", "--format=%an <%ae>|%cn|%s", pushed),
    "Copilot via copilot-chat-bridge <copilot-chat-bridge@noreply.invalid>|Copilot via copilot-chat-bridge|#12 Add the feature",
  );
  assert.equal(sh(info.path, "status", "--porcelain"), "");

  await assert.rejects(
    ws.publish({ ...info, pullRequest: { number: 7, url: pr.url } }, { title: "t", body: "b", token: "tok" }),
    (e: unknown) => e instanceof PublishError && e.reason === "nothing-to-publish",
  );
  writeFileSync(join(info.path, "feature.txt"), "feature v2\n");
  const update = await ws.publish(
    { ...info, pullRequest: { number: 7, url: pr.url } },
    { title: "v2", body: "b", token: "tok" },
  );
  assert.equal(update.created, false);
  assert.equal(publisher.pulls[1]?.existing, 7);
  assert.equal(sh(origin, "show", `${pushed}:feature.txt`), "feature v2");
  assert.equal(sh(dir, "status", "--porcelain"), "");
});

test("publish refuses without a token, off GitHub, and with nothing to publish", async () => {
  const { dir } = checkout();
  const { ws, publisher } = workspaces({ repos: [pathRepo(dir)] });
  const info = await ws.create({ slug: "x", id: "1" });
  const reason =
    (r: string, message = /./) =>
    (e: unknown) =>
      e instanceof PublishError && e.reason === r && message.test(e.message);
  await assert.rejects(
    ws.publish(info, { title: "t", body: "b", token: "tok" }),
    reason("nothing-to-publish"),
  );
  writeFileSync(join(info.path, "x.txt"), "x\n");
  await assert.rejects(
    ws.publish(info, { title: "t", body: "b", token: undefined }),
    reason("no-token", /GITHUB_TOKEN/),
  );
  sh(dir, "remote", "set-url", "origin", "https://git.example.invalid/acme/app.git");
  await assert.rejects(
    ws.publish(info, { title: "t", body: "b", token: "tok" }),
    reason("not-github", /git\.example\.invalid/),
  );
  sh(dir, "remote", "remove", "origin");
  await assert.rejects(ws.publish(info, { title: "t", body: "b", token: "tok" }), reason("not-github"));
  assert.equal(publisher.pushes.length, 0);
  assert.equal(sh(info.path, "status", "--porcelain"), "?? x.txt", "nothing committed by a refused publish");
});

test("discard after publishing goes back to the pull request's head, as the remote has it now", async () => {
  const { dir, originUrl } = checkout();
  const { ws } = workspaces({ repos: [pathRepo(dir)] });
  const created = await ws.create({ slug: "x", id: "1" });
  writeFileSync(join(created.path, "feature.txt"), "feature\n");
  const pr = await ws.publish(created, { title: "t", body: "b", token: "tok" });
  const info: WorkspaceInfo = { ...created, pullRequest: { number: pr.number, url: pr.url } };
  const published = sh(info.path, "rev-parse", "HEAD");
  writeFileSync(join(info.path, "feature.txt"), "not wanted\n");
  writeFileSync(join(info.path, "stray.txt"), "stray\n");
  await ws.discard(info);
  assert.equal(sh(info.path, "rev-parse", "HEAD"), published);
  assert.equal(read(info.path, "feature.txt"), "feature\n");
  assert.equal(existsSync(join(info.path, "stray.txt")), false);

  // A reviewer pushes to the pull request's branch: discarding goes to their commit.
  const reviewer = freshDir("reviewer");
  sh(reviewer, "clone", "--quiet", "--branch", info.branch ?? "", originUrl, ".");
  writeFileSync(join(reviewer, "review.txt"), "review\n");
  sh(reviewer, "add", ".");
  sh(reviewer, "commit", "--quiet", "-m", "review");
  sh(reviewer, "push", "--quiet");
  await ws.discard(info);
  assert.equal(sh(info.path, "rev-parse", "HEAD"), sh(reviewer, "rev-parse", "HEAD"));
  assert.equal((await ws.retire(info, "end")).branchKept, false, "everything is on origin");
});

test("retire commits uncommitted work on the kept branch (hooks do not run) and removes the worktree", async () => {
  const { dir } = checkout();
  mkdirSync(join(dir, ".git", "hooks"));
  writeFileSync(join(dir, ".git", "hooks", "pre-commit"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
  const { ws } = workspaces({ repos: [pathRepo(dir)] });
  const info = await ws.create({ slug: "x", id: "1" });
  writeFileSync(join(info.path, "work.txt"), "work\n");
  assert.deepEqual(await ws.retire(info, "Session ended"), { branchKept: true });
  assert.equal(existsSync(info.path), false);
  assert.equal(sh(dir, "worktree", "list", "--porcelain").includes(info.path), false);
  const branch = info.branch ?? "";
  assert.equal(sh(dir, "show", `${branch}:work.txt`), "work");
  assert.equal(sh(dir, "log", "-1", "--format=%s", branch), "Session ended");
  assert.deepEqual(await ws.retire(info, "again"), { branchKept: true }, "retiring twice is fine");
  assert.equal(sh(dir, "status", "--porcelain"), "");
});

test("retire with nothing done deletes the branch", async () => {
  const { dir } = checkout();
  const { ws } = workspaces({ repos: [pathRepo(dir)] });
  const info = await ws.create({ slug: "x", id: "1" });
  assert.deepEqual(await ws.retire(info, "end"), { branchKept: false });
  assert.equal(sh(dir, "branch", "--list", info.branch ?? ""), "");
  assert.deepEqual(await ws.retire(info, "end"), { branchKept: false });
});

test("sweep retires worktrees without a live session, after a restart too, keeping their work", async () => {
  const { dir } = checkout();
  const dataDir = freshDir("data");
  const first = workspaces({ repos: [pathRepo(dir)], dataDir }).ws;
  const live = await first.create({ slug: "live", id: "1" });
  const orphan = await first.create({ slug: "orphan", id: "2" });
  const idle = await first.create({ slug: "idle", id: "3" });
  writeFileSync(join(orphan.path, "left.txt"), "left\n");
  const restarted = workspaces({ repos: [pathRepo(dir)], dataDir }).ws;
  assert.equal(await restarted.sweep([live]), 2);
  assert.equal(existsSync(live.path), true);
  assert.equal(existsSync(orphan.path), false);
  assert.equal(sh(dir, "log", "-1", "--format=%s", orphan.branch ?? ""), "Work left when the bridge stopped");
  assert.equal(sh(dir, "branch", "--list", idle.branch ?? ""), "", "a branch with nothing on it goes");
  assert.equal(await restarted.count(), 1);
  assert.equal(await restarted.sweep([live]), 0);
});

test("BRIDGE_MAX_WORKTREES: a start beyond the limit is refused until a session ends", async () => {
  const { dir } = checkout();
  const { ws } = workspaces({ repos: [pathRepo(dir)], maxWorktrees: 1 });
  // Two starts at once: the second is checked after the first has made its worktree.
  const [one, two] = await Promise.allSettled([
    ws.create({ slug: "x", id: "1" }),
    ws.create({ slug: "x", id: "2" }),
  ]);
  assert.equal(one.status, "fulfilled");
  assert.equal(two.status, "rejected");
  assert.match(String(two.status === "rejected" && two.reason), /BRIDGE_MAX_WORKTREES \(1\) worktrees exist/);
  if (one.status === "fulfilled") await ws.retire(one.value, "end");
  assert.equal((await ws.create({ slug: "x", id: "2" })).git, true);
});

/**
 * GitHubPublisher against the fake GitHub (git smart HTTP on github.com and the pulls API on
 * api.github.com, both through the TLS proxy): a session's branch is pushed and its pull request opened,
 * then updated; every refusal GitHub can give comes back as a PublishError whose reason and message say
 * what fixes it; and the token shows up nowhere: not in errors, logs, git's argument lists, the remote
 * URL or a git config file.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Logger } from "../../src/core/log.js";
import { PublishError, type PublishFailure } from "../../src/core/ports/workspace.js";
import { GitHubPublisher } from "../../src/workspace/github.js";
import { gitOk } from "../fakes/github/git-client.js";
import { FakeGitHub } from "../fakes/github/index.js";

const T = { timeout: 60_000 };
const URL_ = "https://github.com/octo/demo.git";
const repo = { host: "github.com", owner: "octo", name: "demo" };

let gh: FakeGitHub;
let token: string;
/** Every log line, unredacted (so a leak would show). */
const logged: string[] = [];
/** Every PublishError message seen. */
const messages: string[] = [];
let trace: ReturnType<FakeGitHub["git"]["trace"]>;
let publisher: GitHubPublisher;

const log: Logger = {
  debug: (m, f) => logged.push(`debug ${m} ${JSON.stringify(f ?? {})}`),
  info: (m, f) => logged.push(`info ${m} ${JSON.stringify(f ?? {})}`),
  warn: (m, f) => logged.push(`warn ${m} ${JSON.stringify(f ?? {})}`),
  error: (m, f) => logged.push(`error ${m} ${JSON.stringify(f ?? {})}`),
};

before(async () => {
  gh = await FakeGitHub.start();
  token = gh.gitHubToken;
  gh.git.createRepo("octo", "demo", { files: { "README.md": "# demo\n" } });
  trace = gh.git.trace();
  publisher = new GitHubPublisher({ log, env: { ...gh.gitEnv(), ...trace.env } });
});
after(async () => {
  await publisher.close();
  await gh.stop();
});

/** A clone of octo/demo with `branch` checked out and one commit on it (like a session's worktree). */
async function worktree(branch: string, file = "feature.txt") {
  const env = gh.gitEnv();
  const dir = gh.tempDir();
  await gitOk(dir, ["clone", "-q", URL_, "w"], env);
  const cwd = join(dir, "w");
  await gitOk(cwd, ["checkout", "-q", "-b", branch], env);
  const commit = async (name: string, text: string) => {
    writeFileSync(join(cwd, name), text);
    await gitOk(cwd, ["add", "."], env);
    await gitOk(cwd, ["commit", "-q", "-m", `change ${name}`], env);
    return gitOk(cwd, ["rev-parse", "HEAD"], env);
  };
  const sha = await commit(file, `${branch}\n`);
  return { cwd, sha, commit };
}

/** The PublishError `run` throws; records its message for the leak check. */
async function failure(run: () => Promise<unknown>, reason: PublishFailure): Promise<PublishError> {
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof PublishError, `a PublishError, not ${String(err)}`);
    messages.push(err.message);
    assert.equal(err.reason, reason, err.message);
    return err;
  }
  assert.fail(`expected a PublishError (${reason})`);
}

const spec = (head: string, title = "Add a feature") => ({
  head,
  base: "main",
  title,
  body: "From the Slack thread",
});

test("repoOf: https, scp-like and ssh URLs on known hosts; anything else is not GitHub", () => {
  const p = new GitHubPublisher({ log, hosts: ["github.com", "GHE.example.com"] });
  for (const url of [
    "https://github.com/octo/demo.git",
    "https://github.com/octo/demo",
    "https://x-access-token:secret@github.com/octo/demo.git/",
    "git@github.com:octo/demo.git",
    "ssh://git@github.com/octo/demo.git",
    "ssh://git@github.com:22/octo/demo",
  ]) {
    assert.deepEqual(p.repoOf(url), repo, url);
  }
  assert.deepEqual(p.repoOf("https://ghe.example.com/team/app.git"), {
    host: "ghe.example.com",
    owner: "team",
    name: "app",
  });
  for (const url of [
    "https://gitlab.com/octo/demo.git",
    "https://github.com/octo",
    "https://github.com/octo/demo/tree/main",
    "http://github.com/octo/demo.git",
    "/srv/git/demo.git",
    "file:///srv/git/demo.git",
  ]) {
    assert.equal(p.repoOf(url), undefined, url);
  }
});

test(
  "push + open: the fake has the branch with the commit and a pull request whose head is it; then update",
  T,
  async () => {
    const branch = "copilot/add-feature-a1b2";
    const w = await worktree(branch);
    await publisher.push(w.cwd, URL_, branch, token);
    assert.ok(gh.git.branches("octo", "demo").includes(branch));
    assert.equal(gh.git.log("octo", "demo", branch)[0]?.sha, w.sha);

    const opened = await publisher.openOrUpdate(repo, spec(branch), token);
    assert.deepEqual(opened, { number: 1, url: "https://github.com/octo/demo/pull/1", created: true });
    const pr = gh.pulls.pull("octo", "demo", 1);
    assert.deepEqual(
      [pr?.head, pr?.base, pr?.title, pr?.body, pr?.state],
      [branch, "main", "Add a feature", "From the Slack thread", "open"],
    );
    const post = gh.pulls.requests.find((r) => r.method === "POST");
    assert.equal(post?.headers.authorization, "Bearer [redacted]");
    assert.equal(post?.headers.accept, "application/vnd.github+json");
    assert.equal(post?.headers["x-github-api-version"], "2022-11-28");
    assert.match(String(post?.headers["user-agent"]), /copilot-chat-bridge/);

    // A second turn: another commit, pushed; the same pull request is updated.
    const second = await w.commit("more.txt", "more\n");
    await publisher.push(w.cwd, URL_, branch, token);
    assert.equal(gh.git.log("octo", "demo", branch)[0]?.sha, second);
    const updated = await publisher.openOrUpdate(repo, spec(branch, "Add a feature, take 2"), token, 1);
    assert.deepEqual(updated, { number: 1, url: "https://github.com/octo/demo/pull/1", created: false });
    assert.equal(gh.pulls.pull("octo", "demo", 1)?.title, "Add a feature, take 2");
    assert.equal(gh.pulls.forHead("octo", "demo", branch).length, 1);

    // Without the number (e.g. the record was lost): GitHub's "already exists" leads to the same one.
    const again = await publisher.openOrUpdate(repo, spec(branch, "Third title"), token);
    assert.deepEqual(again, { number: 1, url: "https://github.com/octo/demo/pull/1", created: false });
    assert.equal(gh.pulls.pull("octo", "demo", 1)?.title, "Third title");
    const list = gh.pulls.requests.find((r) => r.method === "GET" && r.path === "/repos/octo/demo/pulls");
    assert.deepEqual(list?.query, { head: `octo:${branch}`, base: "main", state: "open" });
  },
);

test("a closed pull request is not edited: a new one is opened, and the log says why", T, async () => {
  const branch = "copilot/reopen-c3d4";
  const w = await worktree(branch);
  await publisher.push(w.cwd, URL_, branch, token);
  const first = await publisher.openOrUpdate(repo, spec(branch), token);
  const pr = gh.pulls.pull("octo", "demo", first.number);
  assert.ok(pr);
  pr.state = "closed";
  const next = await publisher.openOrUpdate(repo, spec(branch, "Try again"), token, first.number);
  assert.equal(next.created, true);
  assert.notEqual(next.number, first.number);
  assert.equal(
    gh.pulls.pull("octo", "demo", first.number)?.title,
    "Add a feature",
    "the closed one is left alone",
  );
  assert.ok(logged.some((l) => l.includes("was closed") && l.includes(`"number":${first.number}`)));
  const gone = await publisher.openOrUpdate(repo, spec(branch, "Once more"), token, 99);
  assert.deepEqual(gone, {
    number: next.number,
    url: `https://github.com/octo/demo/pull/${next.number}`,
    created: false,
  });
  assert.ok(logged.some((l) => l.includes("#99 is gone")));
});

test(
  "a checkout's persisted header, a credential helper and the caller's GIT_CONFIG entries do not get in the way",
  T,
  async () => {
    const branch = "copilot/persisted-o5p6";
    const w = await worktree(branch);
    const env = gh.gitEnv();
    const stale = Buffer.from("x-access-token:ghp_stale_from_checkout").toString("base64");
    await gitOk(
      w.cwd,
      ["config", "http.https://github.com/.extraheader", `AUTHORIZATION: basic ${stale}`],
      env,
    );
    await gitOk(w.cwd, ["config", "credential.helper", "store --file=/nonexistent/creds"], env);
    const p = new GitHubPublisher({
      log,
      env: { ...env, GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "core.quotePath", GIT_CONFIG_VALUE_0: "false" },
    });
    try {
      await p.push(w.cwd, URL_, branch, token);
    } finally {
      await p.close();
    }
    assert.equal(gh.git.log("octo", "demo", branch)[0]?.sha, w.sha);
    const mine = gh.git.requests.filter(
      (r) => r.path.endsWith("receive-pack") || r.path.endsWith("info/refs"),
    );
    assert.equal(mine.at(-1)?.login, "octocat", "the token given, not the stale one");
  },
);

test("push failures: each reason from git's answer, with what fixes it", T, async () => {
  const branch = "copilot/push-errors-e5f6";
  const w = await worktree(branch);
  const noToken = await failure(() => publisher.push(w.cwd, URL_, branch, ""), "no-token");
  assert.match(noToken.message, /GITHUB_TOKEN/);
  const gitlab = await failure(
    () => publisher.push(w.cwd, "https://gitlab.com/octo/demo.git", branch, token),
    "not-github",
  );
  assert.match(gitlab.message, /gitlab\.com.*not a repository on github\.com/);

  const bad = await failure(
    () => publisher.push(w.cwd, URL_, branch, "ghp_expired_or_revoked"),
    "unauthorized",
  );
  assert.equal(
    bad.message,
    "GitHub refused the token (401) when pushing to octo/demo: it may be expired or revoked",
  );

  gh.tokens.add("ghp_read_only_publisher", { login: "reader", repos: { "octo/demo": "read" } });
  const ro = await failure(
    () => publisher.push(w.cwd, URL_, branch, "ghp_read_only_publisher"),
    "no-push-access",
  );
  assert.match(
    ro.message,
    /^the token cannot push to octo\/demo \(403: Permission to octo\/demo\.git denied to reader\): give it contents:write \/ push access/,
  );

  gh.git.protect("octo", "demo", branch);
  const prot = await failure(() => publisher.push(w.cwd, URL_, branch, token), "branch-protected");
  assert.match(
    prot.message,
    /^branch protection on octo\/demo refused the push of copilot\/push-errors-e5f6: GH006: Protected branch update failed/,
  );

  const moved = "copilot/moved-g7h8";
  const mine = await worktree(moved, "mine.txt");
  gh.git.commit("octo", "demo", { branch: moved, from: "main", files: { "theirs.txt": "theirs\n" } });
  const conflict = await failure(() => publisher.push(mine.cwd, URL_, moved, token), "conflict");
  assert.match(
    conflict.message,
    /^copilot\/moved-g7h8 on octo\/demo has commits this branch does not .*merge or rebase/,
  );

  gh.git.fault({ status: 500, repo: "octo/demo", message: "Internal Server Error" });
  const broken = await failure(() => publisher.push(mine.cwd, URL_, moved, token), "other");
  assert.match(broken.message, /^git push to octo\/demo failed \(exit 128\): fatal: unable to access .*500/);

  const badName = await failure(() => publisher.push(w.cwd, URL_, "bad..name", token), "other");
  assert.match(badName.message, /not a branch name/);
});

test(
  "pull request failures: each switch of the fake gives its reason, with method, URL and a fix",
  T,
  async () => {
    const branch = "copilot/api-errors-i9j0";
    const w = await worktree(branch);
    await publisher.push(w.cwd, URL_, branch, token);
    const post = "POST https://api.github.com/repos/octo/demo/pulls";
    const cases: [number, PublishFailure, RegExp][] = [
      [
        401,
        "unauthorized",
        /^GitHub refused the token \(401 Bad credentials; POST .*\): it may be expired or revoked$/,
      ],
      [
        403,
        "no-push-access",
        /^the token cannot open or edit pull requests on octo\/demo \(403 Resource not accessible by personal access token; POST .*\): give it pull_requests:write/,
      ],
      [
        409,
        "conflict",
        /^copilot\/api-errors-i9j0 conflicts with main on octo\/demo \(409 .*; POST .*\): merge or rebase main into the branch/,
      ],
      [
        422,
        "branch-protected",
        /^branch protection on octo\/demo main refused the pull request \(422 Validation Failed: Protected branch update failed .*; POST .*\): ask a maintainer/,
      ],
      [500, "other", /^GitHub failed \(500 Server Error; POST .*\): try again later$/],
    ];
    for (const [status, reason, message] of cases) {
      gh.pulls.fault({ status, repo: "octo/demo" });
      const err = await failure(() => publisher.openOrUpdate(repo, spec(branch), token), reason);
      assert.match(err.message, message);
      assert.ok(err.message.includes(post), err.message);
    }
    gh.pulls.fault({ status: 409, method: "PATCH" });
    const opened = await publisher.openOrUpdate(repo, spec(branch), token);
    const patch = await failure(
      () => publisher.openOrUpdate(repo, spec(branch), token, opened.number),
      "conflict",
    );
    assert.ok(
      patch.message.includes(`PATCH https://api.github.com/repos/octo/demo/pulls/${opened.number}`),
      patch.message,
    );

    const unknown = await failure(
      () => publisher.openOrUpdate(repo, spec(branch), "ghp_unknown"),
      "unauthorized",
    );
    assert.ok(unknown.message.includes(post), unknown.message);
    const empty = "copilot/empty-k1l2";
    gh.git.branch("octo", "demo", empty, "main");
    gh.git.commit("octo", "demo", { branch: "main", files: { "main.txt": "moved\n" } });
    await failure(() => publisher.openOrUpdate(repo, spec(empty), token), "nothing-to-publish");
    const unpushed = await failure(
      () => publisher.openOrUpdate(repo, spec("copilot/never-pushed"), token),
      "other",
    );
    assert.match(unpushed.message, /does not have the branch copilot\/never-pushed on octo\/demo .*push it/);
    const gone = await failure(
      () => publisher.openOrUpdate({ ...repo, name: "missing" }, spec(branch), token),
      "no-push-access",
    );
    assert.match(gone.message, /GitHub does not show octo\/missing to the token \(404/);
    await failure(() => publisher.openOrUpdate(repo, spec(branch), ""), "no-token");
  },
);

test(
  "the token is nowhere: errors, logs, git's argument lists, the fake's records, the worktree's config",
  T,
  async () => {
    assert.ok(messages.length >= 15, `errors were collected (${messages.length})`);
    const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
    const places: [string, string][] = [
      ["error messages", messages.join("\n")],
      ["log lines", logged.join("\n")],
      ["git trace (every git process and its arguments)", trace.lines().join("\n")],
      ["the fake's http-backend runs", JSON.stringify(gh.git.processes)],
      ["the fake's git requests", JSON.stringify(gh.git.requests)],
      ["the fake's API requests", JSON.stringify(gh.requests)],
    ];
    for (const [what, text] of places) {
      assert.ok(!text.includes(token), `${what} hold the token`);
      assert.ok(!text.includes(basic), `${what} hold the Basic credential`);
    }
    const pushes = trace.lines().filter((l) => l.includes("built-in: git push"));
    assert.ok(pushes.length >= 4, "git push ran, traced");
    for (const l of pushes)
      assert.match(
        l,
        /git push https:\/\/github\.com\/octo\/demo\.git [0-9a-f]{40}:refs\/heads\/copilot\/\S+$/,
      );
    assert.ok(trace.lines().some((l) => l.includes("git-remote-https https://github.com/octo/demo.git")));

    const w = await worktree("copilot/config-check-m3n4");
    await publisher.push(w.cwd, URL_, "copilot/config-check-m3n4", token);
    const config = readFileSync(join(w.cwd, ".git", "config"), "utf8");
    assert.ok(!config.includes(token) && !config.includes(basic) && !config.includes("extraheader"));
    assert.ok(!logged.join("\n").includes(token));
  },
);

test(
  "settings the agent could write into the repository's config cannot redirect the push or its token",
  T,
  async () => {
    const { cwd, sha } = await worktree("copilot/hostile-config", "hostile.txt");
    const env = gh.gitEnv();
    // A proxy that is not there, a rewrite of github.com to a plain-http host, no TLS checks, and a
    // header of the agent's own: honoured, any of these would fail the push or send the token elsewhere.
    await gitOk(cwd, ["config", "http.proxy", "http://127.0.0.1:9"], env);
    await gitOk(cwd, ["config", "url.http://127.0.0.1:9/.insteadOf", "https://github.com/"], env);
    await gitOk(cwd, ["config", "http.sslVerify", "false"], env);
    await gitOk(cwd, ["config", "http.extraHeader", "X-Agent: was-here"], env);
    await publisher.push(cwd, URL_, "copilot/hostile-config", token);
    assert.equal(gh.git.log("octo", "demo", "copilot/hostile-config")[0]?.sha, sha);
    assert.ok(!readFileSync(join(cwd, ".git", "config"), "utf8").includes(token));
  },
);

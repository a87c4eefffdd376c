/**
 * The fake github.com git smart HTTP against the real git client, through the TLS proxy: clone, push
 * with a token in an extra header, and the ways GitHub refuses a push. See test/fakes/github/README.md.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { rootCertificates } from "node:tls";
import { EnvHttpProxyAgent, fetch } from "undici";
import { git, gitOk, withToken } from "./github/git-client.js";
import { FakeGitHub } from "./github/index.js";

const T = { timeout: 30_000 };
let gh: FakeGitHub;

before(async () => {
  gh = await FakeGitHub.start();
});
after(async () => {
  await gh.stop();
});

/** Clones `o/r` anonymously into a temp dir and commits `file` on a new branch. */
async function cloneAndCommit(repo: string, branch: string, file = "change.txt") {
  const env = gh.gitEnv();
  const dir = gh.tempDir();
  const url = `https://github.com/${repo}.git`;
  await gitOk(dir, ["clone", "-q", url, "w"], env);
  const cwd = join(dir, "w");
  await gitOk(cwd, ["checkout", "-q", "-b", branch], env);
  writeFileSync(join(cwd, file), `${branch}\n`);
  await gitOk(cwd, ["add", "."], env);
  await gitOk(cwd, ["commit", "-q", "-m", `add ${file}`], env);
  const sha = await gitOk(cwd, ["rev-parse", "HEAD"], env);
  return { env, cwd, url, sha, push: ["push", url, `refs/heads/${branch}:refs/heads/${branch}`] };
}

test(
  "clone over HTTPS through the proxy: the seeded files, anonymous upload-pack, http-backend runs",
  T,
  async () => {
    gh.git.createRepo("octo", "clone-me", {
      defaultBranch: "trunk",
      files: { "a.txt": "A\n", "dir/b.txt": "B\n" },
    });
    const env = gh.gitEnv();
    const dir = gh.tempDir();
    await gitOk(dir, ["clone", "-q", "https://github.com/octo/clone-me.git", "w"], env);
    assert.equal(readFileSync(join(dir, "w", "dir", "b.txt"), "utf8"), "B\n");
    assert.equal(await gitOk(join(dir, "w"), ["branch", "--show-current"], env), "trunk");
    assert.deepEqual(gh.git.branches("octo", "clone-me"), ["trunk"]);
    assert.deepEqual(
      gh.git.log("octo", "clone-me", "trunk").map((c) => c.subject),
      ["Initial commit"],
    );
    assert.equal(gh.api.repos.get("octo/clone-me")?.defaultBranch, "trunk", "registered with the API too");
    const mine = gh.git.requests.filter((r) => r.repo === "clone-me");
    assert.deepEqual(mine[0], {
      ...mine[0],
      method: "GET",
      path: "/octo/clone-me.git/info/refs",
      service: "git-upload-pack",
      auth: "none",
      status: 200,
    });
    assert.ok(mine.some((r) => r.method === "POST" && r.service === "git-upload-pack" && r.status === 200));
    assert.ok(gh.proxy.connects.some((c) => c.host === "github.com" && c.accepted));
    const run = gh.git.processes.at(-1);
    assert.match(run?.command ?? "", /git-http-backend$/);
    assert.equal(run?.env.GIT_HTTP_EXPORT_ALL, "1");
    assert.equal(run?.env.REMOTE_USER, undefined, "anonymous fetch");
  },
);

test("git needs GIT_SSL_CAINFO: libcurl ignores SSL_CERT_FILE and NODE_EXTRA_CA_CERTS", T, async () => {
  gh.git.createRepo("octo", "ca-check");
  const { GIT_SSL_CAINFO: _, ...env } = gh.gitEnv();
  const r = await git(gh.tempDir(), ["clone", "-q", "https://github.com/octo/ca-check.git", "w"], env);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /certificate/i);
});

test(
  "push with a token in http.extraHeader: the branch and commit land, REMOTE_USER is the token's login",
  T,
  async () => {
    gh.git.createRepo("octo", "push-ok");
    const c = await cloneAndCommit("octo/push-ok", "copilot/feature-1");
    const r = await git(c.cwd, c.push, withToken(c.env, c.url, gh.gitHubToken));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\* \[new branch\]\s+copilot\/feature-1 -> copilot\/feature-1/);
    assert.deepEqual(gh.git.branches("octo", "push-ok"), ["copilot/feature-1", "main"]);
    assert.equal(gh.git.log("octo", "push-ok", "copilot/feature-1")[0]?.sha, c.sha);
    const pushes = gh.git.requests.filter((q) => q.repo === "push-ok" && q.service === "git-receive-pack");
    assert.ok(pushes.length >= 2);
    for (const q of pushes) assert.deepEqual([q.auth, q.login, q.status], ["basic", "octocat", 200]);
    const run = gh.git.processes.find((p) => p.env.PATH_INFO === "/octo/push-ok.git/git-receive-pack");
    assert.equal(run?.env.REMOTE_USER, "octocat");
    assert.ok(!JSON.stringify(gh.git.processes).includes(gh.gitHubToken), "the token reaches no CGI");
    assert.ok(!JSON.stringify(gh.git.requests).includes(gh.gitHubToken), "nor the recordings");
  },
);

test("push without credentials: 401 Basic realm=GitHub, and git cannot prompt", T, async () => {
  gh.git.createRepo("octo", "no-auth");
  const c = await cloneAndCommit("octo/no-auth", "copilot/x-1");
  const r = await git(c.cwd, c.push, c.env);
  assert.equal(r.code, 128);
  assert.match(r.stderr, /could not read Username for 'https:\/\/github.com': terminal prompts disabled/);
  assert.deepEqual(gh.git.branches("octo", "no-auth"), ["main"]);
  const refused = gh.git.requests.filter((q) => q.repo === "no-auth" && q.service === "git-receive-pack");
  assert.deepEqual(
    refused.map((q) => [q.auth, q.status]),
    [["none", 401]],
  );

  // The header itself, as a client sees it.
  const res = await fetch("https://github.com/octo/no-auth.git/info/refs?service=git-receive-pack", {
    dispatcher: new EnvHttpProxyAgent({
      httpsProxy: gh.proxy.url,
      noProxy: "",
      requestTls: { ca: [...rootCertificates, gh.certs.caCertPem] },
    }),
  });
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("www-authenticate"), 'Basic realm="GitHub"');
  await res.text();
});

test("push with an unknown token: 401; with a revoked one: 401", T, async () => {
  gh.git.createRepo("octo", "bad-token");
  const c = await cloneAndCommit("octo/bad-token", "copilot/x-2");
  const r = await git(c.cwd, c.push, withToken(c.env, c.url, "ghp_not_a_known_token"));
  assert.equal(r.code, 128);
  assert.match(r.stderr, /terminal prompts disabled/);
  gh.tokens.add("ghp_soon_revoked");
  gh.tokens.revoke("ghp_soon_revoked");
  const again = await git(c.cwd, c.push, withToken(c.env, c.url, "ghp_soon_revoked"));
  assert.equal(again.code, 128);
  const refused = gh.git.requests.filter((q) => q.repo === "bad-token" && q.service === "git-receive-pack");
  assert.deepEqual(
    refused.map((q) => [q.auth, q.status]),
    [
      ["basic", 401],
      ["basic", 401],
    ],
  );
});

test("push with a read-only token: 403 Permission denied; the token can still clone", T, async () => {
  gh.git.createRepo("octo", "read-only");
  gh.tokens.add("ghp_reader", { login: "reader", repos: { "octo/read-only": "read" } });
  const c = await cloneAndCommit("octo/read-only", "copilot/x-3");
  const r = await git(c.cwd, c.push, withToken(c.env, c.url, "ghp_reader"));
  assert.equal(r.code, 128);
  assert.match(r.stderr, /remote: Permission to octo\/read-only.git denied to reader\./);
  assert.match(r.stderr, /The requested URL returned error: 403/);
  const fetched = await git(c.cwd, ["fetch", c.url], withToken(c.env, c.url, "ghp_reader"));
  assert.equal(fetched.code, 0, fetched.stderr);
});

test(
  "push to a protected branch: declined by the hook with GitHub's words; other branches still push",
  T,
  async () => {
    gh.git.createRepo("octo", "guarded");
    gh.git.protect("octo", "guarded", "main");
    const c = await cloneAndCommit("octo/guarded", "copilot/x-4");
    const before = gh.git.log("octo", "guarded", "main")[0]?.sha;
    const r = await git(
      c.cwd,
      ["push", c.url, "HEAD:refs/heads/main"],
      withToken(c.env, c.url, gh.gitHubToken),
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /remote: error: GH006: Protected branch update failed for refs\/heads\/main\./);
    assert.match(r.stderr, /! \[remote rejected\] HEAD -> main \(protected branch hook declined\)/);
    assert.equal(gh.git.log("octo", "guarded", "main")[0]?.sha, before);
    const ok = await git(c.cwd, c.push, withToken(c.env, c.url, gh.gitHubToken));
    assert.equal(ok.code, 0, ok.stderr);
  },
);

test("a diverged branch is refused by git itself (non-fast-forward)", T, async () => {
  gh.git.createRepo("octo", "diverged");
  const a = await cloneAndCommit("octo/diverged", "copilot/x-5", "a.txt");
  assert.equal((await git(a.cwd, a.push, withToken(a.env, a.url, gh.gitHubToken))).code, 0);
  const b = await cloneAndCommit("octo/diverged", "copilot/x-5", "b.txt");
  const r = await git(b.cwd, b.push, withToken(b.env, b.url, gh.gitHubToken));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /! \[rejected\]\s+copilot\/x-5 -> copilot\/x-5 \((non-fast-forward|fetch first)\)/);
});

test("private repositories: anonymous 401, a token without access 404, a reader clones", T, async () => {
  gh.git.createRepo("octo", "secret", { private: true });
  gh.tokens.add("ghp_outsider", { access: "none" });
  gh.tokens.add("ghp_insider", { access: "none", repos: { "octo/secret": "read" } });
  const env = gh.gitEnv();
  const url = "https://github.com/octo/secret.git";
  const anon = await git(gh.tempDir(), ["clone", "-q", url, "w"], env);
  assert.match(anon.stderr, /terminal prompts disabled/);
  const outsider = await git(gh.tempDir(), ["clone", "-q", url, "w"], withToken(env, url, "ghp_outsider"));
  assert.match(outsider.stderr, /remote: Repository not found\.[\s\S]*not found/);
  const insider = await git(gh.tempDir(), ["clone", "-q", url, "w"], withToken(env, url, "ghp_insider"));
  assert.equal(insider.code, 0, insider.stderr);
  const missing = await git(gh.tempDir(), ["clone", "-q", "https://github.com/octo/nope.git", "w"], env);
  assert.match(
    missing.stderr,
    /terminal prompts disabled/,
    "a missing repository looks private without a token",
  );
});

test("injected faults: one-shot by default, sticky on request, per repository and service", T, async () => {
  gh.git.createRepo("octo", "faulty");
  const env = gh.gitEnv();
  const url = "https://github.com/octo/faulty.git";
  gh.git.fault({ status: 500, repo: "octo/faulty", message: "Internal Server Error" });
  const first = await git(gh.tempDir(), ["clone", "-q", url, "w"], env);
  assert.match(first.stderr, /returned error: 500/);
  assert.equal((await git(gh.tempDir(), ["clone", "-q", url, "w"], env)).code, 0, "consumed");
  gh.git.fault({ status: 503, service: "git-receive-pack", sticky: true });
  const c = await cloneAndCommit("octo/faulty", "copilot/x-6");
  for (let i = 0; i < 2; i++) {
    const r = await git(c.cwd, c.push, withToken(c.env, c.url, gh.gitHubToken));
    assert.match(r.stderr, /returned error: 503/);
  }
  gh.git.clearFaults();
  assert.equal((await git(c.cwd, c.push, withToken(c.env, c.url, gh.gitHubToken))).code, 0);
});

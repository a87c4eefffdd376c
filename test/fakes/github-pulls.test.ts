/**
 * The fake pulls REST API (api.github.com through the TLS proxy): authentication, GitHub's validation
 * of a new pull request against the fake git repositories, get/list/update, and the injected faults.
 * See test/fakes/github/README.md.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiCall } from "./github/api-client.js";
import { FakeGitHub } from "./github/index.js";

const T = { timeout: 20_000 };
let gh: FakeGitHub;
let token: string;

before(async () => {
  gh = await FakeGitHub.start();
  token = gh.gitHubToken;
});
after(async () => {
  await gh.stop();
});

/** A repository with a branch one commit ahead of main. */
function repoWithBranch(name: string, branch = "copilot/change-1"): string {
  gh.git.createRepo("octo", name);
  return gh.git.commit("octo", name, {
    branch,
    from: "main",
    files: { "new.txt": "new\n" },
    message: "Add new.txt",
  });
}

/** `json.k1.k2…`, or undefined. */
function prop(json: unknown, ...keys: string[]): unknown {
  let v = json;
  for (const k of keys)
    v = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}
const errors = (json: unknown) => prop(json, "errors");
const numbers = (json: unknown) => (Array.isArray(json) ? json.map((p) => prop(p, "number")) : json);

test(
  "no credential or an unknown token: 401 Bad credentials; recordings never hold the token",
  T,
  async () => {
    gh.git.createRepo("octo", "auth");
    const none = await apiCall(gh, "GET", "/repos/octo/auth/pulls");
    assert.equal(none.status, 401);
    assert.deepEqual(none.json, {
      message: "Bad credentials",
      documentation_url: "https://docs.github.com/rest",
      status: "401",
    });
    const unknown = await apiCall(gh, "GET", "/repos/octo/auth/pulls", { token: "ghp_unknown" });
    assert.equal(unknown.status, 401);
    for (const scheme of ["Bearer", "token"]) {
      assert.equal(
        (await apiCall(gh, "GET", "/repos/octo/auth/pulls", { token, scheme })).status,
        200,
        scheme,
      );
    }
    const recs = gh.pulls.requests.filter((r) => r.path === "/repos/octo/auth/pulls");
    assert.deepEqual(
      recs.map((r) => [r.auth, r.tokenKnown, r.status]),
      [
        ["none", false, 401],
        ["bearer", false, 401],
        ["bearer", true, 200],
        ["token", true, 200],
      ],
    );
    assert.equal(recs[2]?.headers.authorization, "Bearer [redacted]");
    assert.ok(!JSON.stringify(gh.requests).includes(token), "gh.requests has no token either");
    assert.ok(
      gh.requests.some((r) => r === recs[0]),
      "pulls requests are in gh.requests",
    );
  },
);

test("create: GitHub's validation of fields, head, base, duplicates and empty ranges", T, async () => {
  const sha = repoWithBranch("validate");
  const post = (body: unknown) => apiCall(gh, "POST", "/repos/octo/validate/pulls", { token, body });

  const missing = await post({ head: "copilot/change-1" });
  assert.equal(missing.status, 422);
  assert.deepEqual(errors(missing.json), [
    { resource: "PullRequest", code: "missing_field", field: "title" },
    { resource: "PullRequest", code: "missing_field", field: "base" },
  ]);
  const noHead = await post({ title: "t", head: "copilot/unpushed", base: "main" });
  assert.equal(noHead.status, 422);
  assert.deepEqual(noHead.json, {
    message: "Validation Failed",
    errors: [{ resource: "PullRequest", field: "head", code: "invalid" }],
    documentation_url: "https://docs.github.com/rest/pulls/pulls",
    status: "422",
  });
  const forkHead = await post({ title: "t", head: "someone:copilot/change-1", base: "main" });
  assert.deepEqual(errors(forkHead.json), [{ resource: "PullRequest", field: "head", code: "invalid" }]);
  const noBase = await post({ title: "t", head: "copilot/change-1", base: "develop" });
  assert.deepEqual(errors(noBase.json), [{ resource: "PullRequest", field: "base", code: "invalid" }]);
  gh.git.branch("octo", "validate", "copilot/empty", "main");
  gh.git.commit("octo", "validate", { branch: "main", files: { "later.txt": "x\n" } }); // main moves on
  const empty = await post({ title: "t", head: "copilot/empty", base: "main" });
  assert.equal(empty.status, 422);
  assert.deepEqual(errors(empty.json), [
    { resource: "PullRequest", code: "custom", message: "No commits between main and copilot/empty" },
  ]);
  const bad = await apiCall(gh, "POST", "/repos/octo/validate/pulls", { token, raw: "{not json" });
  assert.deepEqual([bad.status, prop(bad.json, "message")], [400, "Problems parsing JSON"]);

  const created = await post({
    title: "Add new.txt",
    head: "octo:copilot/change-1",
    base: "main",
    body: "From Slack",
  });
  assert.equal(created.status, 201);
  assert.deepEqual(created.json, {
    ...(typeof created.json === "object" ? created.json : {}),
    number: 1,
    html_url: "https://github.com/octo/validate/pull/1",
    url: "https://api.github.com/repos/octo/validate/pulls/1",
    state: "open",
    title: "Add new.txt",
    body: "From Slack",
    draft: false,
    user: { login: "octocat" },
  });
  const pr = created.json;
  assert.deepEqual(
    [prop(pr, "head", "ref"), prop(pr, "head", "sha"), prop(pr, "base", "ref")],
    ["copilot/change-1", sha, "main"],
  );
  assert.equal(created.headers.get("location"), "https://api.github.com/repos/octo/validate/pulls/1");

  const dup = await post({ title: "again", head: "copilot/change-1", base: "main" });
  assert.equal(dup.status, 422);
  assert.deepEqual(errors(dup.json), [
    {
      resource: "PullRequest",
      code: "custom",
      message: "A pull request already exists for octo:copilot/change-1.",
    },
  ]);
  assert.equal(gh.pulls.pulls.length >= 1, true);
  assert.equal(gh.pulls.forHead("octo", "validate", "copilot/change-1").length, 1);
});

test("get, list (head=owner:branch, state) and update; the head sha follows the branch", T, async () => {
  repoWithBranch("lifecycle");
  const created = await apiCall(gh, "POST", "/repos/octo/lifecycle/pulls", {
    token,
    body: { title: "one", head: "copilot/change-1", base: "main", draft: true },
  });
  assert.equal(created.status, 201);
  const newSha = gh.git.commit("octo", "lifecycle", {
    branch: "copilot/change-1",
    files: { "more.txt": "more\n" },
  });
  const got = await apiCall(gh, "GET", "/repos/octo/lifecycle/pulls/1", { token });
  assert.equal(got.status, 200);
  assert.equal(prop(got.json, "head", "sha"), newSha);
  assert.equal(prop(got.json, "draft"), true);
  assert.equal((await apiCall(gh, "GET", "/repos/octo/lifecycle/pulls/9", { token })).status, 404);

  const list = async (q: string) =>
    numbers((await apiCall(gh, "GET", `/repos/octo/lifecycle/pulls${q}`, { token })).json);
  assert.deepEqual(await list("?head=octo:copilot/change-1&state=open"), [1]);
  assert.deepEqual(await list("?head=octo:copilot/other"), []);
  assert.deepEqual(await list("?head=copilot/other"), [1], "a head without owner: is ignored");
  assert.deepEqual(await list("?state=closed"), []);

  const patched = await apiCall(gh, "PATCH", "/repos/octo/lifecycle/pulls/1", {
    token,
    body: { title: "two", body: "updated", state: "closed" },
  });
  assert.equal(patched.status, 200);
  assert.deepEqual([prop(patched.json, "title"), prop(patched.json, "state")], ["two", "closed"]);
  assert.deepEqual(await list("?state=closed"), [1]);
  assert.deepEqual(await list("?head=octo:copilot/change-1&state=open"), []);
  const badState = await apiCall(gh, "PATCH", "/repos/octo/lifecycle/pulls/1", {
    token,
    body: { state: "merged" },
  });
  assert.equal(badState.status, 422);

  // Closed: a new one may be opened for the same head; the old one then cannot be reopened.
  const second = await apiCall(gh, "POST", "/repos/octo/lifecycle/pulls", {
    token,
    body: { title: "three", head: "copilot/change-1", base: "main" },
  });
  assert.equal(prop(second.json, "number"), 2);
  const reopen = await apiCall(gh, "PATCH", "/repos/octo/lifecycle/pulls/1", {
    token,
    body: { state: "open" },
  });
  assert.equal(reopen.status, 422);
  assert.deepEqual(await list("?state=all"), [2, 1]);
});

test(
  "access: a read-only token reads but gets 403 on writes; no access or no repository: 404",
  T,
  async () => {
    repoWithBranch("access");
    gh.tokens.add("ghp_pulls_reader", { repos: { "octo/access": "read" } });
    gh.tokens.add("ghp_pulls_none", { access: "none" });
    const body = { title: "t", head: "copilot/change-1", base: "main" };
    const ro = await apiCall(gh, "POST", "/repos/octo/access/pulls", { token: "ghp_pulls_reader", body });
    assert.equal(ro.status, 403);
    assert.equal(prop(ro.json, "message"), "Resource not accessible by personal access token");
    assert.equal(
      (await apiCall(gh, "GET", "/repos/octo/access/pulls", { token: "ghp_pulls_reader" })).status,
      200,
    );
    assert.equal(
      (await apiCall(gh, "GET", "/repos/octo/access/pulls", { token: "ghp_pulls_none" })).status,
      404,
    );
    assert.equal((await apiCall(gh, "GET", "/repos/octo/no-such-repo/pulls", { token })).status, 404);
  },
);

test(
  "faults: 401, 403, 409, 422 (protection), 500; one-shot, sticky, per repository and method",
  T,
  async () => {
    repoWithBranch("faults");
    const body = { title: "t", head: "copilot/change-1", base: "main" };
    const post = () => apiCall(gh, "POST", "/repos/octo/faults/pulls", { token, body });
    const expected: [number, string][] = [
      [401, "Bad credentials"],
      [403, "Resource not accessible by personal access token"],
      [409, "Conflict: the head branch cannot be merged into the base branch"],
      [500, "Server Error"],
    ];
    for (const [status, message] of expected) {
      gh.pulls.fault({ status });
      const r = await post();
      assert.deepEqual([r.status, prop(r.json, "message")], [status, message]);
    }
    gh.pulls.fault({ status: 422, repo: "octo/faults" });
    const prot = await post();
    assert.equal(prot.status, 422);
    assert.deepEqual(errors(prot.json), [
      {
        resource: "PullRequest",
        code: "custom",
        message:
          "Protected branch update failed for refs/heads/main: changes must be made through a pull request that satisfies the branch protection rules.",
      },
    ]);
    gh.pulls.fault({ status: 403, repo: "octo/elsewhere" });
    gh.pulls.fault({ status: 409, method: "PATCH", sticky: true });
    const ok = await post();
    assert.equal(ok.status, 201, "faults for another repository or method do not fire");
    for (let i = 0; i < 2; i++) {
      const r = await apiCall(gh, "PATCH", "/repos/octo/faults/pulls/1", { token, body: { title: "x" } });
      assert.equal(r.status, 409, "sticky");
    }
    gh.pulls.clearFaults();
    assert.equal(
      (await apiCall(gh, "PATCH", "/repos/octo/faults/pulls/1", { token, body: { title: "x" } })).status,
      200,
    );
  },
);

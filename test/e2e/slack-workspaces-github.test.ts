/**
 * A session's work as a pull request on GitHub (the fake: git smart HTTP on github.com and the pulls
 * API on api.github.com), from Slack: View diff uploads the patch; Create pull request commits, pushes
 * the session's branch and opens the pull request, and a later turn's card updates it; every refusal
 * says what fixes it, quotes GitHub, and opens nothing; only the owner and approvers may publish.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { SlackMessage } from "../fakes/slack/index.js";
import { type BridgeHarness, visible } from "./harness.js";
import {
  approveWrite,
  changesCard,
  DEMO_URL,
  escapeRegExp,
  fileOnGitHub,
  gitIn,
  labels,
  noticeTo,
  threadLength,
  useWorkspaces,
  type Where,
  whereOf,
} from "./workspaces.js";

const OWNER = "UOWNERGH";
const APPROVER = "UAPPROVERGH";
const STRANGER = "USTRANGERGH";
const ADMIN = "UADMIN";

/** Starts a session in `repo` writing `file`, approves the write and returns the changes card. */
async function changed(
  h: BridgeHarness,
  repo: string,
  file: string,
  text: string,
): Promise<{ header: SlackMessage; where: Where; card: SlackMessage }> {
  const header = await h.startSession(OWNER, `in ${repo} WRITE: ${file} ${text}`);
  const where = whereOf(header);
  assert.equal(where.repo, repo);
  await approveWrite(h, header, OWNER, file);
  return { header, where, card: await changesCard(h, header) };
}

/** Clicks Create pull request as the owner and returns the failure posted in the thread. */
async function publishFails(h: BridgeHarness, header: SlackMessage, card: SlackMessage): Promise<string> {
  await h.click(OWNER, card, "ws.publish");
  return visible(await h.waitForReply(header, /⚠️/, "the failure"));
}

/** The thread's next word on a pull request (after the `from`-th reply): opened, updated, or not. */
function outcome(h: BridgeHarness, header: SlackMessage, from: number): Promise<SlackMessage> {
  return h.slack.waitFor(
    () =>
      h.slack
        .thread(header.channel, header.ts)
        .slice(from)
        .find((m) => /🔀|⚠️/.test(visible(m))),
    { what: "the pull request's outcome", timeoutMs: 20_000 },
  );
}

describe("Slack: pull requests from a session's worktree", () => {
  const { h, gh, docs } = useWorkspaces({
    BRIDGE_ADMINS: `slack:${ADMIN}`,
    BRIDGE_APPROVERS: `slack:${APPROVER}`,
  });

  /** What GitHub has of the session's work: its branch (if pushed) and its pull requests. */
  const onGitHub = (branch: string) => ({
    pushed: gh.git.branches("octo", "demo").includes(branch),
    pulls: gh.pulls.forHead("octo", "demo", branch),
  });

  test("write, View diff, Create pull request; a second turn's card updates the same pull request", async () => {
    const branchesBefore = gh.git.branches("octo", "demo");
    const prompt = "in demo WRITE: feature.md hello\nfrom the thread";
    const header = await h.startSession(OWNER, prompt);
    const w = whereOf(header);
    assert.equal(w.repo, "demo");
    assert.equal(w.base, "main");
    assert.match(w.branch, /^copilot\/write-feature-md-hello-[\w-]+$/);
    assert.ok(w.worktree.startsWith(join(h.dir, "data", "worktrees", "demo")), w.worktree);
    assert.equal(readFileSync(join(w.worktree, "README.md"), "utf8"), "# demo\n", "a worktree of the clone");
    assert.equal(gitIn(w.worktree, "config", "--get", "remote.origin.url"), DEMO_URL);

    await approveWrite(h, header, OWNER, "feature.md");
    const card = await changesCard(h, header);
    assert.match(
      visible(card),
      new RegExp(`📝 \\*1 file changed\\* \\(\\+2 −0\\) on \`${escapeRegExp(w.branch)}\``),
    );
    assert.match(visible(card), /\+2 −0\s+feature\.md/);
    assert.deepEqual(labels(card), ["View diff", "Create pull request", "Discard changes"]);

    await h.click(OWNER, card, "ws.diff");
    const patch = await h.slack.waitFor(
      () =>
        h.slack.files.find(
          (f) => f.thread_ts === header.ts && f.filename === `${w.branch.replaceAll("/", "-")}.patch`,
        ),
      { what: "the patch" },
    );
    const diff = patch.bytes.toString("utf8");
    assert.match(diff, /^\+\+\+ b\/feature\.md$/m);
    assert.match(diff, /^\+hello$/m);
    assert.match(diff, /^\+from the thread$/m);
    assert.deepEqual(onGitHub(w.branch), { pushed: false, pulls: [] }, "viewing the diff publishes nothing");

    await h.click(OWNER, card, "ws.publish");
    const opened = visible(await h.waitForReply(header, /🔀 Opened/, "the pull request to be opened"));
    const m = new RegExp(
      `🔀 Opened <(https://github\\.com/octo/demo/pull/(\\d+))\\|pull request #\\2> from \`${escapeRegExp(w.branch)}\``,
    ).exec(opened);
    assert.ok(m?.[1] && m[2], opened);
    const number = Number(m[2]);
    const title = "WRITE: feature.md hello";
    const first = onGitHub(w.branch);
    assert.equal(first.pushed, true);
    const log = gh.git.log("octo", "demo", w.branch);
    assert.equal(log[0]?.subject, title, "the commit's subject is the prompt's first line");
    assert.equal(log[1]?.subject, "Initial commit");
    assert.equal(fileOnGitHub(gh, w.branch, "feature.md"), "hello\nfrom the thread");
    assert.equal(first.pulls.length, 1);
    const pr = first.pulls[0];
    assert.equal(pr?.number, number);
    assert.equal(pr?.state, "open");
    assert.equal(pr?.base, "main");
    assert.equal(pr?.title, title);
    assert.equal(pr?.headSha, log[0]?.sha);

    // The next turn leaves more changes: the new card offers to update the pull request.
    const from = threadLength(h, header);
    await h.say(header, OWNER, "WRITE: second.md more");
    await approveWrite(h, header, OWNER, "second.md");
    const next = await changesCard(h, header, from);
    assert.match(visible(next), /📝 \*2 files changed\* \(\+3 −0\)/);
    assert.deepEqual(labels(next), ["View diff", `Update pull request #${number}`, "Discard changes"]);
    await h.click(APPROVER, next, "ws.publish");
    await h.waitForReply(
      header,
      new RegExp(
        `🔀 Updated <https://github\\.com/octo/demo/pull/${number}\\|pull request #${number}> from \``,
      ),
    );
    const second = onGitHub(w.branch);
    assert.equal(second.pulls.length, 1, "still one pull request");
    assert.equal(gh.pulls.pulls.filter((p) => p.owner === "octo" && p.repo === "demo").length, 1);
    assert.equal(await gh.git.ahead("octo", "demo", "main", w.branch), 2, "two bridge commits");
    const log2 = gh.git.log("octo", "demo", w.branch);
    assert.deepEqual(
      log2.map((c) => c.subject),
      [title, title, "Initial commit"],
    );
    assert.equal(fileOnGitHub(gh, w.branch, "second.md"), "more");
    assert.equal(second.pulls[0]?.headSha, log2[0]?.sha);
    assert.deepEqual(
      gh.git.branches("octo", "demo"),
      [...branchesBefore, w.branch].sort(),
      "only its branch",
    );
  });

  test("a session from demo@develop works from develop, and its pull request goes into develop", async () => {
    gh.git.commit("octo", "demo", { branch: "develop", from: "main", files: { "DEVELOP.md": "dev\n" } });
    const header = await h.startSession(OWNER, "in demo@develop WRITE: dev-feature.md on develop");
    const w = whereOf(header);
    assert.equal(w.base, "develop");
    assert.equal(readFileSync(join(w.worktree, "DEVELOP.md"), "utf8"), "dev\n");
    await approveWrite(h, header, OWNER, "dev-feature.md");
    await h.click(OWNER, await changesCard(h, header), "ws.publish");
    await h.waitForReply(header, /🔀 Opened/);
    const pulls = onGitHub(w.branch).pulls;
    assert.equal(pulls.length, 1);
    assert.equal(pulls[0]?.base, "develop");
    assert.equal(await gh.git.ahead("octo", "demo", "develop", w.branch), 1);
  });

  test("401: GitHub refuses the token on push; the thread says to set a new GITHUB_TOKEN and nothing is opened", async () => {
    const { header, where, card } = await changed(h, "demo", "a401.md", "x");
    gh.git.fault({ status: 401, repo: "octo/demo", service: "git-receive-pack" });
    const text = await publishFails(h, header, card);
    assert.match(text, /⚠️ \*Could not create the pull request\.\* GitHub refused the token.*GITHUB_TOKEN/);
    assert.match(text, /Details: GitHub refused the token \(401\) when pushing to octo\/demo/);
    assert.deepEqual(onGitHub(where.branch), { pushed: false, pulls: [] });
  });

  test("403: a read-only token may not push; the thread says which access to give and nothing is opened", async () => {
    const { header, where, card } = await changed(h, "demo", "a403.md", "x");
    gh.tokens.restrict(gh.gitHubToken, "octo", "demo", "read");
    try {
      const text = await publishFails(h, header, card);
      assert.match(text, /Could not create the pull request\.\* The token may not push to this repository/);
      assert.match(
        text,
        /Details: the token cannot push to octo\/demo \(403: Permission to octo\/demo\.git denied/,
      );
    } finally {
      gh.tokens.restrict(gh.gitHubToken, "octo", "demo", "write");
    }
    assert.deepEqual(onGitHub(where.branch), { pushed: false, pulls: [] });
  });

  test("422 branch protection on the pull request: the thread names the rule and opens nothing", async () => {
    const { header, where, card } = await changed(h, "demo", "a422.md", "x");
    gh.pulls.fault({ status: 422, repo: "octo/demo", method: "POST" });
    const text = await publishFails(h, header, card);
    assert.match(text, /Could not create the pull request\.\* A branch protection rule refused it/);
    assert.match(text, /Details: branch protection on octo\/demo main refused the pull request/);
    assert.deepEqual(onGitHub(where.branch).pulls, []);
  });

  // The push went through before GitHub refused the pull request: the retry opens the pull request only.
  test("once the cause is fixed, Create pull request again opens the pull request the refusal stopped", async () => {
    const { header, where, card } = await changed(h, "demo", "retry.md", "x");
    // Branch protection refuses the pull request once (the push itself went through); then the rule is changed.
    gh.pulls.fault({ status: 422, repo: "octo/demo", method: "POST" });
    assert.match(await publishFails(h, header, card), /A branch protection rule refused it/);
    assert.equal(onGitHub(where.branch).pushed, true);
    const from = threadLength(h, header);
    await h.click(OWNER, card, "ws.publish");
    const retry = visible(await outcome(h, header, from));
    assert.match(retry, /🔀 Opened <https:\/\/github\.com\/octo\/demo\/pull\/\d+\|pull request #\d+>/);
    assert.equal(onGitHub(where.branch).pulls.length, 1);
  });

  test("409: the branch conflicts with its base; the thread says to merge or rebase and opens nothing", async () => {
    const { header, where, card } = await changed(h, "demo", "a409.md", "x");
    gh.pulls.fault({ status: 409, repo: "octo/demo", method: "POST" });
    const text = await publishFails(h, header, card);
    assert.match(text, /Could not create the pull request\.\* The branch conflicts with its base/);
    assert.match(text, /Details: .*conflicts with main on octo\/demo \(409 Conflict/);
    assert.deepEqual(onGitHub(where.branch).pulls, []);
  });

  test("a stranger's Create pull request is refused privately, the owner's too while a turn runs; nothing is pushed", async () => {
    const { header, where, card } = await changed(h, "demo", "stranger.md", "x");
    const pushes = gh.git.requests.filter((r) => r.service === "git-receive-pack").length;
    const from = h.slack.ephemerals.length;
    const replies = threadLength(h, header);
    await h.click(STRANGER, card, "ws.publish");
    await noticeTo(
      h,
      STRANGER,
      new RegExp(`Only <@${OWNER}> or an approver can do this\\. Nothing was changed\\.`),
      from,
    );

    await h.say(header, OWNER, "SLOW: 3000");
    await h.slack.waitFor(
      () => h.model.requests.some((r) => JSON.stringify(r.messages).includes("SLOW: 3000")),
      {
        what: "the slow turn",
      },
    );
    await h.click(OWNER, card, "ws.publish");
    await noticeTo(
      h,
      OWNER,
      /Copilot is still working in this worktree: try again when the turn has ended\./,
      from,
    );
    await h.waitForReply(header, /slow done/);
    // A barrier in the thread: the owner's message is answered after anything the clicks did.
    await h.barrier(header, OWNER, "still mine");
    assert.equal(gh.git.requests.filter((r) => r.service === "git-receive-pack").length, pushes);
    assert.deepEqual(onGitHub(where.branch), { pushed: false, pulls: [] });
    const since = h.slack.thread(header.channel, header.ts).slice(replies).map(visible);
    assert.ok(!since.some((t) => /🔀|⚠️/.test(t)), `nothing about a pull request in the thread: ${since}`);
  });

  test("after a pull request, Discard changes goes back to its last push, not to the base", async () => {
    const { header, where, card } = await changed(h, "demo", "kept-in-pr.md", "published");
    await h.click(OWNER, card, "ws.publish");
    await h.waitForReply(header, /🔀 Opened/);
    const pushed = await gh.git.sha("octo", "demo", where.branch);
    const from = threadLength(h, header);
    await h.say(header, OWNER, "WRITE: unwanted.md oops");
    await approveWrite(h, header, OWNER, "unwanted.md");
    const next = await changesCard(h, header, from);
    await h.click(OWNER, next, "ws.discard");
    const pr = onGitHub(where.branch).pulls[0]?.number;
    await h.waitForReply(
      header,
      new RegExp(`🗑️ Discarded the changes: the worktree is back at pull request #${pr}'s last push\\.`),
    );
    assert.equal(existsSync(join(where.worktree, "unwanted.md")), false);
    assert.equal(readFileSync(join(where.worktree, "kept-in-pr.md"), "utf8"), "published");
    assert.equal(gitIn(where.worktree, "rev-parse", "HEAD"), pushed);
    assert.equal(gitIn(where.worktree, "status", "--porcelain"), "");

    // Ending the session removes the worktree and leaves GitHub as it was: the branch and its pull request.
    await h.say(header, OWNER, "end");
    await h.waitForReply(header, /The worktree was removed/);
    assert.equal(existsSync(where.worktree), false);
    assert.equal(await gh.git.sha("octo", "demo", where.branch), pushed);
    assert.equal(onGitHub(where.branch).pulls[0]?.state, "open");
  });

  test("docs has no GitHub remote: the thread says so, and nothing is committed", async () => {
    const { header, where, card } = await changed(h, "docs", "local.md", "x");
    const text = await publishFails(h, header, card);
    assert.match(text, /Could not create the pull request\.\* This repository's remote is not on GitHub/);
    assert.match(text, /Details: The repository has no remote named origin to publish to\./);
    assert.equal(docs.git("rev-parse", where.branch), docs.main, "no commit on the branch");
    assert.equal(gitIn(where.worktree, "status", "--porcelain"), "?? local.md");
  });
});

describe("Slack: pull requests without a GitHub token", () => {
  const { h, gh } = useWorkspaces({ GITHUB_TOKEN: "" });

  test("Create pull request says how to set GITHUB_TOKEN; nothing is pushed", async () => {
    const { header, where, card } = await changed(h, "demo", "notoken.md", "x");
    const text = await publishFails(h, header, card);
    assert.match(
      text,
      /Could not create the pull request\.\* The bridge has no GitHub token: an admin sets GITHUB_TOKEN \(contents and pull requests: write\)\./,
    );
    assert.match(text, /Details: There is no GitHub token to push with: set GITHUB_TOKEN/);
    assert.deepEqual(gh.git.branches("octo", "demo"), ["main"]);
    assert.deepEqual(gh.pulls.forHead("octo", "demo", where.branch), []);
    assert.equal(gh.git.requests.filter((r) => r.service === "git-receive-pack").length, 0);
  });
});

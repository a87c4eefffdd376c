/**
 * Pull requests as the person a session runs as, from Slack: with linking set up, a linked owner's
 * Create pull request pushes the session's branch and opens the pull request with their own token
 * (the fake GitHub records the push's and the pull request's login), and the thread says so. Once
 * GitHub refuses that token, the click says the account needs linking again and nothing is pushed
 * with the bridge's token instead; after linking again, the same click goes through as them.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { visible } from "./harness.js";
import { identityEnv, linkOnSlack } from "./identity.js";
import {
  approveWrite,
  changesCard,
  escapeRegExp,
  threadLength,
  useWorkspaces,
  whereOf,
} from "./workspaces.js";

const OWNER = "UPUBALICE";

describe("Slack: a session that runs as its owner opens its pull request as them", () => {
  const { h, gh } = useWorkspaces({ ...identityEnv });

  /** github.com requests that push (receive-pack, its info/refs included) from the `from`-th on. */
  const pushes = (from: number) =>
    gh.git.requests.slice(from).filter((r) => r.service === "git-receive-pack" && r.repo === "demo");

  test("Create pull request pushes and opens as the owner; a refused token asks to link again and pushes nothing", async () => {
    gh.device.interval = 1;
    await linkOnSlack(h, gh, OWNER, "alice");
    const bridgeLogin = gh.tokens.login(gh.gitHubToken);
    assert.equal(bridgeLogin, "octocat");

    const header = await h.startSession(OWNER, "in demo WRITE: mine.md written as alice");
    const where = whereOf(header);
    assert.match(visible(header), /GitHub: @alice/);
    await approveWrite(h, header, OWNER, "mine.md");
    const card = await changesCard(h, header);

    const gitFrom = gh.git.requests.length;
    await h.click(OWNER, card, "ws.publish");
    const opened = visible(await h.waitForReply(header, /🔀 Opened|⚠️/, "the pull request's outcome"));
    const m = new RegExp(
      `🔀 Opened <https://github\\.com/octo/demo/pull/(\\d+)\\|pull request #\\1> from \`${escapeRegExp(where.branch)}\` as GitHub @alice`,
    ).exec(opened);
    assert.ok(m?.[1], opened);
    const number = Number(m[1]);
    // GitHub saw Alice: the branch was pushed with her token, and she opened the pull request.
    const pushed = pushes(gitFrom);
    assert.ok(pushed.length > 0, "the branch was pushed");
    assert.deepEqual([...new Set(pushed.map((r) => r.login))], ["alice"], "pushed with Alice's token");
    const [pr, ...more] = gh.pulls.forHead("octo", "demo", where.branch);
    assert.equal(more.length, 0);
    assert.equal(pr?.number, number);
    assert.equal(pr?.login, "alice", "the pull request was opened by Alice");
    const headSha = await gh.git.sha("octo", "demo", where.branch);
    assert.equal(pr?.headSha, headSha);

    // A second change; then GitHub stops accepting Alice's token (she revoked the app, or it expired).
    const from = threadLength(h, header);
    await h.say(header, OWNER, "WRITE: second.md after the pull request");
    await approveWrite(h, header, OWNER, "second.md");
    const next = await changesCard(h, header, from);
    assert.ok(gh.tokens.revokeLogin("alice") > 0);
    const refusedFrom = gh.git.requests.length;
    const pullsFrom = gh.pulls.requests.length;
    await h.click(OWNER, next, "ws.publish");
    const failed = visible(await h.waitForReply(header, /⚠️/, "the failure"));
    assert.match(
      failed,
      /⚠️ \*Could not create the pull request\.\* The pull request is opened as GitHub @alice, and that account needs linking again: its owner runs \/copilot login, then clicks again\./,
    );
    assert.match(failed, /Details: GitHub refused the token \(401\) when pushing to octo\/demo/);
    assert.doesNotMatch(failed, /GITHUB_TOKEN/, "the bridge's own setting is not Alice's fix");
    // Nothing went with the bridge's token instead: GitHub saw only the refused token.
    const attempts = pushes(refusedFrom);
    assert.ok(attempts.length > 0, "the push was tried");
    assert.ok(
      attempts.every((r) => r.login === undefined && r.status === 401),
      JSON.stringify(attempts),
    );
    assert.ok(
      gh.git.requests.slice(refusedFrom).every((r) => r.login !== bridgeLogin),
      "no request to github.com with the bridge's token",
    );
    assert.ok(
      gh.pulls.requests.slice(pullsFrom).every((r) => !r.tokenKnown),
      "no pulls API call with a token GitHub knows",
    );
    assert.equal(await gh.git.sha("octo", "demo", where.branch), headSha, "the branch did not move");
    assert.equal(gh.pulls.forHead("octo", "demo", where.branch)[0]?.headSha, headSha);

    // Alice links again and clicks again: the pull request is updated as her.
    await linkOnSlack(h, gh, OWNER, "alice");
    const againFrom = gh.git.requests.length;
    const replies = threadLength(h, header);
    await h.click(OWNER, next, "ws.publish");
    const updated = await h.slack.waitFor(
      () =>
        h.slack
          .thread(header.channel, header.ts)
          .slice(replies)
          .find((x) => /🔀|⚠️/.test(visible(x))),
      { what: "the outcome of the second click", timeoutMs: 20_000 },
    );
    assert.match(
      visible(updated),
      new RegExp(
        `🔀 Updated <https://github\\.com/octo/demo/pull/${number}\\|pull request #${number}> .* as GitHub @alice`,
      ),
    );
    const again = pushes(againFrom);
    assert.ok(again.length > 0);
    assert.deepEqual([...new Set(again.map((r) => r.login))], ["alice"]);
    assert.notEqual(await gh.git.sha("octo", "demo", where.branch), headSha, "the new commit was pushed");
    assert.equal(gh.pulls.forHead("octo", "demo", where.branch).length, 1, "still one pull request");
  });
});

/**
 * What stops a session before its thread opens: a base branch the repository does not have, and
 * BRIDGE_MAX_WORKTREES. Either is told privately to the person who asked, and nothing is made: no
 * thread, no branch, no worktree.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { visible } from "./harness.js";
import { command, gitIn, useWorkspaces, whereOf } from "./workspaces.js";

const OWNER = "UOWNERLIM";

describe("Slack: limits on worktrees", () => {
  const { h, docs } = useWorkspaces({ BRIDGE_MAX_WORKTREES: "1" });
  const roots = () => h.slack.messages.filter((m) => !m.thread_ts).length;
  const branches = () => gitIn(docs.dir, "branch", "--list", "copilot/*").trim();
  const worktrees = () => {
    const dir = join(h.dir, "data", "worktrees");
    return existsSync(dir) ? readdirSync(dir, { recursive: true }).length : 0;
  };

  test("a base the repository does not have is refused with the reason, and nothing is made", async () => {
    const before = { roots: roots(), branches: branches(), worktrees: worktrees() };
    const answer = await command(h, OWNER, "C0001", "in docs@no-such-branch say hi");
    assert.match(
      visible(answer),
      /^Could not prepare a workspace: .*no-such-branch.*Nothing was started\.$/s,
    );
    // A later command's answer is the barrier: the refused one made nothing before it.
    await command(h, OWNER, "C0001", "repos");
    assert.deepEqual({ roots: roots(), branches: branches(), worktrees: worktrees() }, before);
  });

  test("past BRIDGE_MAX_WORKTREES a new session is refused with the reason; ending one makes room", async () => {
    const header = await h.startSession(OWNER, "in docs first session");
    await h.waitForReply(header, /You said: first session/);
    assert.equal(whereOf(header).repo, "docs");
    const before = { roots: roots(), branches: branches() };

    const refused = await command(h, OWNER, "C0001", "in docs second session");
    assert.match(visible(refused), /BRIDGE_MAX_WORKTREES \(1\) worktrees exist/);
    assert.match(visible(refused), /Nothing was started\.$/);
    await command(h, OWNER, "C0001", "repos");
    assert.deepEqual({ roots: roots(), branches: branches() }, before, "no thread, no branch");

    await h.say(header, OWNER, "end");
    await h.waitForReply(header, /The worktree was removed/);
    const next = await h.startSession(OWNER, "in docs third session");
    await h.waitForReply(next, /You said: third session/);
    assert.equal(whereOf(next).repo, "docs");
  });
});

/**
 * Worktrees across a `kill -9` of the bridge, on Slack: a session resumes in the worktree its header
 * names; start-up retires worktrees no live session owns (their work committed on their branches, an
 * empty one's branch deleted) and leaves every live session's worktree alone, including one started
 * while that sweep is still running.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { visible } from "./harness.js";
import {
  approveWrite,
  changesCard,
  escapeRegExp,
  gitIn,
  threadLength,
  useWorkspaces,
  whereOf,
} from "./workspaces.js";

const OWNER = "UOWNERRS";

describe("Slack: worktrees across a kill -9", () => {
  const { h, docs } = useWorkspaces({});

  /** A worktree as a session that ended while the bridge was down leaves it: on its branch, maybe with a file. */
  const leftBehind = (repoDir: string, repo: string, name: string, base: string, file?: string) => {
    const branch = `copilot/${name}`;
    const dir = join(h.dir, "data", "worktrees", repo, `copilot-${name}`);
    gitIn(repoDir, "worktree", "add", "-q", "-b", branch, dir, base);
    if (file) writeFileSync(join(dir, file), `${name}\n`);
    return { branch, dir };
  };

  test("kill -9 after a first write: the session resumes in the same worktree, and the card lists both files", async () => {
    const header = await h.startSession(OWNER, "in docs WRITE: before.md first");
    const w = whereOf(header);
    await approveWrite(h, header, OWNER, "before.md");
    await changesCard(h, header);
    await h.crashAndRestart();

    const from = threadLength(h, header);
    await h.say(header, OWNER, "WRITE: after.md second");
    const path = await approveWrite(h, header, OWNER, "after.md");
    assert.equal(
      path,
      join(w.worktree, "after.md"),
      "the resumed session works in the worktree its header names",
    );
    const card = await changesCard(h, header, from);
    const text = visible(card);
    assert.match(text, new RegExp(`📝 \\*2 files changed\\* \\(\\+2 −0\\) on \`${escapeRegExp(w.branch)}\``));
    assert.match(text, /\+1 −0\s+after\.md/);
    assert.match(text, /\+1 −0\s+before\.md/);
    assert.equal(readFileSync(join(w.worktree, "before.md"), "utf8"), "first");
    assert.equal(readFileSync(join(w.worktree, "after.md"), "utf8"), "second");
    assert.equal(gitIn(w.worktree, "symbolic-ref", "--short", "HEAD"), w.branch);
    assert.equal(existsSync(join(docs.dir, "after.md")), false);
  });

  test("start-up retires worktrees without a session: work is committed on the branch, an empty one's branch goes", async () => {
    const live = await h.startSession(OWNER, "in docs WRITE: live.md mine");
    const lw = whereOf(live);
    await approveWrite(h, live, OWNER, "live.md");
    await changesCard(h, live);
    const worked = leftBehind(docs.dir, "docs", "orphan-worked", "main", "orphan.md");
    const idle = leftBehind(docs.dir, "docs", "orphan-idle", "main");

    const from = h.output.length;
    await h.crashAndRestart();
    await h.waitForLog(/retired worktrees without a live session.*"retired":2/, { from });
    assert.equal(existsSync(worked.dir), false);
    assert.equal(existsSync(idle.dir), false);
    assert.equal(docs.git("log", "-1", "--format=%s", worked.branch), "Work left when the bridge stopped");
    assert.equal(docs.git("show", `${worked.branch}:orphan.md`), "orphan-worked");
    assert.equal(docs.hasBranch(idle.branch), false, "nothing to keep: the branch is deleted");
    // The live session's worktree stays, uncommitted work and all.
    assert.equal(readFileSync(join(lw.worktree, "live.md"), "utf8"), "mine");
    assert.equal(gitIn(lw.worktree, "status", "--porcelain"), "?? live.md");
    await h.barrier(live, OWNER, "still here");
  });

  // Product bug (see the report): the sweep decides which worktrees are live from a list taken when it
  // starts, so a worktree made meanwhile is retired (and its branch deleted) right after it was made.
  // The sweep runs before the bridge takes commands, so a new session's worktree is never in its list.
  test("a session started while the start-up sweep runs keeps its worktree", async () => {
    // demo is cloned by its first session; then worktrees left in it give the sweep work to do first.
    const first = await h.startSession(OWNER, "in demo ECHO: cloned");
    await h.waitForReply(first, /cloned/);
    const clone = join(h.dir, "data", "repos", "demo.git");
    const orphans = Array.from({ length: 20 }, (_, i) =>
      leftBehind(clone, "demo", `sweep-${i}`, "origin/main", "left.md"),
    );

    const from = h.output.length;
    await h.crashAndRestart();
    const header = await h.startSession(OWNER, "in docs WRITE: during-sweep.md kept");
    const w = whereOf(header);
    await h.waitForLog(/retired worktrees without a live session/, { from, timeoutMs: 30_000 });
    assert.ok(
      orphans.every((o) => !existsSync(o.dir)),
      "the worktrees left behind were retired",
    );
    const swept = h.output.slice(from).filter((l) => /retired a worktree/.test(l) && l.includes(w.branch));
    assert.ok(
      existsSync(w.worktree),
      `the new session's worktree is gone; the log says:\n${swept.join("\n")}`,
    );
    assert.ok(docs.hasBranch(w.branch), "its branch is there");
    const path = await approveWrite(h, header, OWNER, "during-sweep.md");
    assert.equal(path, join(w.worktree, "during-sweep.md"));
    assert.equal(gitIn(w.worktree, "status", "--porcelain"), "?? during-sweep.md");
    assert.ok(docs.git("worktree", "list").includes(w.worktree));
  });
});

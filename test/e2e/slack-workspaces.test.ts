/**
 * Sessions in git worktrees, on Slack: every session gets a worktree and a branch of its own in the
 * repository it names (`/copilot in docs[@release] …`, else the channel's default, else the first
 * configured), so two sessions never see each other's files and the checkout they come from is never
 * touched; a turn that leaves changes gets a card; `end` keeps the work on the branch; Discard
 * changes puts the worktree back at its base. Restarts: slack-workspaces-restart.test.ts; pull
 * requests: slack-workspaces-github.test.ts.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { SlackMessage } from "../fakes/slack/index.js";
import { visible } from "./harness.js";
import {
  approveWrite,
  changesCard,
  command,
  escapeRegExp,
  gitIn,
  labels,
  noticeTo,
  useWorkspaces,
  whereOf,
} from "./workspaces.js";

const OWNER = "UOWNERWS";
const OTHER = "UOTHERWS";
const ADMIN = "UADMIN";

describe("Slack: sessions in git worktrees", () => {
  const { h, docs } = useWorkspaces({ BRIDGE_ADMINS: `slack:${ADMIN}` });

  /** The session headers opened in `channel` after the `from`-th message, once there are `n`. */
  const headers = (channel: string, from: number, n: number) =>
    h.slack.waitFor(
      () => {
        const tops = h.slack.messages.slice(from).filter((m) => m.channel === channel && !m.thread_ts);
        return tops.length >= n ? tops : undefined;
      },
      { what: `${n} session headers` },
    );

  test("two sessions at once in docs write the same file, each in its own worktree; the checkout is untouched", async () => {
    const from = h.slack.messages.length;
    await Promise.all([
      h.slack.sendSlashCommand({ user_id: OWNER, channel_id: "C0001", text: "in docs WRITE: notes.md one" }),
      h.slack.sendSlashCommand({ user_id: OWNER, channel_id: "C0001", text: "in docs WRITE: notes.md two" }),
    ]);
    const started = await headers("C0001", from, 2);
    const byText = (word: string): SlackMessage => {
      const found = started.find((m) => visible(m).includes(`WRITE: notes.md ${word}`));
      assert.ok(found, `a header for "${word}": ${started.map(visible).join("\n---\n")}`);
      return found;
    };
    const [one, two] = [byText("one"), byText("two")];
    const [a, b] = [whereOf(one), whereOf(two)];
    for (const w of [a, b]) {
      assert.equal(w.repo, "docs");
      assert.equal(w.base, "main");
      assert.match(w.branch, /^copilot\/write-notes-md-(one|two)-[a-z0-9]+$/);
      assert.ok(w.worktree.startsWith(join(h.dir, "data", "worktrees", "docs")), w.worktree);
    }
    assert.notEqual(a.worktree, b.worktree, "two worktrees");
    assert.notEqual(a.branch, b.branch, "two branches");

    // Both cards wait at once; each write goes to its own worktree.
    const [pathOne, pathTwo] = await Promise.all([
      approveWrite(h, one, OWNER, "notes.md"),
      approveWrite(h, two, OWNER, "notes.md"),
    ]);
    assert.equal(pathOne, join(a.worktree, "notes.md"));
    assert.equal(pathTwo, join(b.worktree, "notes.md"));
    const [cardOne, cardTwo] = await Promise.all([changesCard(h, one), changesCard(h, two)]);
    for (const [card, w] of [
      [cardOne, a],
      [cardTwo, b],
    ] as const) {
      const text = visible(card);
      assert.match(
        text,
        new RegExp(`📝 \\*1 file changed\\* \\(\\+1 −0\\) on \`${escapeRegExp(w.branch)}\``),
      );
      assert.match(text, /\+1 −0\s+notes\.md/);
      assert.deepEqual(labels(card), ["View diff", "Create pull request", "Discard changes"]);
    }
    assert.equal(readFileSync(join(a.worktree, "notes.md"), "utf8"), "one");
    assert.equal(readFileSync(join(b.worktree, "notes.md"), "utf8"), "two");

    // The checkout the worktrees come from: no file, no change, HEAD where it was, the branches beside it.
    assert.equal(docs.git("status", "--porcelain"), "");
    assert.equal(existsSync(join(docs.dir, "notes.md")), false);
    assert.equal(docs.git("rev-parse", "HEAD"), docs.main);
    assert.equal(docs.git("symbolic-ref", "--short", "HEAD"), "main");
    assert.ok(docs.hasBranch(a.branch) && docs.hasBranch(b.branch), docs.git("branch", "--list"));
  });

  test("in docs@release starts from release; repos lists both; an unknown name starts nothing; only an admin sets the channel's repository", async () => {
    const CH = "C0REPOS";
    const release = await h.startSession(OWNER, "in docs@release ECHO: on release", CH);
    const rel = whereOf(release);
    assert.equal(rel.repo, "docs");
    assert.equal(rel.base, "release");
    assert.equal(readFileSync(join(rel.worktree, "RELEASE.md"), "utf8"), "release notes\n");
    await h.waitForReply(release, /on release/);

    const repos = visible(await command(h, OWNER, CH, "repos"));
    assert.match(repos, /`demo` — cloned from `https:\/\/github\.com\/octo\/demo\.git` \(the default\)/);
    assert.ok(repos.includes(`\`docs\` — at \`${docs.dir}\``), repos);

    const tops = () => h.slack.messages.filter((m) => m.channel === CH && !m.thread_ts).length;
    const before = tops();
    const nope = visible(await command(h, OWNER, CH, "in nope ECHO: lost"));
    assert.equal(nope, "There is no repository nope. The choices are: demo, docs. Nothing was started.");

    const refused = visible(await command(h, OTHER, CH, "repo docs"));
    assert.equal(refused, "Only a bridge admin can change this channel's settings. Nothing was changed.");
    assert.match(
      visible(await command(h, OTHER, CH, "repo")),
      /This channel has no default repository: new sessions work in `demo`, the first configured\./,
    );
    assert.match(
      visible(await command(h, ADMIN, CH, "repo docs")),
      /New sessions in this channel will work in `docs`\./,
    );
    assert.match(
      visible(await command(h, OTHER, CH, "repo")),
      /New sessions in this channel work in `docs`\./,
    );

    const plain = await h.startSession(OTHER, "ECHO: plain start", CH);
    const w = whereOf(plain);
    assert.equal(w.repo, "docs");
    assert.equal(w.base, "main");
    assert.ok(w.worktree.startsWith(join(h.dir, "data", "worktrees", "docs")), w.worktree);
    await h.waitForReply(plain, /plain start/);
    assert.equal(tops(), before + 1, "`in nope` opened no thread: the only new one is the plain start's");
  });

  test("end with uncommitted work: the worktree goes, the branch keeps a Work in progress commit with the file", async () => {
    const header = await h.startSession(OWNER, "in docs WRITE: kept.md keep this");
    const w = whereOf(header);
    await approveWrite(h, header, OWNER, "kept.md");
    await changesCard(h, header);
    await h.say(header, OWNER, "end");
    await h.waitForReply(
      header,
      new RegExp(
        `🌿 The worktree was removed; the branch \`${escapeRegExp(w.branch)}\` keeps the session's work\\.`,
      ),
    );
    assert.equal(existsSync(w.worktree), false, "the worktree directory is gone");
    assert.ok(!docs.git("worktree", "list", "--porcelain").includes(w.worktree), "git forgot the worktree");
    assert.ok(docs.hasBranch(w.branch));
    assert.equal(
      docs.git("log", "-1", "--format=%s", w.branch),
      "Work in progress: WRITE: kept.md keep this",
    );
    assert.equal(docs.git("rev-parse", `${w.branch}^`), docs.main, "one commit on the base");
    assert.equal(docs.git("show", `${w.branch}:kept.md`), "keep this");
    assert.equal(docs.git("status", "--porcelain"), "", "the checkout is untouched");

    // A session that changed nothing leaves no branch behind.
    const idle = await h.startSession(OWNER, "in docs ECHO: nothing to keep");
    const iw = whereOf(idle);
    await h.waitForReply(idle, /nothing to keep/);
    await h.say(idle, OWNER, "end");
    await h.waitForReply(idle, /🧹 The worktree was removed; it had no work to keep\./);
    assert.equal(existsSync(iw.worktree), false);
    assert.equal(docs.hasBranch(iw.branch), false);
  });

  test("Discard changes: a stranger is refused; the owner's click empties the worktree back to its base", async () => {
    const header = await h.startSession(OWNER, "in docs WRITE: scratch.md throwaway");
    const w = whereOf(header);
    await approveWrite(h, header, OWNER, "scratch.md");
    const card = await changesCard(h, header);
    const file = join(w.worktree, "scratch.md");

    const from = h.slack.ephemerals.length;
    await h.click(OTHER, card, "ws.discard");
    await noticeTo(
      h,
      OTHER,
      new RegExp(`Only <@${OWNER}> or an approver can do this\\. Nothing was changed\\.`),
      from,
    );
    assert.equal(readFileSync(file, "utf8"), "throwaway", "the stranger's click changed nothing");

    await h.click(OWNER, card, "ws.discard");
    await h.waitForReply(header, /🗑️ Discarded the changes: the worktree is back at the base \(main\)\./);
    assert.equal(existsSync(file), false);
    assert.equal(gitIn(w.worktree, "status", "--porcelain"), "");
    assert.equal(gitIn(w.worktree, "rev-parse", "HEAD"), docs.main);
  });
});

/**
 * Sessions in git worktrees, from Discord: `/copilot` with the `repo` option picks the repository and
 * base branch (an unknown one is refused privately, listing the choices); a mention works in the default
 * repository, whose changes can be looked at and published as a pull request on the fake GitHub; `end`
 * keeps uncommitted work on the session's branch and removes the worktree.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { DiscordMessage, InteractionHandle } from "../fakes/discord/index.js";
import { messageText } from "../fakes/discord/index.js";
import { gitOk } from "../fakes/github/git-client.js";
import { buttons } from "./discord-driver.js";
import { makeLocalRepo } from "./discord-workspaces-setup.js";
import { useBridge } from "./fixture.js";

const OWNER = "250000000000000001";

/** `docs`: a path repository with `main` and `release`. */
const docs = makeLocalRepo();

/** The header's "where" line, read back. */
interface Where {
  repo: string;
  base: string;
  branch: string;
  worktree: string;
}

const whereLine = /Repository: `([^`]+)` · Base: `([^`]+)` · Branch: `([^`]+)` · Worktree: `([^`]+)`/;

function whereOf(header: DiscordMessage): Where {
  const m = whereLine.exec(messageText(header));
  assert.ok(m?.[1] && m[2] && m[3] && m[4], `no repository line in the header: ${messageText(header)}`);
  return { repo: m[1], base: m[2], branch: m[3], worktree: m[4] };
}

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("Discord: sessions in git worktrees", () => {
  const { h, drv, gh } = useBridge({
    discordOwner: OWNER,
    github: true,
    env: { BRIDGE_REPOS: `demo=https://github.com/octo/demo.git,docs=${docs.dir}` },
    ready: ({ gh }) => {
      gh.git.createRepo("octo", "demo", { files: { "README.md": "# demo\n" } });
    },
  });
  after(() => docs.remove());

  /** `/copilot prompt:<prompt> repo:<repo>` in the channel, as the owner. */
  const slashIn = (repo: string, prompt: string): Promise<InteractionHandle> =>
    h.discord.slashCommand({
      user_id: OWNER,
      channel_id: h.discord.channelId,
      options: [
        { name: "prompt", type: 3, value: prompt },
        { name: "repo", type: 3, value: repo },
      ],
    });

  /** Runs `/copilot` with a repository; resolves with the header it posts in the channel and its thread. */
  async function startIn(
    repo: string,
    prompt: string,
  ): Promise<{ header: DiscordMessage; threadId: string }> {
    const d = h.discord;
    const before = d.messages.length;
    await slashIn(repo, prompt);
    const header = await d.waitFor(
      () =>
        d.messages
          .slice(before)
          .find(
            (m) => m.channel_id === d.channelId && m.author.bot && m.thread && whereLine.test(messageText(m)),
          ),
      { what: `the header of the session in ${repo}`, timeoutMs: 20_000 },
    );
    const thread = d.threads.find((t) => t.message_id === header.id);
    assert.ok(thread, "the thread was started from the header");
    return { header, threadId: thread.id };
  }

  /**
   * Approves the open write card in the thread; resolves with the changes card the turn's end brings,
   * saying `summary` ("1 file changed.* (+1 −0)").
   */
  async function approveAndWaitForChanges(
    threadId: string,
    branch: string,
    summary = "1 file changed.* \\(\\+1 −0\\)",
  ): Promise<DiscordMessage> {
    const card = await h.discord.waitFor(
      () => drv.cards(threadId).find((m) => buttons(m).some((b) => b.label === "Approve once")),
      { what: "the open write card", timeoutMs: 20_000 },
    );
    await drv.click(card, "Approve once");
    return drv.waitReply(
      threadId,
      new RegExp(`📝 .*${summary} on \`${reEscape(branch)}\``),
      `the changes card saying ${summary}`,
    );
  }

  test("/copilot with repo docs@release works on a branch of release; an unknown repo is refused with the choices", async () => {
    const d = h.discord;
    const { header, threadId } = await startIn("docs@release", "summarise the release notes");
    const where = whereOf(header);
    assert.equal(where.repo, "docs");
    assert.equal(where.base, "release");
    assert.match(where.branch, /^copilot\/summarise-the-release-notes-/);
    await drv.waitReply(threadId, /You said: summarise the release notes \(user turns: 1\)/);
    // The world: the branch is in the docs repository, made from release, checked out in the worktree.
    assert.equal(docs.git(["rev-parse", `refs/heads/${where.branch}`]), docs.release);
    assert.equal(readFileSync(join(where.worktree, "RELEASE.md"), "utf8"), "release notes\n");

    const branches = docs.git(["for-each-ref", "--format=%(refname)", "refs/heads"]);
    const threads = d.threads.length;
    const posts = d.messages.filter((m) => m.channel_id === d.channelId && m.author.bot).length;
    const handle = await slashIn("nope", "this goes nowhere");
    const refusal = await drv.ephemeralTo(
      handle,
      /There is no repository nope\. The choices are: demo, docs\. Nothing was started\./,
    );
    assert.equal((refusal.flags ?? 0) & 64, 64, "only the person who ran it sees it");
    assert.equal(d.threads.length, threads, "no thread");
    assert.equal(
      d.messages.filter((m) => m.channel_id === d.channelId && m.author.bot).length,
      posts,
      "nothing posted in the channel",
    );
    assert.equal(docs.git(["for-each-ref", "--format=%(refname)", "refs/heads"]), branches, "no branch");
    assert.ok(!drv.modelSaw("this goes nowhere"), "nothing reached the model");
  });

  test("a mention works in demo: approve the write, view the diff, create the pull request on GitHub, update it", async () => {
    const threadId = await drv.start("WRITE: hello.txt hi");
    const header = await drv.waitReply(threadId, whereLine, "the header");
    const where = whereOf(header);
    assert.equal(where.repo, "demo");
    assert.equal(where.base, "main");
    const changes = await approveAndWaitForChanges(threadId, where.branch);
    assert.match(messageText(changes), /hello\.txt/);
    assert.equal(readFileSync(join(where.worktree, "hello.txt"), "utf8"), "hi");

    await drv.click(changes, "View diff");
    const upload = await h.discord.waitFor(
      () => drv.replies(threadId).find((m) => m.attachments.some((a) => a.filename.endsWith(".patch"))),
      { what: "the .patch upload", timeoutMs: 20_000 },
    );
    const patch = upload.attachments.find((a) => a.filename.endsWith(".patch"))?.bytes.toString("utf8") ?? "";
    assert.match(patch, /^\+\+\+ b\/hello\.txt$/m);
    assert.match(patch, /^\+hi$/m);

    await drv.click(changes, "Create pull request");
    const opened = await drv.waitReply(
      threadId,
      new RegExp(`🔀 Opened .*pull request #(\\d+).* from \`${reEscape(where.branch)}\``),
      "the pull request line",
    );
    const number = Number(/pull request #(\d+)/.exec(messageText(opened))?.[1]);

    // The world: the branch on GitHub has one commit on top of main, with the file; one pull request.
    assert.ok(gh.git.branches("octo", "demo").includes(where.branch), gh.git.branches("octo", "demo").join());
    const main = gh.git.log("octo", "demo", "main")[0]?.sha;
    const [tip, ...rest] = gh.git.log("octo", "demo", where.branch);
    assert.deepEqual(tip?.parents, [main]);
    assert.equal(rest[0]?.sha, main);
    const bare = gh.git.repoPath("octo", "demo");
    assert.equal(await gitOk(bare, ["show", `${tip?.sha}:hello.txt`], gh.gitEnv()), "hi");
    const pulls = gh.pulls.forHead("octo", "demo", where.branch);
    assert.equal(pulls.length, 1);
    assert.deepEqual(
      [pulls[0]?.number, pulls[0]?.head, pulls[0]?.base, pulls[0]?.state],
      [number, where.branch, "main", "open"],
    );
    assert.equal(pulls[0]?.title, "WRITE: hello.txt hi");

    // Another turn: the next changes card updates the same pull request.
    await drv.say(threadId, "WRITE: second.txt more");
    const again = await approveAndWaitForChanges(threadId, where.branch, "2 files changed.* \\(\\+2 −0\\)");
    assert.ok(
      buttons(again).some((b) => b.label === `Update pull request #${number}`),
      JSON.stringify(buttons(again)),
    );
    await drv.click(again, `Update pull request #${number}`);
    await drv.waitReply(
      threadId,
      new RegExp(`🔀 Updated .*pull request #${number}.* from \`${reEscape(where.branch)}\``),
      "the update line",
    );
    const [second, ...older] = gh.git.log("octo", "demo", where.branch);
    assert.deepEqual(second?.parents, [tip?.sha], "a second commit on top of the first");
    assert.equal(older[0]?.sha, tip?.sha);
    assert.equal(await gitOk(bare, ["show", `${second?.sha}:second.txt`], gh.gitEnv()), "more");
    assert.equal(gh.pulls.forHead("octo", "demo", where.branch).length, 1, "still one pull request");
    assert.equal(gh.pulls.pulls.length, 1, "no other pull request anywhere");
  });

  test("end with uncommitted changes keeps them on the branch in docs and removes the worktree", async () => {
    const { header, threadId } = await startIn("docs", "WRITE: notes.md from the docs session");
    const where = whereOf(header);
    assert.deepEqual([where.repo, where.base], ["docs", "main"]);
    await approveAndWaitForChanges(threadId, where.branch);
    assert.ok(existsSync(join(where.worktree, "notes.md")));
    assert.equal(docs.git(["rev-parse", `refs/heads/${where.branch}`]), docs.main, "nothing committed yet");

    await drv.say(threadId, "end");
    await drv.waitReply(
      threadId,
      new RegExp(
        `🌿 The worktree was removed; the branch \`${reEscape(where.branch)}\` keeps the session's work\\.`,
      ),
      "the branch-kept line",
    );
    assert.equal(existsSync(where.worktree), false, "the worktree directory is gone");
    assert.ok(
      !docs.git(["worktree", "list", "--porcelain"]).includes(where.worktree),
      "git no longer lists the worktree",
    );
    const [sha, parent] = docs.git(["log", "-1", "--format=%H %P", `refs/heads/${where.branch}`]).split(" ");
    assert.equal(parent, docs.main, "one commit on top of main");
    assert.equal(docs.git(["show", `${sha}:notes.md`]), "from the docs session");
    assert.equal(docs.git(["rev-parse", "HEAD"]), docs.main, "the checkout itself is untouched");
  });
});

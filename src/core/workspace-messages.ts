import { Actions } from "./actions.js";
import type { ChangeSummary, PublishFailure, Repository } from "./ports/workspace.js";
import type { Block, Button, Inline, Message } from "./types.js";
import type { ThreadRecord } from "./vocabulary/records.js";
import type { WorkspaceInfo } from "./vocabulary/workspace.js";

/** Bridge-authored texts about repositories, worktrees, changes and pull requests. */

/** Files listed on a changes card before the rest are counted. */
const listedFiles = 15;

/** The header's "where": the repository, base, branch and worktree, or the plain directory. */
export function whereLine(record: Pick<ThreadRecord, "workingDirectory" | "workspace">): Inline[] {
  const ws = record.workspace;
  if (!ws) return ["Working directory: ", { code: record.workingDirectory }];
  if (!ws.git) {
    return [
      "Working directory: ",
      { code: ws.path },
      " · no git history to branch from: sessions here share this directory, with no branch, diff or pull request",
    ];
  }
  return [
    ...(ws.repo ? ["Repository: ", { code: ws.repo }, " · "] : []),
    "Base: ",
    { code: ws.base ?? "?" },
    " · Branch: ",
    { code: ws.branch ?? "?" },
    " · Worktree: ",
    { code: ws.path },
  ];
}

/** `+12 −3` */
function counts(added: number, removed: number): string {
  return `+${added} −${removed}`;
}

/** The thread's summary of what a turn left changed, with what can be done about it. */
export function changesCard(ws: WorkspaceInfo, summary: ChangeSummary): Message {
  const n = summary.files.length;
  const blocks: Block[] = [
    {
      type: "line",
      inline: [
        "📝 ",
        { bold: `${n} ${n === 1 ? "file" : "files"} changed` },
        ` (${counts(summary.added, summary.removed)}) on `,
        { code: ws.branch ?? "?" },
      ],
    },
  ];
  const lines = summary.files
    .slice(0, listedFiles)
    .map((f) => `${f.binary ? "binary" : counts(f.added, f.removed).padEnd(12)} ${f.path}`);
  if (n > listedFiles) lines.push(`… and ${n - listedFiles} more`);
  blocks.push({ type: "code", text: lines.join("\n") });
  const pr = ws.pullRequest;
  const buttons: Button[] = [
    { action: Actions.viewDiff, label: "View diff", payload: "changes" },
    {
      action: Actions.publish,
      label: pr ? `Update pull request #${pr.number}` : "Create pull request",
      style: "primary",
      payload: "changes",
    },
    { action: Actions.discard, label: "Discard changes", style: "danger", payload: "changes" },
  ];
  blocks.push({ type: "buttons", buttons });
  return {
    blocks,
    summary: `${n} ${n === 1 ? "file" : "files"} changed (${counts(summary.added, summary.removed)})`,
  };
}

/** What fixes each reason a pull request could not be made (the error says the specifics). */
const fixes: Record<PublishFailure, string> = {
  "no-token":
    "The bridge has no GitHub token: an admin sets GITHUB_TOKEN (contents and pull requests: write).",
  unauthorized:
    "GitHub refused the token: it may have expired or been revoked. An admin sets a new GITHUB_TOKEN.",
  "no-push-access":
    "The token may not push to this repository: give it contents: write (and pull requests: write) there.",
  "branch-protected": "A branch protection rule refused it: ask a repository admin, or change the rule.",
  conflict:
    "The branch conflicts with its base: ask Copilot to merge or rebase the base branch, then try again.",
  "not-github": "This repository's remote is not on GitHub, so the bridge cannot open a pull request there.",
  "nothing-to-publish": "There are no changes to publish.",
  other: "",
};

export function publishFailed(reason: PublishFailure, detail: string, person?: string): Message {
  const fix =
    person && (reason === "unauthorized" || reason === "no-token")
      ? `The pull request is opened as GitHub @${person}, and that account needs linking again: its owner runs /copilot login, then clicks again.`
      : fixes[reason];
  return {
    blocks: [
      {
        type: "line",
        inline: ["⚠️ ", { bold: "Could not create the pull request." }, ...(fix ? [` ${fix}`] : [])],
      },
      { type: "quote", text: detail, label: "Details: " },
    ],
    summary: "Could not create the pull request",
  };
}

export function published(
  pr: { number: number; url: string; created: boolean },
  branch: string,
  login?: string,
): Message {
  const verb = pr.created ? "Opened" : "Updated";
  return {
    blocks: [
      {
        type: "line",
        inline: [
          "🔀 ",
          `${verb} `,
          { link: pr.url, label: `pull request #${pr.number}` },
          " from ",
          { code: branch },
          ...(login ? [` as GitHub @${login}`] : []),
        ],
      },
    ],
    summary: `${verb} pull request #${pr.number}`,
  };
}

export function discarded(ws: WorkspaceInfo): Message {
  const to = ws.pullRequest
    ? `pull request #${ws.pullRequest.number}'s last push`
    : `the base (${ws.base ?? "?"})`;
  return {
    blocks: [{ type: "line", inline: ["🗑️ Discarded the changes: the worktree is back at ", to, "."] }],
    summary: "Changes discarded",
  };
}

/** What the thread is told about its worktree when the session ends. */
export function retiredLine(ws: WorkspaceInfo, branchKept: boolean): Message {
  const pr = ws.pullRequest;
  const inline: Inline[] = branchKept
    ? ["🌿 The worktree was removed; the branch ", { code: ws.branch ?? "?" }, " keeps the session's work."]
    : pr
      ? [
          "🧹 The worktree was removed; its work is in ",
          { link: pr.url, label: `pull request #${pr.number}` },
          ".",
        ]
      : ["🧹 The worktree was removed; it had no work to keep."];
  return { blocks: [{ type: "line", inline }], summary: "Worktree removed" };
}

/** `/copilot repos`. */
export function repositoryList(repos: readonly Repository[], channelDefault: string | undefined): Inline[] {
  if (repos.length === 0) {
    return [
      "No repositories are configured (BRIDGE_REPOS): sessions work in the bridge's working directory.",
    ];
  }
  const out: Inline[] = ["Repositories sessions may work in:"];
  for (const [i, repo] of repos.entries()) {
    const isDefault = channelDefault ? repo.name === channelDefault : i === 0;
    out.push("\n• ", { code: repo.name }, ` — ${repo.kind === "url" ? "cloned from" : "at"} `, {
      code: repo.source,
    });
    if (isDefault) out.push(channelDefault ? " (this channel's default)" : " (the default)");
  }
  out.push("\nPick one with `/copilot in <name>[@branch] <prompt>`.");
  return out;
}

export function unknownRepository(name: string, repos: readonly Repository[]): string {
  const names = repos.map((r) => r.name);
  return names.length > 0
    ? `There is no repository ${name}. The choices are: ${names.join(", ")}. Nothing was started.`
    : `There is no repository ${name}: no repositories are configured (BRIDGE_REPOS). Nothing was started.`;
}

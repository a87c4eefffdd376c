import { Actions } from "./actions.js";
import type { ThreadRecord } from "./store.js";
import type { AgentMode, Block, Button, Inline, Message } from "./types.js";

/** Bridge-authored texts, in one place. */

export const usage = [
  "Usage: `/copilot <what you want Copilot to do>` starts a Copilot session in a new thread.",
  "`/copilot sessions` lists this channel's sessions; `/copilot attach <session-id>` brings a session started in a terminal into a new thread; `/copilot cloud owner/repo[@branch] <prompt>` runs a session on GitHub's compute; `/copilot help` shows this text.",
  "In a session's thread: reply to continue; `stop`, `status`, `mode plan|interactive|autopilot`, `help`.",
].join("\n");

export const threadHelp = [
  "Reply in this thread to continue the session (others mention the bot).",
  "Controls, as a message on its own (or after mentioning the bot):",
  "`stop` aborts the current turn · `status` shows the session · `mode plan` / `mode interactive` / `mode autopilot` switches how Copilot works · `remote on` / `remote off` shares the session on GitHub (link and QR code) · `help` shows this.",
  "Only the session's owner or an approver may stop it, change its mode or answer its prompts.",
].join("\n");

const modeWords: Record<AgentMode, string> = {
  interactive: "interactive",
  plan: "plan (Copilot plans before it changes anything)",
  autopilot: "autopilot (Copilot keeps working without waiting for replies)",
};

export function describeMode(mode: AgentMode): string {
  return modeWords[mode];
}

/** The session's root message: who started it, what for, where, the mode, and its controls. */
export function sessionHeader(
  record: Pick<ThreadRecord, "owner" | "title" | "workingDirectory" | "mode">,
): Message {
  const controls: Button[] = [{ action: Actions.stop, label: "Stop", style: "danger", payload: "turn" }];
  for (const mode of ["interactive", "plan", "autopilot"] as const) {
    if (mode !== record.mode) controls.push({ action: Actions.mode, label: `Mode: ${mode}`, payload: mode });
  }
  return {
    blocks: [
      { type: "line", inline: ["🤖 ", { bold: "Copilot session" }, " started by ", { user: record.owner }] },
      { type: "markdown", text: quote(record.title) },
      {
        type: "context",
        inline: [
          "Mode: ",
          { code: record.mode },
          " · Working directory: ",
          { code: record.workingDirectory },
        ],
      },
      { type: "buttons", buttons: controls },
    ],
    summary: `Copilot session: ${record.title.slice(0, 100)}`,
  };
}

export function said(inline: Inline[], summary: string): Message {
  return { blocks: [{ type: "context", inline }], summary };
}

export function failure(what: string, reason: string): Message {
  return {
    blocks: [{ type: "line", inline: ["⚠️ ", { bold: what }, ` ${reason}`] }],
    summary: `${what} ${reason}`,
  };
}

export interface StatusFacts {
  record: ThreadRecord;
  state: "working" | "idle" | "reconnecting" | "not resumed";
  model: string;
  pending: { title: string; link: string | undefined }[];
  queued: number;
  remoteUrl?: string;
}

export function statusMessage(facts: StatusFacts): Message {
  const r = facts.record;
  const blocks: Block[] = [
    { type: "line", inline: [{ bold: "Session status" }, " · owner ", { user: r.owner }] },
    {
      type: "context",
      inline: [
        "State: ",
        { code: facts.state },
        " · Mode: ",
        { code: r.mode },
        " · Model: ",
        { code: facts.model },
        " · Working directory: ",
        { code: r.workingDirectory },
        ...(facts.queued > 0 ? [` · ${facts.queued} queued message(s)`] : []),
      ],
    },
  ];
  if (facts.remoteUrl) {
    blocks.push({
      type: "line",
      inline: ["📱 On GitHub: ", { link: facts.remoteUrl, label: facts.remoteUrl }],
    });
  }
  if (facts.pending.length === 0)
    blocks.push({ type: "context", inline: ["No prompts waiting for an answer."] });
  for (const p of facts.pending) {
    blocks.push({
      type: "line",
      inline: ["⏳ Waiting: ", p.link ? { link: p.link, label: p.title } : p.title],
    });
  }
  return { blocks, summary: `Session status: ${facts.state}, mode ${r.mode}` };
}

function quote(text: string): string {
  const shown = text.length > 500 ? `${text.slice(0, 500)}…` : text;
  return shown
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
}

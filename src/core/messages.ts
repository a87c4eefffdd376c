import { Actions } from "./actions.js";
import type { Block, Button, Inline, Message } from "./types.js";
import type { RunsAs } from "./vocabulary/identity.js";
import type { AgentMode } from "./vocabulary/mode.js";
import type { SessionEnding, ThreadRecord } from "./vocabulary/records.js";
import { whereLine } from "./workspace-messages.js";

/** Bridge-authored texts, in one place. */

export const usage = [
  "Usage: `/copilot <what you want Copilot to do>` starts a Copilot session in a new thread, in its own git worktree and branch.",
  "`/copilot in <repository>[@branch] <prompt>` picks the repository (and base branch); `/copilot repos` lists them; `/copilot repo <name>` (admins) sets this channel's default.",
  "`/copilot sessions` lists this channel's sessions; `/copilot attach <session-id>` brings a session started in a terminal into a new thread; `/copilot cloud owner/repo[@branch] <prompt>` runs a session on GitHub's compute; `/copilot help` shows this text.",
  "`/copilot audit [n]` (admins) shows the last n audited actions.",
  "`/copilot login` links your GitHub account (the code comes in a direct message); `/copilot whoami` shows the link; `/copilot logout` removes it.",
  "In a session's thread: reply to continue; `stop`, `status`, `mode plan|interactive|autopilot`, `end`, `help`.",
].join("\n");

export const threadHelp = [
  "Reply in this thread to continue the session (others mention the bot).",
  "Controls, as a message on its own (or after mentioning the bot):",
  "`stop` aborts the current turn · `status` shows the session · `mode plan` / `mode interactive` / `mode autopilot` switches how Copilot works · `remote on` / `remote off` shares the session on GitHub (link and QR code) · `end` ends the session for good · `help` shows this.",
  "Only the session's owner or an approver may stop it, change its mode, end it or answer its prompts.",
].join("\n");

const modeWords: Record<AgentMode, string> = {
  interactive: "interactive",
  plan: "plan (Copilot plans before it changes anything)",
  autopilot: "autopilot (Copilot keeps working without waiting for replies)",
};

export function describeMode(mode: AgentMode): string {
  return modeWords[mode];
}

/**
 * The session's root message: who started it, what for, where, the mode, and its controls; once
 * the session has ended, how it ended instead of the controls.
 */
export function sessionHeader(
  record: Pick<
    ThreadRecord,
    "owner" | "title" | "workingDirectory" | "mode" | "ended" | "workspace" | "runsAs"
  >,
): Message {
  const blocks: Block[] = [
    { type: "line", inline: ["🤖 ", { bold: "Copilot session" }, " started by ", { user: record.owner }] },
    { type: "markdown", text: quote(record.title) },
    {
      type: "context",
      inline: ["Mode: ", { code: record.mode }, " · ", ...whereLine(record), ...identityLine(record.runsAs)],
    },
  ];
  if (record.ended) blocks.push({ type: "line", inline: endedLine(record.ended) });
  else blocks.push({ type: "buttons", buttons: headerControls(record.mode) });
  return { blocks, summary: `Copilot session: ${record.title.slice(0, 100)}` };
}

/** " · GitHub: @alice", or that the session uses the bridge's account and why. */
export function identityLine(runsAs: RunsAs | undefined): Inline[] {
  if (!runsAs) return [];
  if (runsAs.kind === "bridge") {
    const why =
      runsAs.why === "unlinked"
        ? "no linked account: /copilot login links yours"
        : "GitHub refused the linked account's token: /copilot login links it again";
    return [" · GitHub: the bridge's account (", why, ")"];
  }
  const who = `@${runsAs.login}${runsAs.host === "github.com" ? "" : ` on ${runsAs.host}`}`;
  const covers =
    runsAs.reach === "model"
      ? " (model turns; Mission Control and cloud use the runtime's account)"
      : runsAs.reach === "none"
        ? " (pull requests only: the runtime signs in itself and the model is the bridge's own)"
        : "";
  return [" · GitHub: ", who, covers];
}

function headerControls(current: AgentMode): Button[] {
  const controls: Button[] = [{ action: Actions.stop, label: "Stop", style: "danger", payload: "turn" }];
  for (const mode of ["interactive", "plan", "autopilot"] as const) {
    if (mode !== current) controls.push({ action: Actions.mode, label: `Mode: ${mode}`, payload: mode });
  }
  controls.push({ action: Actions.end, label: "End session", payload: "session" });
  return controls;
}

/** "⏹️ Session ended by @x · 14:02", or after how many days without activity. */
export function endedLine(ended: SessionEnding): Inline[] {
  const how: Inline[] =
    ended.reason === "user"
      ? ["Session ended by ", { user: ended.by }]
      : [`Session ended after ${days(ended.days)} without activity`];
  return ["⏹️ ", ...how, " · ", { time: ended.at }];
}

/** What the thread is told when its session ends. */
export function sessionEndedMessage(ended: SessionEnding, closed: number, dropped: number): Message {
  const what: string[] = [];
  if (closed > 0)
    what.push(`${closed === 1 ? "1 waiting prompt was" : `${closed} waiting prompts were`} closed`);
  if (dropped > 0)
    what.push(`${dropped === 1 ? "1 queued message was" : `${dropped} queued messages were`} dropped`);
  const also = what.length > 0 ? ` ${what.join("; ")}.` : "";
  const next = " Start a new session with /copilot <prompt>.";
  const inline: Inline[] =
    ended.reason === "user"
      ? ["⏹️ Session ended by ", { user: ended.by }, `.${also}${next}`]
      : [`⏹️ This session ended after ${days(ended.days)} without activity.${also}${next}`];
  return said(inline, "Session ended");
}

function days(n: number): string {
  return n === 1 ? "1 day" : `${n} days`;
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
  if (r.usage) {
    const n = (x: number) => Math.round(x * 100) / 100;
    blocks.push({
      type: "context",
      inline: [
        `Usage: ${r.usage.inputTokens.toLocaleString("en-US")} tokens in · ${r.usage.outputTokens.toLocaleString("en-US")} out · ${n(r.usage.premiumRequests)} premium request(s) · ${r.usage.calls} model call(s)`,
      ],
    });
  }
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

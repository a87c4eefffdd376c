import type { Outcome, PromptAnswer } from "./vocabulary/prompt.js";
import type { AuditEntry } from "./vocabulary/records.js";
import type { UserRef } from "./vocabulary/refs.js";

/** An audit entry in words: who (a person, or a description), what, and the request it concerned. */
export interface AuditFacts {
  who: UserRef | string;
  what: string;
  requestId?: string;
}

export function auditFacts(entry: AuditEntry): AuditFacts {
  switch (entry.kind) {
    case "answer":
      return {
        who: entry.user,
        what: `${answerWords(entry.answer)}${"login" in entry && entry.login ? ` as GitHub @${entry.login}` : ""}${entry.won ? "" : " (too late: it was already answered)"}`,
        requestId: entry.requestId,
      };
    case "answer-elsewhere":
      return {
        who:
          entry.surface === "github"
            ? "someone on GitHub"
            : "someone elsewhere (a terminal or another client)",
        what: outcomeWords(entry.outcome),
        requestId: entry.requestId,
      };
    case "stop":
      return {
        who: entry.user,
        what: `stopped the turn${entry.dropped > 0 ? ` (${entry.dropped} queued dropped)` : ""}`,
      };
    case "mode":
      return { who: entry.user, what: `set the mode to ${entry.mode}` };
    case "remote":
      return { who: entry.user, what: `turned remote control ${entry.on ? "on" : "off"}` };
    case "end":
      return entry.user
        ? { who: entry.user, what: "ended the session" }
        : {
            who: "the bridge",
            what: `ended the session after ${entry.idleDays ?? "?"} days without activity`,
          };
    case "attach":
      return { who: entry.user, what: `attached the terminal session ${entry.sessionId}` };
    case "publish":
      return {
        who: entry.user,
        what: `${entry.created ? "opened" : "updated"} pull request #${entry.pullRequest} (${entry.url})`,
      };
    case "cloud":
      return { who: entry.user, what: `started a cloud session on ${entry.repository}` };
  }
}

function answerWords(answer: PromptAnswer): string {
  switch (answer.kind) {
    case "permission": {
      const d = answer.decision;
      if (d.kind === "approve-once") return "approved once";
      if (d.kind === "approve-for-session") return "approved for the session";
      return d.feedback ? `denied with a reason: ${clip(d.feedback)}` : "denied";
    }
    case "question":
      return `answered: ${clip(answer.answer)}`;
    case "plan":
      return answer.approved
        ? `approved the plan (${answer.action})`
        : `asked for changes to the plan: ${clip(answer.feedback)}`;
    case "form":
      return `${formWords[answer.action]} the form`;
  }
}

function outcomeWords(outcome: Outcome): string {
  switch (outcome.kind) {
    case "permission":
      if (outcome.outcome === "approved") return "approved";
      if (outcome.outcome === "approved-for-session") return "approved for the session";
      return outcome.feedback ? `denied with a reason: ${clip(outcome.feedback)}` : "denied";
    case "question":
      return `answered: ${clip(outcome.answer)}`;
    case "plan":
      return outcome.approved
        ? `approved the plan${outcome.action ? ` (${outcome.action})` : ""}`
        : "asked for changes to the plan";
    case "form":
      return `${formWords[outcome.action]} the form`;
    default:
      return `closed it (${outcome.kind})`;
  }
}

const formWords = { accept: "filled in", decline: "declined", cancel: "cancelled" } as const;

function clip(text: string, max = 80): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `2025-06-01 14:02 UTC` */
export function auditTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Where an entry happened, as the store names it: the thread's key, and the channel of a command. */
export function auditWhere(entry: AuditEntry): string {
  const channel =
    entry.kind === "attach" || entry.kind === "cloud"
      ? `${entry.channel.platform}:${entry.channel.channel} → `
      : "";
  return `${channel}${entry.threadKey}`;
}

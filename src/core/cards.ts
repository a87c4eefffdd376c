import { Actions } from "./actions.js";
import type { PermissionOutcome, PermissionView } from "./agent.js";
import type { ChatLimits } from "./chat.js";
import type { CardState } from "./store.js";
import type { Block, Button, Inline, Message, UserRef } from "./types.js";

const outcomeWords: Record<PermissionOutcome, string> = {
  approved: "Approved once",
  "approved-for-session": "Approved for this session",
  denied: "Denied",
  cancelled: "Cancelled",
  answered: "No longer pending (answered while the bridge was offline)",
};

const outcomeIcon: Record<PermissionOutcome, string> = {
  approved: "✅",
  "approved-for-session": "✅",
  denied: "⛔",
  cancelled: "⏹️",
  answered: "☑️",
};

/** Renders a permission card: what would happen, and either buttons or the outcome. */
export function permissionCard(
  requestId: string,
  view: PermissionView,
  state: CardState,
  owner: UserRef,
  limits: ChatLimits,
): Message {
  const blocks: Block[] = [{ type: "line", inline: [{ bold: `🔐 ${view.title}` }] }];
  if (view.intention) blocks.push({ type: "context", inline: [view.intention] });
  if (view.command) blocks.push({ type: "code", text: clip(view.command, limits.cardCodeChars) });
  if (view.path) blocks.push({ type: "line", inline: ["File: ", { code: view.path }] });
  if (view.url) blocks.push({ type: "line", inline: ["URL: ", { code: view.url }] });
  const diff = view.diff?.replace(/^\s*\n/, "");
  if (diff) blocks.push({ type: "code", text: clip(diff, limits.cardCodeChars), language: "diff" });
  if (view.details) blocks.push({ type: "code", text: clip(view.details, limits.cardCodeChars) });

  if (state.status === "pending") {
    const buttons: Button[] = [
      { action: Actions.approveOnce, label: "Approve once", style: "primary", payload: requestId },
    ];
    if (view.canApproveForSession) {
      buttons.push({ action: Actions.approveSession, label: "Approve for session", payload: requestId });
    }
    buttons.push({ action: Actions.deny, label: "Deny", style: "danger", payload: requestId });
    buttons.push({ action: Actions.denyWithReason, label: "Deny with reason…", payload: requestId });
    blocks.push({ type: "buttons", buttons });
    blocks.push({ type: "context", inline: ["Waiting for ", { user: owner }, " or an approver to decide."] });
    return { blocks, summary: `Permission needed: ${view.title}` };
  }

  const outcome: Inline[] = [`${outcomeIcon[state.outcome]} `, { bold: outcomeWords[state.outcome] }];
  if (state.surface === "thread" && state.by) outcome.push(" by ", { user: state.by });
  else outcome.push(" elsewhere (terminal, GitHub or another client)");
  outcome.push(" · ", { time: state.at });
  blocks.push({ type: "line", inline: outcome });
  if (state.feedback) blocks.push({ type: "context", inline: ["Reason: ", state.feedback] });
  return { blocks, summary: `${outcomeWords[state.outcome]}: ${view.title}` };
}

export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const lines = text.slice(0, max).split("\n");
  if (lines.length > 1) lines.pop();
  const shown = lines.join("\n");
  const hiddenLines = text.split("\n").length - lines.length;
  return `${shown}\n… (${hiddenLines > 0 ? `${hiddenLines} more lines, ` : ""}${text.length - shown.length} more characters)`;
}

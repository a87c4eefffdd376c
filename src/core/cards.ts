import { Actions } from "./actions.js";
import type { ChatLimits } from "./ports/chat.js";
import type { Block, Button, Inline, Message } from "./types.js";
import type { PermissionOutcome, PermissionView } from "./vocabulary/permission.js";
import type { Outcome, Prompt } from "./vocabulary/prompt.js";
import type { CardState } from "./vocabulary/records.js";
import type { UserRef } from "./vocabulary/refs.js";

const permissionWords: Record<PermissionOutcome, [string, string]> = {
  approved: ["✅", "Approved once"],
  "approved-for-session": ["✅", "Approved for this session"],
  denied: ["⛔", "Denied"],
};

const planActionLabels: Record<string, string> = {
  autopilot: "Approve & autopilot",
  interactive: "Approve & interactive",
  exit_only: "Approve (leave plan mode)",
  autopilot_fleet: "Approve & autopilot (fleet)",
};

/** Renders a card: what the agent waits on, and either the ways to answer or how it ended. */
export function promptCard(
  requestId: string,
  prompt: Prompt,
  state: CardState,
  owner: UserRef,
  limits: ChatLimits,
  /** Where the prompt must be answered instead of here (a cloud session's page on GitHub). */
  answerAt?: string,
): Message {
  const { blocks, summary } = body(prompt, limits);
  if (state.status === "pending" && answerAt !== undefined) {
    blocks.push({
      type: "line",
      inline: [
        "☁️ This cloud session takes answers on GitHub: ",
        answerAt ? { link: answerAt, label: "answer it there" } : "open the session on github.com",
      ],
    });
    return { blocks, summary, layout: "card" };
  }
  if (state.status === "pending") {
    const buttons = answerButtons(requestId, prompt);
    if (buttons.length > 0) blocks.push({ type: "buttons", buttons });
    blocks.push({ type: "context", inline: ["Waiting for ", { user: owner }, " or an approver to answer."] });
    return { blocks, summary, layout: "card" };
  }
  const { icon, words, more, detail } = describe(state.outcome);
  const line: Inline[] = [`${icon} `, { bold: words }, ...(more ?? [])];
  if (state.surface === "thread" && state.by) line.push(" by ", { user: state.by });
  else if (state.surface === "github") line.push(" on GitHub");
  else if (!["cancelled", "gone", "lost", "ended"].includes(state.outcome.kind)) {
    line.push(" elsewhere (terminal, GitHub or another client)");
  }
  line.push(" · ", { time: state.at });
  blocks.push({ type: "line", inline: line });
  if (detail) blocks.push(quoted(detail.text, limits.cardCodeChars * 2, detail.label));
  return { blocks, summary: `${words}: ${summary}`, layout: "card" };
}

/**
 * What the agent waits on. Every field the model, the runtime or an MCP server wrote is a `quote` or
 * `code` block (or a code span), never a bridge line: it cannot pass for the card's own status lines,
 * nor become a link, a mention or formatting.
 */
function body(prompt: Prompt, limits: ChatLimits): { blocks: Block[]; summary: string } {
  const long = limits.cardCodeChars * 2;
  switch (prompt.kind) {
    case "permission":
      return { blocks: permissionBody(prompt.view, limits), summary: prompt.view.title };
    case "question":
      return {
        blocks: [{ type: "line", inline: [{ bold: "❓ Copilot asks" }] }, quoted(prompt.question, long)],
        summary: `Copilot asks: ${prompt.question.slice(0, 100)}`,
      };
    case "plan": {
      const blocks: Block[] = [
        { type: "line", inline: [{ bold: "📋 Copilot's plan is ready for review" }] },
        quoted(prompt.summary, long),
      ];
      if (prompt.planContent.trim())
        blocks.push({ type: "code", text: clip(prompt.planContent, limits.cardCodeChars) });
      return { blocks, summary: "Copilot's plan is ready for review" };
    }
    case "form": {
      const blocks: Block[] = [
        { type: "line", inline: [{ bold: "📝 Copilot needs some details" }] },
        quoted(prompt.message, long),
      ];
      if (prompt.unsupported) blocks.push(quoted(prompt.unsupported, long));
      else {
        const names = prompt.fields.map((f) => `${f.title}${f.required ? "" : " (optional)"}`).join(", ");
        blocks.push(quoted(names, long, "Fields: "));
      }
      return { blocks, summary: `Copilot needs some details: ${prompt.message.slice(0, 100)}` };
    }
  }
}

function permissionBody(view: PermissionView, limits: ChatLimits): Block[] {
  // The title is the bridge's words, but may name an MCP tool: kept to one line so it adds none.
  const title = view.title.replace(/\s+/g, " ").trim().slice(0, 200);
  const blocks: Block[] = [{ type: "line", inline: [{ bold: `🔐 ${title}` }] }];
  if (view.intention) blocks.push(quoted(view.intention, limits.cardCodeChars));
  if (view.command) blocks.push({ type: "code", text: clip(view.command, limits.cardCodeChars) });
  if (view.path?.includes("\n")) {
    blocks.push({ type: "line", inline: ["Paths:"] });
    blocks.push({ type: "code", text: clip(view.path, limits.cardCodeChars) });
  } else if (view.path) blocks.push({ type: "line", inline: ["File: ", { code: view.path }] });
  if (view.url) blocks.push({ type: "line", inline: ["URL: ", { code: view.url }] });
  const diff = view.diff?.replace(/^\s*\n/, "");
  if (diff) blocks.push({ type: "code", text: clip(diff, limits.cardCodeChars), language: "diff" });
  if (view.details) blocks.push({ type: "code", text: clip(view.details, limits.cardCodeChars) });
  return blocks;
}

/** Untrusted text set apart as a quote, after an optional lead-in of the bridge's own. */
function quoted(text: string, max: number, label?: string): Block {
  const block: Block = { type: "quote", text: clip(text, max) };
  return label === undefined ? block : { ...block, label };
}

function answerButtons(requestId: string, prompt: Prompt): Button[] {
  switch (prompt.kind) {
    case "permission": {
      const buttons: Button[] = [
        { action: Actions.approveOnce, label: "Approve once", style: "primary", payload: requestId },
      ];
      if (prompt.view.canApproveForSession) {
        buttons.push({ action: Actions.approveSession, label: "Approve for session", payload: requestId });
      }
      buttons.push({ action: Actions.deny, label: "Deny", style: "danger", payload: requestId });
      buttons.push({ action: Actions.denyWithReason, label: "Deny with reason…", payload: requestId });
      return buttons;
    }
    case "question": {
      const buttons: Button[] = prompt.choices.slice(0, 20).map((choice, i) => ({
        action: Actions.choose,
        label: choice.slice(0, 75),
        payload: `${requestId}:${i}`,
      }));
      if (prompt.allowFreeform || buttons.length === 0) {
        buttons.push({ action: Actions.answer, label: "Answer…", style: "primary", payload: requestId });
      }
      return buttons;
    }
    case "plan": {
      const buttons: Button[] = prompt.actions.slice(0, 8).map((action) => ({
        action: Actions.approvePlan,
        label: `${planActionLabels[action] ?? `Approve: ${action}`}${action === prompt.recommended ? " ★" : ""}`,
        payload: `${requestId}:${action}`,
        ...(action === prompt.recommended ? { style: "primary" as const } : {}),
      }));
      buttons.push({ action: Actions.requestChanges, label: "Request changes…", payload: requestId });
      return buttons;
    }
    case "form":
      if (prompt.unsupported) return [];
      return [
        { action: Actions.fillForm, label: "Fill in…", style: "primary", payload: requestId },
        { action: Actions.declineForm, label: "Decline", payload: requestId },
        { action: Actions.cancelForm, label: "Cancel", style: "danger", payload: requestId },
      ];
  }
}

interface Closed {
  icon: string;
  words: string;
  /** More of the headline, after the bold words. */
  more?: Inline[];
  /** Someone else's words (an answer, a reason), shown quoted under the headline. */
  detail?: { label?: string; text: string };
}

/** Icon, headline and an optional quoted detail for a closed card. */
function describe(outcome: Outcome): Closed {
  switch (outcome.kind) {
    case "permission": {
      const [icon, words] = permissionWords[outcome.outcome];
      if (outcome.outcome !== "denied") return { icon, words };
      // A plain deny ends the turn (as the Copilot CLI's "no" does); with a reason the agent goes on.
      return outcome.feedback
        ? {
            icon,
            words: "Denied with a reason",
            more: [" (Copilot goes on)"],
            ...detail("Reason: ", outcome.feedback),
          }
        : { icon, words, more: [" (Copilot stops this turn)"] };
    }
    case "question":
      return { icon: "💬", words: "Answered", detail: { label: "Answer: ", text: outcome.answer } };
    case "plan": {
      if (!outcome.approved)
        return { icon: "✏️", words: "Changes requested", ...detail("Feedback: ", outcome.feedback) };
      const known = outcome.action === undefined ? undefined : planActionLabels[outcome.action];
      if (known) return { icon: "✅", words: `Plan approved (${known})` };
      // An action the runtime named but the bridge does not know: its name is shown as code.
      const more: Inline[] | undefined = outcome.action ? [" (", { code: outcome.action }, ")"] : undefined;
      return { icon: "✅", words: "Plan approved", ...(more ? { more } : {}) };
    }
    case "form": {
      const words = { accept: "Submitted", decline: "Declined", cancel: "Cancelled" }[outcome.action];
      const values = outcome.content
        ? Object.entries(outcome.content)
            .map(([k, v]) => `${k}: ${String(v)}`)
            .join(" · ")
        : undefined;
      return { icon: outcome.action === "accept" ? "✅" : "⛔", words, ...detail(undefined, values) };
    }
    case "cancelled":
      return { icon: "⏹️", words: "Cancelled (the turn was stopped)" };
    case "gone":
      return { icon: "☑️", words: "No longer pending (answered while the bridge was offline)" };
    case "lost":
      return {
        icon: "⚠️",
        words: "Lost: the Copilot runtime restarted before anyone answered",
        more: [". Nothing was done; reply in the thread to try again"],
      };
    case "ended":
      return { icon: "⏹️", words: "Closed (the session ended)" };
  }
}

function detail(label: string | undefined, text: string | undefined): Pick<Closed, "detail"> {
  if (!text) return {};
  return { detail: label === undefined ? { text } : { label, text } };
}

export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const lines = text.slice(0, max).split("\n");
  if (lines.length > 1) lines.pop();
  const shown = lines.join("\n");
  const hiddenLines = text.split("\n").length - lines.length;
  return `${shown}\n… (${hiddenLines > 0 ? `${hiddenLines} more lines, ` : ""}${text.length - shown.length} more characters)`;
}

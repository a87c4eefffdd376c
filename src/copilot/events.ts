import type { PermissionRequest, PermissionRequestedEvent, SessionEvent } from "@github/copilot-sdk";
import type { AgentEvent } from "../core/vocabulary/agent-event.js";
import type { PermissionOutcome } from "../core/vocabulary/permission.js";
import type { FormValue } from "../core/vocabulary/prompt.js";
import { formFromSchema } from "./forms.js";
import { permissionView } from "./permission-view.js";

export { permissionView };

/** Translates one SDK session event into the core's vocabulary; `undefined` for events the bridge ignores. */
export function toAgentEvent(event: SessionEvent): AgentEvent | undefined {
  switch (event.type) {
    case "session_limits_exhausted.requested":
      return {
        type: "limit",
        requestId: event.data.requestId,
        maxAiCredits: event.data.maxAiCredits,
        usedAiCredits: event.data.usedAiCredits,
      };
    case "assistant.usage":
      return {
        type: "usage",
        inputTokens: event.data.inputTokens ?? 0,
        outputTokens: event.data.outputTokens ?? 0,
        premiumRequests: event.data.cost ?? 0,
      };
    case "assistant.message_delta":
      if (event.data.parentToolCallId) return undefined; // sub-agent chatter
      return { type: "message.delta", messageId: event.data.messageId, delta: event.data.deltaContent };
    case "assistant.message":
      if (event.data.parentToolCallId) return undefined;
      return { type: "message", messageId: event.data.messageId, content: event.data.content };
    case "tool.execution_start": {
      const summary = toolSummary(event.data.toolName, event.data.arguments);
      return {
        type: "tool.start",
        toolCallId: event.data.toolCallId,
        toolName: event.data.toolName,
        ...(summary ? { summary } : {}),
      };
    }
    case "tool.execution_complete":
      return {
        type: "tool.complete",
        toolCallId: event.data.toolCallId,
        success: event.data.success,
        ...(event.data.error ? { error: event.data.error.message } : {}),
        ...(interruptedByRestart(event.data) ? { interrupted: true } : {}),
      };
    case "permission.requested": {
      if (event.data.resolvedByHook) return undefined;
      const prompt = promptOf(event.data);
      const toolCallId = prompt.toolCallId ?? (event.data.permissionRequest as PermissionRequest).toolCallId;
      return {
        type: "prompt.requested",
        requestId: event.data.requestId,
        prompt: { kind: "permission", view: permissionView(prompt) },
        ...(toolCallId ? { toolCallId } : {}),
      };
    }
    case "permission.completed": {
      const kind = event.data.result.kind;
      const feedback = (event.data.result as { feedback?: string }).feedback;
      return {
        type: "prompt.completed",
        requestId: event.data.requestId,
        outcome:
          kind === "cancelled"
            ? { kind: "cancelled" }
            : { kind: "permission", outcome: outcomeOf(kind), ...(feedback ? { feedback } : {}) },
      };
    }
    case "user_input.requested":
      return {
        type: "prompt.requested",
        requestId: event.data.requestId,
        prompt: {
          kind: "question",
          question: event.data.question,
          choices: event.data.choices ?? [],
          allowFreeform: event.data.allowFreeform ?? true,
        },
        ...(event.data.toolCallId ? { toolCallId: event.data.toolCallId } : {}),
      };
    case "user_input.completed": {
      const dismissed = (event.data as { dismissed?: unknown }).dismissed === true;
      return {
        type: "prompt.completed",
        requestId: event.data.requestId,
        outcome: { kind: "question", answer: dismissed ? "(skipped)" : (event.data.answer ?? "") },
        ...answeredOnGitHub(event.data),
      };
    }
    case "exit_plan_mode.requested":
      return {
        type: "prompt.requested",
        requestId: event.data.requestId,
        prompt: {
          kind: "plan",
          summary: event.data.summary,
          planContent: event.data.planContent ?? "",
          actions: event.data.actions,
          recommended: event.data.recommendedAction,
        },
      };
    case "exit_plan_mode.completed":
      return {
        type: "prompt.completed",
        requestId: event.data.requestId,
        outcome: {
          kind: "plan",
          approved: event.data.approved ?? false,
          ...(event.data.selectedAction ? { action: event.data.selectedAction } : {}),
          ...(event.data.feedback ? { feedback: event.data.feedback } : {}),
        },
        ...answeredOnGitHub(event.data),
      };
    case "elicitation.requested": {
      const form =
        event.data.mode === "url"
          ? { fields: [], unsupported: `Copilot asks you to open a page: ${event.data.url ?? ""}` }
          : formFromSchema(event.data.requestedSchema, maxFormFields);
      return {
        type: "prompt.requested",
        requestId: event.data.requestId,
        prompt: { kind: "form", message: event.data.message, ...form },
        ...(event.data.toolCallId ? { toolCallId: event.data.toolCallId } : {}),
      };
    }
    case "elicitation.completed":
      return {
        type: "prompt.completed",
        requestId: event.data.requestId,
        outcome: {
          kind: "form",
          action: event.data.action ?? "cancel",
          ...(event.data.content ? { content: event.data.content as Record<string, FormValue> } : {}),
        },
      };
    case "user.message":
      // A message typed on github.com / GitHub Mobile reaches the runtime as a Mission Control
      // command; the runtime marks the turn it starts with `source: "command-<command id>"`.
      if (!event.data.source?.startsWith("command-")) return undefined;
      return { type: "remote.message", text: event.data.content };
    case "session.idle":
      return { type: "idle" };
    case "session.mode_changed":
      return { type: "mode", mode: event.data.newMode };
    case "abort":
      return { type: "aborted" };
    case "session.error":
      // A person's token refused by the Copilot API reads `authorization` with status 401 (a BYOK
      // model's own 401 reads `authentication`, and is not the person's to fix).
      return event.data.errorType === "authorization" && event.data.statusCode === 401
        ? { type: "error", message: event.data.message, auth: true }
        : { type: "error", message: event.data.message };
    case "session.info":
      if (event.data.infoType === "remote" && event.data.url) return { type: "remote", url: event.data.url };
      return undefined;
    case "session.warning":
      return {
        type: "notice",
        level: "warning",
        message: explainWarning(event.data.warningType, event.data.message),
        kind: event.data.warningType,
        ...(event.data.url ? { url: event.data.url } : {}),
      };
    default:
      return undefined;
  }
}

/**
 * A tool call a restart cut short: on resume the runtime closes it with a failure of its own, marked
 * `interactionId: "resume"` (an abort's interruption carries the turn's interaction id instead).
 */
export function interruptedByRestart(data: { success: boolean; interactionId?: string }): boolean {
  return !data.success && data.interactionId === "resume";
}

/**
 * An answer given on github.com / GitHub Mobile reaches the runtime as a Mission Control command
 * (`ask_user_response`, `plan_approval_response`) whose content the runtime spreads into the
 * `*.completed` event: its `promptId` is what an answer from an attached client never carries.
 */
function answeredOnGitHub(data: object): { surface?: "github" } {
  return "promptId" in data ? { surface: "github" } : {};
}

export function outcomeOf(kind: string): PermissionOutcome {
  if (kind === "approved" || kind === "approved-for-location") return "approved";
  if (kind === "approved-for-session") return "approved-for-session";
  return "denied";
}

/** Discord modals hold five fields; Slack more, but one limit keeps forms the same everywhere. */
const maxFormFields = 5;

/** A short description of what a tool call does, for the activity lines. */
export function toolSummary(toolName: string, args: unknown): string | undefined {
  if (!args || typeof args !== "object") return undefined;
  const a = args as Record<string, unknown>;
  const pick = (...keys: string[]) => {
    for (const k of keys) if (typeof a[k] === "string" && a[k]) return a[k] as string;
    return undefined;
  };
  const text =
    toolName === "bash" || toolName === "shell"
      ? pick("command")
      : pick("path", "file_path", "pattern", "url", "query", "description");
  if (!text) return undefined;
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 120 ? `${oneLine.slice(0, 119)}…` : oneLine;
}

type PromptRequest = NonNullable<PermissionRequestedEvent["data"]["promptRequest"]>;

/** The user-facing prompt of a request; older runtimes only send the tool-level request. */
export function promptOf(data: PermissionRequestedEvent["data"]): PromptRequest {
  if (data.promptRequest) return data.promptRequest;
  const request = data.permissionRequest as PermissionRequest;
  if (request.kind === "shell") {
    return {
      kind: "commands",
      fullCommandText: request.fullCommandText,
      intention: request.intention,
      commandIdentifiers: request.commands.map((c) => c.identifier),
      canOfferSessionApproval: request.canOfferSessionApproval,
      ...(request.toolCallId ? { toolCallId: request.toolCallId } : {}),
    };
  }
  return request as unknown as PromptRequest;
}

/** Warnings in words a user can act on; the runtime's own text is kept after them. */
export function explainWarning(kind: string, message: string): string {
  if (kind === "policy_blocked") {
    return `Blocked by a policy of your GitHub organization or enterprise: ${message} An admin can change this in the Copilot policies (remote sessions / Copilot coding agent).`;
  }
  if (kind === "remote" && /not accessible/i.test(message)) {
    return `Remote control is off: GitHub's Mission Control could not be reached (${message}). The session keeps working here.`;
  }
  if (kind === "remote" && /not enabled/i.test(message)) {
    return `Remote control is off: remote sessions are not enabled for this repository by the organization (${message}). The session keeps working here.`;
  }
  return message;
}

/** Why sharing a session failed, from the error of `remote.enable()`. */
export function explainRemoteError(message: string): string {
  if (/no current authentication|not authenticated|oauth token|authentication token/i.test(message)) {
    return "Remote control needs a GitHub sign-in: start the bridge with GITHUB_TOKEN (or a logged-in Copilot CLI). The session keeps working here.";
  }
  return `Remote control could not be turned on: ${message} The session keeps working here.`;
}

import type { PermissionRequest, SessionEvent } from "@github/copilot-sdk";
import type { AgentEvent, PermissionOutcome, PermissionView } from "../core/agent.js";

/** Translates one SDK session event into the core's vocabulary; `undefined` for events the bridge ignores. */
export function toAgentEvent(event: SessionEvent): AgentEvent | undefined {
  switch (event.type) {
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
      };
    case "permission.requested": {
      if (event.data.resolvedByHook) return undefined;
      const request = event.data.permissionRequest as PermissionRequest;
      const toolCallId = request.toolCallId;
      return {
        type: "permission.requested",
        requestId: event.data.requestId,
        view: permissionView(request),
        ...(toolCallId ? { toolCallId } : {}),
      };
    }
    case "permission.completed":
      return {
        type: "permission.completed",
        requestId: event.data.requestId,
        outcome: outcomeOf(event.data.result.kind),
        ...(event.data.toolCallId ? { toolCallId: event.data.toolCallId } : {}),
      };
    case "session.idle":
      return { type: "idle" };
    case "session.error":
      return { type: "error", message: event.data.message };
    case "session.warning":
      return {
        type: "notice",
        level: "warning",
        message: event.data.message,
        ...(event.data.url ? { url: event.data.url } : {}),
      };
    default:
      return undefined;
  }
}

export function outcomeOf(kind: string): PermissionOutcome {
  if (kind === "approved" || kind === "approved-for-location") return "approved";
  if (kind === "approved-for-session") return "approved-for-session";
  if (kind === "cancelled") return "cancelled";
  return "denied";
}

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

/** What a permission request would do, for a card. Unknown kinds are shown with their raw data. */
export function permissionView(request: PermissionRequest): PermissionView {
  switch (request.kind) {
    case "shell":
      return {
        kind: "shell",
        rawKind: request.kind,
        title: "Run a shell command",
        intention: request.intention,
        command: request.fullCommandText,
        canApproveForSession: request.canOfferSessionApproval,
      };
    case "write":
      return {
        kind: "write",
        rawKind: request.kind,
        title: "Write a file",
        intention: request.intention,
        path: request.fileName,
        diff: request.diff || request.newFileContents || "",
        canApproveForSession: request.canOfferSessionApproval,
      };
    case "read":
      return {
        kind: "read",
        rawKind: request.kind,
        title: "Read a file outside the workspace",
        intention: request.intention,
        path: request.path,
        canApproveForSession: false,
      };
    case "url":
      return {
        kind: "url",
        rawKind: request.kind,
        title: "Fetch a URL",
        intention: request.intention,
        url: request.url,
        canApproveForSession: false,
      };
    case "mcp":
      return {
        kind: "mcp",
        rawKind: request.kind,
        title: `Use MCP tool ${request.toolTitle || request.toolName} (${request.serverName})`,
        details: request.args === undefined ? undefined : JSON.stringify(request.args, null, 2),
        canApproveForSession: false,
      };
    default: {
      const { kind, toolCallId: _ignored, ...rest } = request as { kind: string; toolCallId?: string };
      return {
        kind: "other",
        rawKind: kind,
        title: `Permission request: ${kind}`,
        details: JSON.stringify(rest, null, 2),
        canApproveForSession: false,
      };
    }
  }
}

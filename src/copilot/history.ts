import type { SessionEvent } from "@github/copilot-sdk";
import type { SessionHistory, ToolFate } from "../core/ports/gateway.js";
import { interruptedByRestart } from "./events.js";

/**
 * Reads a session's persisted events: whether a turn is still open, and how its tool calls ended.
 * `session.idle` is not persisted; a turn is open when a user message or a model turn was started
 * after the last model turn ended, or a tool call started and never completed. A tool interrupted by
 * a runtime that died is closed on resume, marked as such (`interruptedByRestart`).
 */
export function historyOf(events: readonly SessionEvent[]): SessionHistory {
  const toolCalls = new Map<string, ToolFate>();
  const running = new Set<string>();
  let open = false;
  for (const event of events) {
    switch (event.type) {
      case "user.message":
      case "assistant.turn_start":
        open = true;
        break;
      case "assistant.turn_end":
        open = false;
        break;
      case "abort":
        open = false;
        running.clear();
        break;
      case "tool.execution_start":
        running.add(event.data.toolCallId);
        break;
      case "tool.execution_complete": {
        running.delete(event.data.toolCallId);
        const fate = interruptedByRestart(event.data) ? "interrupted" : event.data.success ? "ok" : "failed";
        toolCalls.set(event.data.toolCallId, fate);
        break;
      }
    }
  }
  return { openTurn: open || running.size > 0, toolCalls };
}

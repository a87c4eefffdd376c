import { randomUUID } from "node:crypto";
import type { Turn } from "./types.js";

/**
 * Session events no correct runtime sends, grouped by what is wrong with them. Each batch is emitted
 * inside a turn (`noise[kind](turn)`); the turn should then go on normally (a reply, then idle).
 */
export type NoiseKind = "unknown" | "missing" | "types" | "order";

/** An event envelope with `type` and `data` taken as given (so either may be missing or mistyped). */
function envelope(fields: Record<string, unknown>): Record<string, unknown> {
  return { id: randomUUID(), timestamp: new Date().toISOString(), parentId: null, ...fields };
}

export const noise: Record<NoiseKind, (turn: Turn) => void> = {
  /** Types this bridge (and SDK) never heard of. */
  unknown: (turn) => {
    turn.emit("bogus.future_event", { anything: true });
    turn.emit("session.info", { infoType: "brand_new_kind", message: "something new" });
    turn.emit("assistant.reasoning_v9", { messageId: "r1", content: "thinking in a new way" });
    turn.emit("", {});
  },

  /** Known types with fields (or the whole `data`, or `type`) missing. */
  missing: (turn) => {
    turn.emitRaw(envelope({ data: { content: "an event without a type" } }));
    turn.emitRaw(envelope({ type: "assistant.message" })); // no data at all
    turn.emit("assistant.message", {});
    turn.emit("assistant.message_delta", { messageId: "delta-without-content" });
    turn.emit("tool.execution_start", {});
    turn.emit("tool.execution_complete", {});
    turn.emit("permission.requested", {});
    turn.emit("permission.completed", { requestId: "never-requested" });
    turn.emit("user_input.requested", { requestId: "question-without-text" });
    turn.emit("session.mode_changed", {});
    turn.emit("session.info", { infoType: "remote" });
    turn.emit("session.warning", {});
    turn.emit("session.error", {});
  },

  /** Known types whose fields have the wrong JSON type; events that are not objects at all. */
  types: (turn) => {
    turn.emitRaw(envelope({ type: 42, data: {} }));
    turn.emitRaw(null);
    turn.emitRaw("an event that is a string");
    turn.emitRaw([1, 2, 3]);
    turn.emit("assistant.message", { messageId: 7, content: { text: "content as an object" } });
    turn.emit("assistant.message_delta", { messageId: ["m"], deltaContent: 12345 });
    turn.emit("tool.execution_start", {
      toolCallId: 5,
      toolName: { name: "bash" },
      arguments: "not an object",
    });
    turn.emit("tool.execution_complete", { toolCallId: 5, success: "yes", error: "boom" });
    turn.emit("permission.requested", {
      requestId: 9,
      permissionRequest: { kind: "shell", commands: "rm -rf /", fullCommandText: 1 },
    });
    turn.emit("session.mode_changed", { previousMode: "interactive", newMode: 42 });
    turn.emit("session.info", { infoType: "remote", url: 12 });
    turn.emit("session.warning", { warningType: 5, message: ["a", "list"] });
    turn.emit("session.error", { errorType: "query", message: { nested: true } });
  },

  /** Well-formed events in an order the runtime does not use. */
  order: (turn) => {
    turn.emit("session.idle", {}); // the turn "ends" before anything happened
    turn.emit("assistant.message", { messageId: "m-late", content: "a message after its own idle" });
    turn.emit("assistant.message_delta", { messageId: "m-late", deltaContent: " and a delta after it" });
    turn.emit("tool.execution_complete", { toolCallId: "never-started", success: true });
    turn.emit("permission.completed", { requestId: "p-early", result: { kind: "approved" } });
    turn.emit("permission.requested", {
      requestId: "p-early",
      permissionRequest: {
        kind: "shell",
        fullCommandText: "echo late",
        intention: "a request after its completion",
        commands: [{ identifier: "echo", readOnly: true }],
        possiblePaths: [],
        possibleUrls: [],
        hasWriteFileRedirection: false,
        canOfferSessionApproval: false,
      },
    });
    turn.emit("permission.completed", { requestId: "p-early", result: { kind: "approved" } });
    turn.emit("user_input.completed", { requestId: "q-never-asked", answer: "yes" });
    turn.emit("abort", { reason: "user_initiated" });
    turn.emit("session.idle", {});
  },
};

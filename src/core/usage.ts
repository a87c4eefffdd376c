/** A turn's bookkeeping beyond the transcript: what its model calls used, what it is doing. */
import type { AgentEvent } from "./vocabulary/agent-event.js";
import type { ThreadRecord } from "./vocabulary/records.js";

type Usage = NonNullable<ThreadRecord["usage"]>;

/** A session's usage so far, with one more model call's. */
export function addUsage(total: Usage | undefined, call: Extract<AgentEvent, { type: "usage" }>): Usage {
  const u = total ?? { inputTokens: 0, outputTokens: 0, premiumRequests: 0, calls: 0 };
  return {
    inputTokens: u.inputTokens + call.inputTokens,
    outputTokens: u.outputTokens + call.outputTokens,
    premiumRequests: u.premiumRequests + call.premiumRequests,
    calls: u.calls + 1,
  };
}

/** What a thread's status line says while a turn runs (the tool's name only: never model text). */
export const activity = {
  thinking: "is thinking…",
  waiting: "is waiting for an answer in the thread…",
  tool: (name: string) => `is running ${name.replace(/[^\w.:-]/g, "").slice(0, 60) || "a tool"}…`,
};

/** A turn's bookkeeping beyond the transcript: what its model calls used, what it is doing. */
import type { ThreadActivity } from "./ports/chat.js";
import type { Message } from "./types.js";
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

/** What a thread shows while a turn runs (a tool's name only: never model text). */
export const activity = {
  thinking: { state: "working", text: "is thinking…" },
  waiting: { state: "waiting", text: "is waiting for an answer in the thread…" },
  idle: { state: "idle" },
  ended: { state: "ended" },
  tool: (name: string): ThreadActivity => ({
    state: "working",
    text: `is running ${name.replace(/[^\w.:-]/g, "").slice(0, 60) || "a tool"}…`,
  }),
} satisfies Record<string, ThreadActivity | ((name: string) => ThreadActivity)>;

/** The session reached BRIDGE_MAX_AI_CREDITS: what the thread is told. */
export function budgetLine(used: number, max: number): Message {
  const n = (x: number) => Math.round(x * 100) / 100;
  const text = `💳 This session has used ${n(used)} of its ${n(max)} AI credits (BRIDGE_MAX_AI_CREDITS), so Copilot's next step was cancelled. Start a new session with /copilot <prompt>, or ask an admin to raise the budget.`;
  return {
    blocks: [{ type: "line", inline: [text] }],
    summary: "This session's AI-credit budget is used up",
  };
}

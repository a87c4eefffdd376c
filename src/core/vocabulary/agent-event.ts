import { z } from "zod";
import { agentMode } from "./mode.js";
import { outcome, prompt } from "./prompt.js";

/**
 * What the Copilot side tells the core about a session. A runtime event that does not parse
 * (missing fields, wrong types, unknown modes) is dropped and logged: the thread never shows
 * "undefined" and no record is corrupted.
 */
const text = z.string();
const id = z.string().min(1);

export const agentEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("message.delta"), messageId: id, delta: text }),
  z.object({ type: z.literal("message"), messageId: id, content: text }),
  z.object({ type: z.literal("tool.start"), toolCallId: id, toolName: id, summary: text.optional() }),
  /** `interrupted`: the runtime restarted under the tool call and closed it when the session resumed. */
  z.object({
    type: z.literal("tool.complete"),
    toolCallId: id,
    success: z.boolean(),
    error: text.optional(),
    interrupted: z.literal(true).optional(),
  }),
  z.object({ type: z.literal("prompt.requested"), requestId: id, toolCallId: id.optional(), prompt }),
  /** `surface: "github"` when the runtime says the answer came from github.com / GitHub Mobile. */
  z.object({
    type: z.literal("prompt.completed"),
    requestId: id,
    outcome,
    surface: z.literal("github").optional(),
  }),
  z.object({ type: z.literal("idle") }),
  z.object({ type: z.literal("mode"), mode: agentMode }),
  /** The session can be followed and steered on github.com / GitHub Mobile at `url`. */
  z.object({ type: z.literal("remote"), url: z.string().regex(/^https?:\/\/\S+$/) }),
  /** A message typed on github.com / GitHub Mobile (a Mission Control command) started a turn. */
  z.object({ type: z.literal("remote.message"), text }),
  z.object({ type: z.literal("aborted") }),
  /** The session used its AI-credit budget; the runtime holds the model request until told what to do. */
  z.object({
    type: z.literal("limit"),
    requestId: id,
    maxAiCredits: z.number().nonnegative(),
    usedAiCredits: z.number().nonnegative(),
  }),
  /** One model call's usage: tokens, and premium requests (the model's billing multiplier). */
  z.object({
    type: z.literal("usage"),
    inputTokens: z.number().nonnegative(),
    outputTokens: z.number().nonnegative(),
    premiumRequests: z.number().nonnegative(),
  }),
  /** `auth`: GitHub refused the token the session runs with (401), so the person must sign in again. */
  z.object({ type: z.literal("error"), message: text, auth: z.boolean().optional() }),
  z.object({
    type: z.literal("notice"),
    level: z.enum(["info", "warning"]),
    message: text,
    url: text.optional(),
    kind: text.optional(),
  }),
]);
export type AgentEvent = z.output<typeof agentEvent>;

import { z } from "zod";
import type { AgentEvent } from "../core/agent.js";
import { outcome, prompt } from "../store/records.js";

/**
 * What a translated runtime event must look like before the core sees it. A runtime that sends
 * malformed events (missing fields, wrong types, unknown modes) gets them dropped and logged; the
 * thread never shows "undefined" and no record is corrupted.
 */
const text = z.string();
const id = z.string().min(1);

export const agentEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("message.delta"), messageId: id, delta: text }),
  z.object({ type: z.literal("message"), messageId: id, content: text }),
  z.object({ type: z.literal("tool.start"), toolCallId: id, toolName: id, summary: text.optional() }),
  z.object({
    type: z.literal("tool.complete"),
    toolCallId: id,
    success: z.boolean(),
    error: text.optional(),
    interrupted: z.literal(true).optional(),
  }),
  z.object({ type: z.literal("prompt.requested"), requestId: id, toolCallId: id.optional(), prompt }),
  z.object({
    type: z.literal("prompt.completed"),
    requestId: id,
    outcome,
    surface: z.literal("github").optional(),
  }),
  z.object({ type: z.literal("idle") }),
  z.object({ type: z.literal("mode"), mode: z.enum(["interactive", "plan", "autopilot"]) }),
  z.object({ type: z.literal("remote"), url: z.string().regex(/^https?:\/\/\S+$/) }),
  z.object({ type: z.literal("remote.message"), text }),
  z.object({ type: z.literal("aborted") }),
  z.object({ type: z.literal("error"), message: text }),
  z.object({
    type: z.literal("notice"),
    level: z.enum(["info", "warning"]),
    message: text,
    url: text.optional(),
    kind: text.optional(),
  }),
]) satisfies z.ZodType<AgentEvent>;

import { z } from "zod";
import type { AuditEntry, CardRecord, ThreadRecord } from "../core/store.js";

/** zod schemas for what the bridge persists: a record that does not parse is never trusted. */

const platform = z.enum(["slack", "discord"]);
const user = z.object({ platform, id: z.string().min(1) });
const messageRef = z.object({ channel: z.string().min(1), id: z.string().min(1) });
const thread = z.object({
  platform,
  key: z.string().min(1),
  channel: z.string().min(1),
  thread: z.string().min(1),
  workspace: z.string(),
});

export const threadRecord = z.object({
  thread,
  origin: z.object({
    platform,
    channel: z.string().min(1),
    workspace: z.string(),
    anchor: z.string().optional(),
  }),
  title: z.string(),
  sessionId: z.string(),
  owner: user,
  header: messageRef,
  workingDirectory: z.string(),
  mode: z.enum(["interactive", "plan", "autopilot"]),
  state: z.enum(["active", "ended"]),
  createdAt: z.number(),
  queue: z.array(z.string()),
}) satisfies z.ZodType<ThreadRecord>;

const outcome = z.enum(["approved", "approved-for-session", "denied", "cancelled", "answered"]);

const permissionView = z.object({
  kind: z.enum(["shell", "write", "read", "url", "mcp", "other"]),
  rawKind: z.string(),
  title: z.string(),
  intention: z.string().optional(),
  command: z.string().optional(),
  path: z.string().optional(),
  diff: z.string().optional(),
  url: z.string().optional(),
  details: z.string().optional(),
  canApproveForSession: z.boolean(),
  commandIdentifiers: z.array(z.string()).optional(),
});

export const cardRecord = z.object({
  requestId: z.string().min(1),
  threadKey: z.string().min(1),
  message: messageRef,
  toolCallId: z.string().optional(),
  view: permissionView,
  state: z.discriminatedUnion("status", [
    z.object({ status: z.literal("pending") }),
    z.object({
      status: z.literal("decided"),
      outcome,
      by: user.optional(),
      surface: z.enum(["thread", "elsewhere"]),
      feedback: z.string().optional(),
      at: z.number(),
    }),
  ]),
  createdAt: z.number(),
}) satisfies z.ZodType<CardRecord>;

const decision = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("approve-once") }),
  z.object({ kind: z.literal("approve-for-session") }),
  z.object({ kind: z.literal("deny"), feedback: z.string().optional() }),
]);

export const auditEntry = z.object({
  at: z.number(),
  threadKey: z.string(),
  requestId: z.string(),
  user,
  decision,
  won: z.boolean(),
}) satisfies z.ZodType<AuditEntry>;

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
  working: z.boolean().optional(),
  lost: z.string().optional(),
  remoteUrl: z.string().optional(),
  cloud: z.string().optional(),
  lastActivityAt: z.number().optional(),
  ended: z
    .discriminatedUnion("reason", [
      z.object({ reason: z.literal("user"), by: user, at: z.number() }),
      z.object({ reason: z.literal("idle"), days: z.number(), at: z.number() }),
    ])
    .optional(),
}) satisfies z.ZodType<ThreadRecord>;

/** What "Approve for session" covers: JSON the Copilot side built (`kind` plus its own fields). */
const sessionApproval = z.looseObject({ kind: z.string().min(1) });

const permissionView = z
  .object({
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
    sessionApproval: sessionApproval.optional(),
    /** Cards stored before `sessionApproval` existed: the shell commands a session approval covered. */
    commandIdentifiers: z.array(z.string()).optional(),
  })
  .transform(({ commandIdentifiers, ...view }) => {
    if (view.sessionApproval) return { ...view, canApproveForSession: true };
    if (!view.canApproveForSession) return view;
    // A card stored before `sessionApproval`: only shell commands and writes could be approved for the session.
    if (view.kind === "shell" && commandIdentifiers?.length) {
      return { ...view, sessionApproval: { kind: "commands", commandIdentifiers } };
    }
    if (view.kind === "write") return { ...view, sessionApproval: { kind: "write" } };
    return { ...view, canApproveForSession: false };
  });

const formValue = z.union([z.string(), z.number(), z.boolean()]);

export const prompt = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("permission"), view: permissionView }),
  z.object({
    kind: z.literal("question"),
    question: z.string(),
    choices: z.array(z.string()),
    allowFreeform: z.boolean(),
  }),
  z.object({
    kind: z.literal("plan"),
    summary: z.string(),
    planContent: z.string(),
    actions: z.array(z.string()),
    recommended: z.string().optional(),
  }),
  z.object({
    kind: z.literal("form"),
    message: z.string(),
    fields: z.array(
      z.object({
        name: z.string(),
        title: z.string(),
        type: z.enum(["string", "number", "integer", "boolean", "enum"]),
        required: z.boolean(),
        options: z.array(z.string()).optional(),
        description: z.string().optional(),
      }),
    ),
    unsupported: z.string().optional(),
  }),
]);

export const outcome = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("permission"),
    outcome: z.enum(["approved", "approved-for-session", "denied"]),
    feedback: z.string().optional(),
  }),
  z.object({ kind: z.literal("question"), answer: z.string() }),
  z.object({
    kind: z.literal("plan"),
    approved: z.boolean(),
    action: z.string().optional(),
    feedback: z.string().optional(),
  }),
  z.object({
    kind: z.literal("form"),
    action: z.enum(["accept", "decline", "cancel"]),
    content: z.record(z.string(), formValue).optional(),
  }),
  z.object({ kind: z.literal("cancelled") }),
  z.object({ kind: z.literal("gone") }),
  z.object({ kind: z.literal("lost") }),
  z.object({ kind: z.literal("ended") }),
]);

export const cardRecord = z.object({
  requestId: z.string().min(1),
  threadKey: z.string().min(1),
  /** `id` is empty while the card's post has not come back (written before, so a crash loses nothing). */
  message: z.object({ channel: z.string().min(1), id: z.string() }),
  toolCallId: z.string().optional(),
  prompt,
  state: z.discriminatedUnion("status", [
    z.object({ status: z.literal("pending") }),
    z.object({
      status: z.literal("decided"),
      outcome,
      by: user.optional(),
      surface: z.enum(["thread", "github", "elsewhere"]),
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

const answer = z.union([
  z.object({ kind: z.literal("permission"), decision }),
  z.object({ kind: z.literal("question"), answer: z.string(), wasFreeform: z.boolean() }),
  z.object({ kind: z.literal("plan"), approved: z.literal(true), action: z.string() }),
  z.object({ kind: z.literal("plan"), approved: z.literal(false), feedback: z.string() }),
  z.object({
    kind: z.literal("form"),
    action: z.enum(["accept", "decline", "cancel"]),
    content: z.record(z.string(), formValue).optional(),
  }),
]);

const channel = z.object({ platform, channel: z.string().min(1), workspace: z.string() });
const inThread = { at: z.number(), threadKey: z.string() };

const auditKinds = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("answer"),
    ...inThread,
    requestId: z.string(),
    user,
    answer,
    won: z.boolean(),
  }),
  z.object({
    kind: z.literal("answer-elsewhere"),
    ...inThread,
    requestId: z.string(),
    surface: z.enum(["github", "elsewhere"]),
    outcome,
  }),
  z.object({ kind: z.literal("stop"), ...inThread, user, dropped: z.number() }),
  z.object({
    kind: z.literal("mode"),
    ...inThread,
    user,
    mode: z.enum(["interactive", "plan", "autopilot"]),
  }),
  z.object({ kind: z.literal("remote"), ...inThread, user, on: z.boolean() }),
  z.object({ kind: z.literal("end"), ...inThread, user: user.optional(), idleDays: z.number().optional() }),
  z.object({ kind: z.literal("attach"), ...inThread, user, channel, sessionId: z.string() }),
  z.object({ kind: z.literal("cloud"), ...inThread, user, channel, repository: z.string() }),
]);

/** A row written before audit entries had a `kind`: an answer given in the thread. */
const legacyAnswer = z
  .object({
    at: z.number(),
    threadKey: z.string(),
    requestId: z.string(),
    user,
    answer,
    won: z.boolean(),
  })
  .transform((row) => ({ kind: "answer" as const, ...row }));

export const auditEntry = z.union([auditKinds, legacyAnswer]) satisfies z.ZodType<AuditEntry>;

import { z } from "zod";

/** What a permission request would do, in words a person can judge. */

export const permissionKind = z.enum(["shell", "write", "read", "url", "mcp", "other"]);
export type PermissionKind = z.output<typeof permissionKind>;

/**
 * What a session-wide approval covers, as JSON the Copilot side builds and reads back (e.g.
 * `{kind: "commands", commandIdentifiers: ["ls"]}`, `{kind: "read"}`, `{kind: "url", domain}`).
 * The core only stores it with the card and hands it back with the answer.
 */
export const sessionApproval = z.looseObject({ kind: z.string().min(1) });
export type SessionApproval = z.output<typeof sessionApproval>;

export const permissionView = z
  .object({
    kind: permissionKind,
    /** The runtime's own kind name (`shell`, `custom-tool`, `memory`, …). */
    rawKind: z.string(),
    /** One-line headline, e.g. "Run a shell command". */
    title: z.string(),
    intention: z.string().optional(),
    /** Full shell command, or the tool invocation. */
    command: z.string().optional(),
    path: z.string().optional(),
    diff: z.string().optional(),
    url: z.string().optional(),
    /** Anything else worth showing (tool arguments as JSON, memory fact…). */
    details: z.string().optional(),
    /** True exactly when `sessionApproval` is set: the card offers "Approve for session". */
    canApproveForSession: z.boolean(),
    /** What "Approve for session" covers, when the runtime allows it for this request. */
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
export type PermissionView = z.output<typeof permissionView>;

export const permissionOutcome = z.enum(["approved", "approved-for-session", "denied"]);
export type PermissionOutcome = z.output<typeof permissionOutcome>;

export const permissionDecision = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("approve-once") }),
  z.object({ kind: z.literal("approve-for-session") }),
  z.object({ kind: z.literal("deny"), feedback: z.string().optional() }),
]);
export type PermissionDecision = z.output<typeof permissionDecision>;

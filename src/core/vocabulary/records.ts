import { z } from "zod";
import { runsAs } from "./identity.js";
import { agentMode } from "./mode.js";
import { outcome, prompt, promptAnswer } from "./prompt.js";
import { channelRef, messageRef, platform, threadRef, userRef } from "./refs.js";
import { workspaceInfo } from "./workspace.js";

/** What the bridge persists. A stored record that does not parse is never trusted. */

/** How a session ended: by whom, or after how long without activity. */
export const sessionEnding = z.discriminatedUnion("reason", [
  z.object({ reason: z.literal("user"), by: userRef, at: z.number() }),
  z.object({ reason: z.literal("idle"), days: z.number(), at: z.number() }),
]);
export type SessionEnding = z.output<typeof sessionEnding>;

/** A chat thread bound to a Copilot session. */
export const threadRecord = z.object({
  thread: threadRef,
  /** The channel the session was started from (for `/copilot sessions`). */
  origin: channelRef,
  /** The first prompt, shown on the header. */
  title: z.string(),
  sessionId: z.string(),
  owner: userRef,
  header: messageRef,
  workingDirectory: z.string(),
  mode: agentMode,
  state: z.enum(["active", "ended"]),
  createdAt: z.number(),
  /** Messages received while the agent was busy, sent in order when the turn ends. */
  queue: z.array(z.string()),
  /** A turn is running (kept so that a restart can tell the thread a turn died with it). */
  working: z.boolean().optional(),
  /** Why the session could not be resumed (the thread was told); the next message starts a new one. */
  lost: z.string().optional(),
  /** The Mission Control URL, once the session is shared (the runtime announces it only once). */
  remoteUrl: z.string().optional(),
  /** `owner/repo[@branch]` of a session that runs on GitHub's compute. */
  cloud: z.string().optional(),
  /**
   * When a prompt was last sent to the session (or it started); older records have none and count
   * from `createdAt`. A session idle for BRIDGE_SESSION_IDLE_DAYS ends by itself.
   */
  lastActivityAt: z.number().optional(),
  /** How the session ended (with `state: "ended"`). */
  ended: sessionEnding.optional(),
  /** The session's worktree and branch (sessions started before workspaces have none). */
  workspace: workspaceInfo.optional(),
  /** What the session's model calls used so far (`status` shows it). */
  usage: z
    .object({
      inputTokens: z.number(),
      outputTokens: z.number(),
      premiumRequests: z.number(),
      calls: z.number(),
    })
    .optional(),
  /** Whose GitHub account the session runs as; none: the bridge's, as before accounts were linked. */
  runsAs: runsAs.optional(),
});
export type ThreadRecord = z.output<typeof threadRecord>;

/**
 * Where an answer came from: this thread, GitHub (Mission Control), or somewhere else (a terminal or
 * another client on the same session).
 */
export const answerSurface = z.enum(["thread", "github", "elsewhere"]);

export const cardState = z.discriminatedUnion("status", [
  z.object({ status: z.literal("pending") }),
  z.object({
    status: z.literal("decided"),
    outcome,
    by: userRef.optional(),
    surface: answerSurface,
    at: z.number(),
  }),
]);
export type CardState = z.output<typeof cardState>;

/** A card in a thread for something the agent waits on, keyed by the runtime's request id. */
export const cardRecord = z.object({
  requestId: z.string().min(1),
  threadKey: z.string().min(1),
  /** `id` is empty while the card's post has not come back (written before, so a crash loses nothing). */
  message: z.object({ channel: z.string().min(1), id: z.string() }),
  toolCallId: z.string().optional(),
  prompt,
  state: cardState,
  createdAt: z.number(),
});
export type CardRecord = z.output<typeof cardRecord>;

/** Where a command was run: a channel of a platform. */
export const auditChannel = z.object({ platform, channel: z.string().min(1), workspace: z.string() });
export type AuditChannel = z.output<typeof auditChannel>;

const inThread = { at: z.number(), threadKey: z.string() };

const auditKinds = z.discriminatedUnion("kind", [
  /** A card answered in its thread; `won`: this answer was the first. */
  z.object({
    kind: z.literal("answer"),
    ...inThread,
    requestId: z.string(),
    user: userRef,
    answer: promptAnswer,
    won: z.boolean(),
    /** The GitHub login of who answered, when they had linked their account. */
    login: z.string().optional(),
  }),
  /** A card answered elsewhere: in a terminal or another client on the same session, or on GitHub. */
  z.object({
    kind: z.literal("answer-elsewhere"),
    ...inThread,
    requestId: z.string(),
    surface: z.enum(["github", "elsewhere"]),
    outcome,
  }),
  z.object({ kind: z.literal("stop"), ...inThread, user: userRef, dropped: z.number() }),
  z.object({ kind: z.literal("mode"), ...inThread, user: userRef, mode: agentMode }),
  z.object({ kind: z.literal("remote"), ...inThread, user: userRef, on: z.boolean() }),
  /** The session ended: by a person (`user`), or by itself after `idleDays` without activity. */
  z.object({
    kind: z.literal("end"),
    ...inThread,
    user: userRef.optional(),
    idleDays: z.number().optional(),
  }),
  z.object({
    kind: z.literal("attach"),
    ...inThread,
    user: userRef,
    channel: auditChannel,
    sessionId: z.string(),
  }),
  /** A pull request opened (or updated) for a session's branch. */
  z.object({
    kind: z.literal("publish"),
    ...inThread,
    user: userRef,
    pullRequest: z.number(),
    url: z.string(),
    created: z.boolean(),
  }),
  z.object({
    kind: z.literal("cloud"),
    ...inThread,
    user: userRef,
    channel: auditChannel,
    repository: z.string(),
  }),
]);

/** A row written before audit entries had a `kind`: an answer given in the thread. */
const legacyAnswer = z
  .object({
    at: z.number(),
    threadKey: z.string(),
    requestId: z.string(),
    user: userRef,
    answer: promptAnswer,
    won: z.boolean(),
  })
  .transform((row) => ({ kind: "answer" as const, ...row }));

/**
 * One line of the audit log: who did what, where (a session's thread, or the channel of a command)
 * and when. Rows written before `kind` existed are answers given in the thread.
 */
export const auditEntry = z.union([auditKinds, legacyAnswer]);
export type AuditEntry = z.output<typeof auditEntry>;

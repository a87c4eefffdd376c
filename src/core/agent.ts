import type { Outcome, Prompt, PromptAnswer } from "./prompts.js";
import type { AgentMode } from "./types.js";

/**
 * The Copilot side as the core sees it: a neutral view of sessions, their events and prompts.
 * `src/copilot/` implements these against `@github/copilot-sdk`.
 */

export type PermissionKind = "shell" | "write" | "read" | "url" | "mcp" | "other";

/** What a permission request would do, in words a person can judge. */
export interface PermissionView {
  kind: PermissionKind;
  /** The runtime's own kind name (`shell`, `custom-tool`, `memory`, …). */
  rawKind: string;
  /** One-line headline, e.g. "Run a shell command". */
  title: string;
  intention?: string;
  /** Full shell command, or the tool invocation. */
  command?: string;
  path?: string;
  diff?: string;
  url?: string;
  /** Anything else worth showing (tool arguments as JSON, memory fact…). */
  details?: string;
  /** True exactly when `sessionApproval` is set: the card offers "Approve for session". */
  canApproveForSession: boolean;
  /** What "Approve for session" covers, when the runtime allows it for this request. */
  sessionApproval?: SessionApproval;
}

/**
 * What a session-wide approval covers, as JSON the Copilot side builds and reads back (e.g.
 * `{kind: "commands", commandIdentifiers: ["ls"]}`, `{kind: "read"}`, `{kind: "url", domain}`).
 * The core only stores it with the card and hands it back with the answer.
 */
export interface SessionApproval {
  kind: string;
  [field: string]: unknown;
}

export type PermissionOutcome = "approved" | "approved-for-session" | "denied";

export type AgentEvent =
  | { type: "message.delta"; messageId: string; delta: string }
  | { type: "message"; messageId: string; content: string }
  | { type: "tool.start"; toolCallId: string; toolName: string; summary?: string }
  /** `interrupted`: the runtime restarted under the tool call and closed it when the session resumed. */
  | { type: "tool.complete"; toolCallId: string; success: boolean; error?: string; interrupted?: boolean }
  | { type: "prompt.requested"; requestId: string; toolCallId?: string; prompt: Prompt }
  /** `surface: "github"` when the runtime says the answer came from github.com / GitHub Mobile. */
  | { type: "prompt.completed"; requestId: string; outcome: Outcome; surface?: "github" }
  | { type: "idle" }
  | { type: "mode"; mode: AgentMode }
  /** The session can be followed and steered on github.com / GitHub Mobile at `url`. */
  | { type: "remote"; url: string }
  /** A message typed on github.com / GitHub Mobile (a Mission Control command) started a turn. */
  | { type: "remote.message"; text: string }
  | { type: "aborted" }
  | { type: "error"; message: string }
  | { type: "notice"; level: "info" | "warning"; message: string; url?: string; kind?: string };

export type AgentListener = (event: AgentEvent) => void;

export type PermissionDecision =
  | { kind: "approve-once" }
  | { kind: "approve-for-session" }
  | { kind: "deny"; feedback?: string };

export interface PendingPermission {
  requestId: string;
  toolCallId?: string;
  view: PermissionView;
}

/** How a tool call ended, as the session's history tells. */
export type ToolFate = "ok" | "failed" | "interrupted";

/** What a resumed session's history says about the work that was under way. */
export interface SessionHistory {
  /** A turn was started and has not ended (it may still be running on a runtime that survived). */
  openTurn: boolean;
  /** Tool calls that have ended, by tool call id. */
  toolCalls: ReadonlyMap<string, ToolFate>;
}

export interface AgentSession {
  readonly id: string;
  send(prompt: string): Promise<void>;
  abort(): Promise<void>;
  setMode(mode: AgentMode): Promise<void>;
  getMode(): Promise<AgentMode>;
  /** Shares the session through Mission Control; the URL may also arrive later as a `remote` event. */
  enableRemote(): Promise<{ url?: string }>;
  disableRemote(): Promise<void>;
  /** Answers a pending prompt; `true` when this answer won, `false` when it was already answered. */
  answer(requestId: string, answer: PromptAnswer, prompt: Prompt): Promise<boolean>;
  pendingPermissions(): Promise<PendingPermission[]>;
  /** The session's history, read after a resume to tell what survived. */
  history(): Promise<SessionHistory>;
  disconnect(): Promise<void>;
}

export interface CreateSessionOptions {
  workingDirectory: string;
}

export interface CloudRepository {
  owner: string;
  name: string;
  branch?: string;
}

/** What the runtime knows of a session, for attaching it to a thread. */
export interface SessionSummary {
  id: string;
  summary?: string;
  workingDirectory?: string;
}

export interface CopilotGateway {
  /**
   * Whether the runtime outlives the bridge (an external one): turns, prompts and cloud sessions then
   * survive a bridge restart. The bundled runtime starts afresh with the bridge: a turn that was
   * running dies, and it does not reliably know the cloud sessions an earlier one created.
   */
  readonly runtimeOutlivesBridge: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Called (once per connection) when the connection to the runtime is lost. */
  onDisconnect(handler: () => void): void;
  createSession(options: CreateSessionOptions, listener: AgentListener): Promise<AgentSession>;
  /** Re-attaches to a known session (a cloud session without client callbacks, which it refuses). */
  resumeSession(
    sessionId: string,
    listener: AgentListener,
    options?: { cloud?: boolean },
  ): Promise<AgentSession>;
  /**
   * A session on GitHub's compute and models (never the bridge's own provider). Resolves once the
   * cloud agent has started; its first events (the Mission Control URL) are delivered to `listener`.
   */
  createCloudSession(repository: CloudRepository, listener: AgentListener): Promise<AgentSession>;
  /** A session the runtime knows (e.g. one started in a terminal), or undefined. */
  findSession(sessionId: string): Promise<SessionSummary | undefined>;
}

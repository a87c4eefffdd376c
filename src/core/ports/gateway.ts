import type { AgentEvent } from "../vocabulary/agent-event.js";
import type { AgentMode } from "../vocabulary/mode.js";
import type { PermissionView } from "../vocabulary/permission.js";
import type { Prompt, PromptAnswer } from "../vocabulary/prompt.js";

/**
 * The Copilot side as the core sees it: a neutral view of sessions, their events and prompts.
 * `src/copilot/` implements these against `@github/copilot-sdk`.
 */

export type AgentListener = (event: AgentEvent) => void;

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
  /** Ends a request held at the session's AI-credit budget: the model call is cancelled, the limit stays. */
  cancelOverBudget(requestId: string): Promise<void>;
  /** The session's history, read after a resume to tell what survived. */
  history(): Promise<SessionHistory>;
  disconnect(): Promise<void>;
}

/**
 * A person's GitHub account a session runs as (a linked identity); without one the session runs as
 * the bridge's own (GITHUB_TOKEN, or the runtime's login).
 */
export interface RunAs {
  /** `host/login`: one runtime identity per person and host. */
  key: string;
  login: string;
  token: string;
}

/**
 * What a person's identity covers on this runtime: everything (`full`: model turns, Mission Control
 * and cloud sessions), model turns only (`model`: an external runtime signs in once, for everyone),
 * or nothing (`none`: an external runtime with a bring-your-own-key model).
 */
export type IdentityReach = "full" | "model" | "none";

export interface CreateSessionOptions {
  workingDirectory: string;
  runAs?: RunAs;
}

export interface ResumeOptions {
  /** A cloud session: re-attached without client callbacks, which it refuses. */
  cloud?: boolean;
  /** The person the session runs as: it is not kept with the session, so it is given on every resume. */
  runAs?: RunAs;
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
  /** What a `runAs` identity changes on this runtime. */
  readonly identityReach: IdentityReach;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Called (once per connection) when the connection to the runtime is lost. */
  onDisconnect(handler: () => void): void;
  createSession(options: CreateSessionOptions, listener: AgentListener): Promise<AgentSession>;
  /** Re-attaches to a known session. */
  resumeSession(sessionId: string, listener: AgentListener, options?: ResumeOptions): Promise<AgentSession>;
  /**
   * A session on GitHub's compute and models (never the bridge's own provider). Resolves once the
   * cloud agent has started; its first events (the Mission Control URL) are delivered to `listener`.
   */
  createCloudSession(
    repository: CloudRepository,
    listener: AgentListener,
    options?: { runAs?: RunAs },
  ): Promise<AgentSession>;
  /** A session the runtime knows (e.g. one started in a terminal), or undefined. */
  findSession(sessionId: string): Promise<SessionSummary | undefined>;
}

import type { RateRule } from "./flood.js";
import type { Logger } from "./log.js";
import type { PendingLinks } from "./pending-links.js";
import type { AccessPolicy } from "./policy.js";
import type { ChatAdapter } from "./ports/chat.js";
import type { CopilotGateway } from "./ports/gateway.js";
import type { IdentityProvider } from "./ports/identity.js";
import type { BridgeStore } from "./ports/store.js";
import type { Workspaces } from "./ports/workspace.js";
import type { ChatDirectory, SessionRegistry } from "./registry.js";
import type { IdentityPolicy } from "./vocabulary/identity.js";

/** What the bridge is built from (see `Bridge`). */
export interface BridgeOptions {
  adapters: ChatAdapter[];
  gateway: CopilotGateway;
  store: BridgeStore;
  policy: AccessPolicy;
  log: Logger;
  workingDirectory: string;
  maxPromptChars: number;
  /** Most messages a thread queues while a turn runs (BRIDGE_MAX_QUEUED; default 20). */
  maxQueued?: number;
  /**
   * Messages a person other than the owner and approvers may send in one thread (BRIDGE_USER_RATE;
   * default 5 a minute); `"off"`: no limit.
   */
  userRate?: RateRule | "off";
  streamIntervalMs: number;
  /** How long inbound event ids are remembered for de-duplication. */
  dedupTtlMs: number;
  /** How many sessions are resumed at once after a restart. */
  resumeConcurrency: number;
  /** Share every new session through Mission Control (BRIDGE_REMOTE=on). */
  remoteByDefault?: boolean;
  /** Renders a QR code PNG for the remote-session link. */
  qrCode?: (text: string) => Promise<Uint8Array>;
  /** Model name shown by `status` (the runtime's default when unset). */
  model?: string;
  /** A session without a prompt for this long ends by itself (BRIDGE_SESSION_IDLE_DAYS; default 14 days). */
  sessionIdleMs?: number;
  /** How long audit entries are kept (BRIDGE_AUDIT_DAYS; default 90 days). */
  auditRetentionMs?: number;
  /** How often idle sessions are ended and expired store rows removed (default: hourly). */
  sweepEveryMs?: number;
  /** Where sessions work (git worktrees); default: every session in `workingDirectory` as it is. */
  workspaces?: Workspaces;
  /** The token that pushes branches and opens pull requests (GITHUB_TOKEN). */
  gitHubToken?: string;
  /** Links people's GitHub accounts (GITHUB_OAUTH_CLIENT_ID). */
  identity?: IdentityProvider;
  /** Whose GitHub account sessions run as (BRIDGE_IDENTITY; default `preferred`). */
  identityPolicy?: IdentityPolicy;
  /** Cloud sessions of people without a linked account may use the bridge's (BRIDGE_CLOUD_AS_BRIDGE). */
  cloudAsBridge?: boolean;
  now?: () => number;
}

const day = 24 * 3600 * 1000;
export const defaultSessionIdleMs = 14 * day;
export const defaultAuditRetentionMs = 90 * day;

/** How long a click or message waits for its session to reconnect after a restart. */
export const reconnectWaitMs = 15_000;

/** Settings the handlers read, with their defaults applied. */
export interface CoreSettings {
  workingDirectory: string;
  maxPromptChars: number;
  remoteByDefault: boolean;
  /** Model name shown by `status` (the runtime's default when unset). */
  model: string | undefined;
  dedupTtlMs: number;
  resumeConcurrency: number;
  sessionIdleMs: number;
  auditRetentionMs: number;
  sweepEveryMs: number;
  /** The token that pushes branches and opens pull requests; unset: "Create pull request" says how to set one. */
  gitHubToken: string | undefined;
  identityPolicy: IdentityPolicy;
  cloudAsBridge: boolean;
}

/**
 * Everything a handler may use. Each handler declares the part it needs as a `Pick` of this, so its
 * signature says what it touches; the bridge passes the whole context.
 */
export interface CoreContext {
  /** The live sessions, by thread. */
  readonly sessions: SessionRegistry;
  /** The chat adapters, by platform. */
  readonly chats: ChatDirectory;
  readonly store: BridgeStore;
  readonly gateway: CopilotGateway;
  readonly policy: AccessPolicy;
  readonly log: Logger;
  readonly now: () => number;
  readonly settings: CoreSettings;
  readonly workspaces: Workspaces;
  /** GitHub account linking; undefined when the bridge has no OAuth client id. */
  readonly identity: IdentityProvider | undefined;
  readonly links: PendingLinks;
  /** Renders a QR code PNG (remote-session links, GitHub's verification URL). */
  readonly qrCode: ((text: string) => Promise<Uint8Array>) | undefined;
}

export type Uses<K extends keyof CoreContext> = Pick<CoreContext, K>;

export function settingsOf(options: BridgeOptions): CoreSettings {
  return {
    workingDirectory: options.workingDirectory,
    maxPromptChars: options.maxPromptChars,
    remoteByDefault: options.remoteByDefault ?? false,
    model: options.model,
    dedupTtlMs: options.dedupTtlMs,
    resumeConcurrency: options.resumeConcurrency,
    sessionIdleMs: options.sessionIdleMs ?? defaultSessionIdleMs,
    auditRetentionMs: options.auditRetentionMs ?? defaultAuditRetentionMs,
    sweepEveryMs: options.sweepEveryMs ?? 3600 * 1000,
    gitHubToken: options.gitHubToken,
    identityPolicy: options.identityPolicy ?? "preferred",
    cloudAsBridge: options.cloudAsBridge ?? false,
  };
}

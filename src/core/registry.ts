import { defaultMaxQueued, defaultUserRate, type RateRule } from "./flood.js";
import type { Logger } from "./log.js";
import type { AccessPolicy } from "./policy.js";
import type { CopilotGateway } from "./ports/agent.js";
import type { ChatAdapter } from "./ports/chat.js";
import type { BridgeStore } from "./ports/store.js";
import { ThreadSession } from "./session.js";
import type { ThreadRecord } from "./vocabulary/records.js";
import type { Platform } from "./vocabulary/refs.js";

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
  now?: () => number;
}

const day = 24 * 3600 * 1000;
export const defaultSessionIdleMs = 14 * day;
export const defaultAuditRetentionMs = 90 * day;

/** How long a click or message waits for its session to reconnect after a restart. */
export const reconnectWaitMs = 15_000;

/** The live sessions by thread key, and the adapters by platform: what every handler needs. */
export class SessionRegistry {
  private readonly sessions = new Map<string, ThreadSession>();
  private readonly adapters = new Map<Platform, ChatAdapter>();
  readonly now: () => number;

  constructor(readonly options: BridgeOptions) {
    for (const adapter of options.adapters) this.adapters.set(adapter.platform, adapter);
    this.now = options.now ?? Date.now;
  }

  get(threadKey: string): ThreadSession | undefined {
    return this.sessions.get(threadKey);
  }

  all(): ThreadSession[] {
    return [...this.sessions.values()];
  }

  allAdapters(): ChatAdapter[] {
    return [...this.adapters.values()];
  }

  adapter(platform: Platform): ChatAdapter | undefined {
    return this.adapters.get(platform);
  }

  chatFor(session: ThreadSession): ChatAdapter {
    const chat = this.adapters.get(session.record.thread.platform);
    if (!chat) throw new Error(`no adapter for ${session.record.thread.platform}`);
    return chat;
  }

  /** Creates (and registers) the session object of a thread; it connects to Copilot later. */
  add(record: ThreadRecord): ThreadSession | undefined {
    const chat = this.adapters.get(record.thread.platform);
    if (!chat) return undefined;
    const session = new ThreadSession(record, {
      ...(this.options.qrCode ? { qrCode: this.options.qrCode } : {}),
      chat,
      store: this.options.store,
      log: this.options.log,
      streamIntervalMs: this.options.streamIntervalMs,
      maxQueued: this.options.maxQueued ?? defaultMaxQueued,
      maxPromptChars: this.options.maxPromptChars,
      userRate: this.options.userRate === "off" ? undefined : (this.options.userRate ?? defaultUserRate),
      now: this.now,
    });
    this.sessions.set(record.thread.key, session);
    return session;
  }

  remove(threadKey: string): void {
    this.sessions.delete(threadKey);
  }

  /** Active sessions started from a channel, newest first. */
  inChannel(platform: Platform, channel: string): ThreadSession[] {
    return this.all()
      .filter((s) => s.record.origin.platform === platform && s.record.origin.channel === channel)
      .sort((a, b) => b.record.createdAt - a.record.createdAt);
  }
}

import { defaultMaxQueued, defaultUserRate, type RateRule } from "./flood.js";
import type { Logger } from "./log.js";
import type { ChatAdapter } from "./ports/chat.js";
import type { BridgeStore } from "./ports/store.js";
import { ThreadSession } from "./session.js";
import type { ThreadRecord } from "./vocabulary/records.js";
import type { Platform } from "./vocabulary/refs.js";

/** The chat adapters, by platform. */
export class ChatDirectory {
  private readonly byPlatform = new Map<Platform, ChatAdapter>();

  constructor(adapters: readonly ChatAdapter[]) {
    for (const adapter of adapters) this.byPlatform.set(adapter.platform, adapter);
  }

  all(): ChatAdapter[] {
    return [...this.byPlatform.values()];
  }

  adapter(platform: Platform): ChatAdapter | undefined {
    return this.byPlatform.get(platform);
  }

  chatFor(session: ThreadSession): ChatAdapter {
    const chat = this.byPlatform.get(session.record.thread.platform);
    if (!chat) throw new Error(`no adapter for ${session.record.thread.platform}`);
    return chat;
  }
}

/** What every thread's session is built with. */
export interface SessionDefaults {
  store: BridgeStore;
  log: Logger;
  streamIntervalMs: number;
  maxPromptChars: number;
  maxQueued?: number | undefined;
  /** `"off"`: no limit; unset: the default. */
  userRate?: RateRule | "off" | undefined;
  qrCode?: ((text: string) => Promise<Uint8Array>) | undefined;
  now: () => number;
  /** A turn ended with nothing queued. */
  idle?: ((session: ThreadSession) => void) | undefined;
  /** GitHub refused the token of the person a session runs as. */
  tokenRefused?: ((session: ThreadSession) => void) | undefined;
}

/** The live sessions by thread key. */
export class SessionRegistry {
  private readonly sessions = new Map<string, ThreadSession>();

  constructor(
    private readonly chats: ChatDirectory,
    private readonly defaults: SessionDefaults,
  ) {}

  get(threadKey: string): ThreadSession | undefined {
    return this.sessions.get(threadKey);
  }

  all(): ThreadSession[] {
    return [...this.sessions.values()];
  }

  /** Creates (and registers) the session object of a thread; it connects to Copilot later. */
  add(record: ThreadRecord): ThreadSession | undefined {
    const chat = this.chats.adapter(record.thread.platform);
    if (!chat) return undefined;
    const d = this.defaults;
    const session = new ThreadSession(record, {
      ...(d.qrCode ? { qrCode: d.qrCode } : {}),
      chat,
      store: d.store,
      log: d.log,
      streamIntervalMs: d.streamIntervalMs,
      maxQueued: d.maxQueued ?? defaultMaxQueued,
      maxPromptChars: d.maxPromptChars,
      userRate: d.userRate === "off" ? undefined : (d.userRate ?? defaultUserRate),
      now: d.now,
      idle: d.idle,
      tokenRefused: d.tokenRefused,
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

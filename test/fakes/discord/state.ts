import { type WaitOptions, waitUntil } from "../wait.js";
/** Observable state of the fake guild: what the app did, plus change notification for waitFor. */
import type {
  DiscordMessage,
  DiscordThread,
  FakeMember,
  InteractionReply,
  Reaction,
  RestCall,
  StoredAttachment,
} from "./types.js";

export interface Identity {
  token: string;
  botUserId: string;
  applicationId: string;
  guildId: string;
  channelId: string;
  ownerRoleIds: string[];
  heartbeatIntervalMs: number;
  interactionCallbackTimeoutMs: number;
}

/** What the fake remembers about an interaction it delivered. */
export interface Interaction {
  id: string;
  token: string;
  type: number;
  channel_id: string;
  user_id: string;
  /** The message a component (or modal from a component) belongs to. */
  message_id?: string;
  createdAt: number;
  /** Type of the initial callback, once answered. */
  answeredWith?: number;
  /** The message @original points to (created by type 4/5, or the component's message). */
  originalId?: string;
}

const DISCORD_EPOCH = 1_420_070_400_000n;

export class DiscordState {
  readonly calls: RestCall[] = [];
  readonly messages: DiscordMessage[] = [];
  /** Ephemeral messages (interaction replies and follow-ups with flags 64), by id. */
  readonly ephemeral = new Map<string, DiscordMessage>();
  readonly threads: DiscordThread[] = [];
  readonly interactionReplies: InteractionReply[] = [];
  readonly followups: DiscordMessage[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: application command JSON as registered
  readonly commands: any[] = [];
  readonly reactions: Reaction[] = [];
  readonly interactions = new Map<string, Interaction>();
  readonly members = new Map<string, FakeMember>();
  private lastId = 0n;
  private readonly changeListeners = new Set<() => void>();
  private readonly callListeners = new Set<(call: RestCall) => void>();

  constructor(readonly id: Identity) {
    this.members.set(id.botUserId, { id: id.botUserId, username: "copilot-bot", bot: true, roles: [] });
  }

  /** A fresh snowflake (19 digits, timestamp-based), strictly increasing. */
  nextId(): string {
    const now = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    this.lastId = now > this.lastId ? now : this.lastId + 1n;
    return this.lastId.toString();
  }

  member(id: string): FakeMember {
    let m = this.members.get(id);
    if (m === undefined) {
      m = { id, username: `user-${id}`, bot: false, roles: [] };
      this.members.set(id, m);
    }
    return m;
  }

  thread(id: string): DiscordThread | undefined {
    return this.threads.find((t) => t.id === id);
  }

  /** True for the text channel and every thread. */
  hasChannel(id: string): boolean {
    return id === this.id.channelId || this.thread(id) !== undefined;
  }

  /** A visible message in the channel, or an ephemeral one by id. */
  findMessage(channelId: string, id: string): DiscordMessage | undefined {
    return this.messages.find((m) => m.id === id && m.channel_id === channelId) ?? this.ephemeral.get(id);
  }

  findAnyMessage(id: string): DiscordMessage | undefined {
    return this.messages.find((m) => m.id === id) ?? this.ephemeral.get(id);
  }

  interactionByToken(token: string): Interaction | undefined {
    for (const i of this.interactions.values()) if (i.token === token) return i;
    return undefined;
  }

  attachment(filename: string, bytes: Buffer, extra: Partial<StoredAttachment> = {}): StoredAttachment {
    return { id: this.nextId(), filename, bytes, size: bytes.length, ...extra };
  }

  recordCall(call: RestCall): void {
    this.calls.push(call);
    for (const listener of this.callListeners) {
      try {
        listener(call);
      } catch {
        // A test's listener must not break the fake's request handling.
      }
    }
    this.changed();
  }

  onCall(listener: (call: RestCall) => void): () => void {
    this.callListeners.add(listener);
    return () => this.callListeners.delete(listener);
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  changed(): void {
    for (const listener of [...this.changeListeners]) listener();
  }

  /** Short human-readable dump of the last calls, for timeout messages. */
  recentCalls(n = 8): string {
    const recent = this.calls.slice(-n);
    if (recent.length === 0) return "  (no REST calls)";
    return recent
      .map((c) => {
        const body = c.body === undefined ? "" : JSON.stringify(c.body);
        const shown = body.length > 160 ? `${body.slice(0, 160)}…` : body;
        return `  ${c.method} ${c.path} → ${c.fault ?? c.status} ${shown}`;
      })
      .join("\n");
  }

  waitFor<T>(probe: () => T | undefined | false | null, opts: WaitOptions = {}): Promise<T> {
    return waitUntil(
      "FakeDiscord",
      (l) => this.onChange(l),
      () => `recent calls:\n${this.recentCalls()}`,
      probe,
      opts,
    );
  }
}

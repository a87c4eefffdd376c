/** Observable state of the fake guild: what the app did, plus change notification for waitFor. */
import { CallRecorder, clip } from "../base.js";
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
  /** The first text channel (`channelIds[0]`). */
  channelId: string;
  /** Every guild text channel (type 0), in position order. */
  channelIds: string[];
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

/**
 * `messages`, `threads` and `interactions` stay the source of truth (tests read them); the fake
 * changes them only through addMessage / removeMessage / addThread / addInteraction, which keep the
 * id indexes below in step. Should anything change the arrays directly, a size mismatch makes the
 * next lookup rebuild the index.
 */
export class DiscordState extends CallRecorder<RestCall> {
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
  /** People who do not accept direct messages from the bot: a post in their DM channel is 50007. */
  readonly closedDms = new Set<string>();
  /** POST /channels/:id/typing calls per channel id. */
  readonly typing = new Map<string, number>();
  /** Every INTERACTION_CREATE payload the fake delivered, by interaction id. */
  // biome-ignore lint/suspicious/noExplicitAny: interaction JSON as dispatched
  readonly deliveredInteractions = new Map<string, any>();
  /** Files people uploaded through a modal's File Upload: id → where, so their URLs serve them. */
  readonly modalUploads = new Map<string, { channelId: string; attachment: StoredAttachment }>();
  private readonly textChannels: ReadonlySet<string>;
  /** The bot's DM channel (type 1) with each person, both ways: user id ↔ channel id. */
  private readonly dmByUser = new Map<string, string>();
  private readonly dmById = new Map<string, string>();
  private readonly messageIndex = new Map<string, DiscordMessage>();
  /** Visible messages per channel id, in creation order. */
  private readonly channelIndex = new Map<string, DiscordMessage[]>();
  private readonly threadIndex = new Map<string, DiscordThread>();
  private readonly tokenIndex = new Map<string, Interaction>();
  private lastId = 0n;

  constructor(readonly id: Identity) {
    super("FakeDiscord", describeCall, "  (no REST calls)");
    this.textChannels = new Set(id.channelIds);
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
    if (this.threadIndex.size !== this.threads.length) this.reindexThreads();
    return this.threadIndex.get(id);
  }

  addThread(t: DiscordThread): void {
    this.threads.push(t);
    this.threadIndex.set(t.id, t);
  }

  /** True for a guild text channel (not a thread). */
  isTextChannel(id: string): boolean {
    return this.textChannels.has(id);
  }

  /** True for every text channel, every thread and every DM channel. */
  hasChannel(id: string): boolean {
    return this.textChannels.has(id) || this.dmById.has(id) || this.thread(id) !== undefined;
  }

  /** The bot's DM channel with `user`, opened now if there is none yet (Discord gives the same one). */
  openDm(user: string): string {
    let id = this.dmByUser.get(user);
    if (id === undefined) {
      id = this.nextId();
      this.dmByUser.set(user, id);
      this.dmById.set(id, user);
    }
    return id;
  }

  /** The bot's DM channel with `user`, if one was opened. */
  dmChannel(user: string): string | undefined {
    return this.dmByUser.get(user);
  }

  /** The person a DM channel is with; undefined for any other channel. */
  dmRecipient(channelId: string): string | undefined {
    return this.dmById.get(channelId);
  }

  /** A visible message in the channel, or an ephemeral one by id. */
  findMessage(channelId: string, id: string): DiscordMessage | undefined {
    const m = this.visibleMessage(id);
    return m !== undefined && m.channel_id === channelId ? m : this.ephemeral.get(id);
  }

  findAnyMessage(id: string): DiscordMessage | undefined {
    return this.visibleMessage(id) ?? this.ephemeral.get(id);
  }

  /** The visible messages of one channel, in order (a copy). */
  channelMessages(channelId: string): DiscordMessage[] {
    return [...this.inChannel(channelId)];
  }

  /** The last visible message of a channel and how many it has. */
  channelStats(channelId: string): { last: DiscordMessage | undefined; count: number } {
    const list = this.inChannel(channelId);
    return { last: list.at(-1), count: list.length };
  }

  addMessage(m: DiscordMessage): void {
    this.messages.push(m);
    if (this.messageIndex.size !== this.messages.length - 1) {
      this.reindexMessages();
      return;
    }
    this.messageIndex.set(m.id, m);
    const list = this.channelIndex.get(m.channel_id);
    if (list === undefined) this.channelIndex.set(m.channel_id, [m]);
    else list.push(m);
  }

  /** Removes a visible message; false if it is not one. */
  removeMessage(m: DiscordMessage): boolean {
    const at = this.messages.indexOf(m);
    if (at < 0) return false;
    this.messages.splice(at, 1);
    if (this.messageIndex.size !== this.messages.length + 1) {
      this.reindexMessages();
      return true;
    }
    this.messageIndex.delete(m.id);
    const list = this.channelIndex.get(m.channel_id);
    const i = list?.indexOf(m) ?? -1;
    if (list !== undefined && i >= 0) list.splice(i, 1);
    return true;
  }

  addInteraction(i: Interaction): void {
    this.interactions.set(i.id, i);
    this.tokenIndex.set(i.token, i);
  }

  interactionByToken(token: string): Interaction | undefined {
    if (this.tokenIndex.size !== this.interactions.size) {
      this.tokenIndex.clear();
      for (const i of this.interactions.values()) this.tokenIndex.set(i.token, i);
    }
    return this.tokenIndex.get(token);
  }

  private visibleMessage(id: string): DiscordMessage | undefined {
    if (this.messageIndex.size !== this.messages.length) this.reindexMessages();
    return this.messageIndex.get(id);
  }

  private inChannel(channelId: string): readonly DiscordMessage[] {
    if (this.messageIndex.size !== this.messages.length) this.reindexMessages();
    return this.channelIndex.get(channelId) ?? [];
  }

  private reindexMessages(): void {
    this.messageIndex.clear();
    this.channelIndex.clear();
    for (const m of this.messages) {
      this.messageIndex.set(m.id, m);
      const list = this.channelIndex.get(m.channel_id);
      if (list === undefined) this.channelIndex.set(m.channel_id, [m]);
      else list.push(m);
    }
  }

  private reindexThreads(): void {
    this.threadIndex.clear();
    for (const t of this.threads) this.threadIndex.set(t.id, t);
  }

  attachment(filename: string, bytes: Buffer, extra: Partial<StoredAttachment> = {}): StoredAttachment {
    return { id: this.nextId(), filename, bytes, size: bytes.length, ...extra };
  }
}

function describeCall(c: RestCall): string {
  const body = c.body === undefined ? "" : clip(JSON.stringify(c.body));
  return `${c.method} ${c.path} → ${c.fault ?? c.status} ${body}`;
}

/** Public types of the fake Discord. */
import type { DiscordRateLimitProfile } from "./rate-limits.js";

export interface FakeDiscordOptions {
  /** Default "fake-discord-token". */
  token?: string;
  /** Default "100000000000000001". */
  botUserId?: string;
  /** Default "100000000000000002". */
  applicationId?: string;
  /** Default "100000000000000003". */
  guildId?: string;
  /** The first guild text channel (type 0, named "copilot"). Default "100000000000000004". */
  channelId?: string;
  /**
   * How many guild text channels the guild has (default 1). The first is `channelId`; the others
   * ("copilot-2", …) get ids `channelId + 1_000_000 + i` and behave the same (GUILD_CREATE, posts,
   * threads, GET /channels/:id). `FakeDiscord.channelIds` lists them all.
   */
  textChannels?: number;
  /** Roles created in the guild (named "owner-1", …) for addUser(…, roles). */
  ownerRoleIds?: string[];
  /** HELLO heartbeat_interval. Default 1000 ms (Discord sends ~41 s), so zombie tests are quick. */
  heartbeatIntervalMs?: number;
  /**
   * How long an interaction accepts its initial callback (Discord: 3 s; later → 10062 Unknown
   * interaction). Default 3000. Follow-ups through the webhook stay valid.
   */
  interactionCallbackTimeoutMs?: number;
  /**
   * Enforce Discord's documented REST rate limits (see rate-limits.ts): `true` for the documented
   * numbers, a profile to override them. Default off. `FakeDiscord.setRateLimits` switches at runtime.
   */
  rateLimits?: boolean | DiscordRateLimitProfile;
}

export interface RestFile {
  name: string;
  bytes: Buffer;
  contentType?: string;
  /** The multipart field it came in ("files[0]"). */
  field?: string;
}

export interface RestCall {
  method: string;
  /** After /api/v10, without the query string, e.g. "/channels/1/messages". */
  path: string;
  query: Record<string, string>;
  /** The JSON body (or the multipart `payload_json`); undefined without a body. */
  // biome-ignore lint/suspicious/noExplicitAny: request JSON as discord.js sent it; tests dig into it
  body: any;
  files: RestFile[];
  /** The Authorization header as sent ("Bot <token>"), if any. */
  auth: string | undefined;
  at: number;
  /** HTTP status the fake answered with. */
  status: number;
  /** Set when an injected fault answered this call: "429", "429 global", "500", "drop"… */
  fault?: string;
  /** Set when the enforced rate limits answered 429 (X-RateLimit-Scope) instead of the handler. */
  rateLimited?: "user" | "global";
}

export interface StoredAttachment {
  id: string;
  filename: string;
  bytes: Buffer;
  size: number;
  content_type?: string;
  description?: string;
}

export interface DiscordMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: { id: string; username: string; bot?: boolean };
  content: string;
  // biome-ignore lint/suspicious/noExplicitAny: component JSON as the app sent it
  components: any[];
  // biome-ignore lint/suspicious/noExplicitAny: embed JSON as the app sent it
  embeds: any[];
  attachments: StoredAttachment[];
  // biome-ignore lint/suspicious/noExplicitAny: as the app sent it
  allowed_mentions?: any;
  flags?: number;
  // biome-ignore lint/suspicious/noExplicitAny: as the app sent it
  message_reference?: any;
  /** PATCHes applied (REST edit, interaction update type 7, webhook edit). */
  edits: number;
  /** Set once a thread was started from this message. */
  thread?: { id: string; name: string };
  /** Message type: 0 default, 19 reply, 20 chat-input command reply. */
  type: number;
  timestamp: string;
  edited_timestamp?: string;
  /** User ids mentioned. */
  mentions: string[];
  /** Set for interaction responses and follow-ups (the application id). */
  webhook_id?: string;
  /** Set for messages created by an interaction response or follow-up. */
  interaction_id?: string;
}

export interface DiscordThread {
  id: string;
  parent_id: string;
  name: string;
  /** The message the thread was started from (its id equals the thread id). */
  message_id?: string;
  owner_id: string;
  /** 11 public, 12 private. */
  type: number;
  archived: boolean;
  locked: boolean;
  auto_archive_duration: number;
  created_at: string;
  /** Users who joined (PUT thread-members/@me). */
  members: string[];
}

export interface InteractionReply {
  interactionId: string;
  token: string;
  /** 4 message, 5 deferred message, 6 deferred update, 7 update, 8 autocomplete, 9 modal. */
  type: number;
  // biome-ignore lint/suspicious/noExplicitAny: the callback's `data` as the app sent it
  data: any;
  files: RestFile[];
  at: number;
}

export interface FakeMember {
  id: string;
  username: string;
  bot: boolean;
  roles: string[];
}

export interface Reaction {
  channel_id: string;
  message_id: string;
  emoji: string;
  user_id: string;
}

export type Fault =
  /** Sent as JSON retry_after and as Retry-After (verbatim, so 0.2 stays 0.2), with X-RateLimit-*. */
  | { status: 429; retryAfter: number; global?: boolean }
  | { status: 500 | 502 | 503 }
  /** Destroys the TCP connection without answering. */
  | { drop: true };

export interface InteractionHandle {
  interactionId: string;
  token: string;
}

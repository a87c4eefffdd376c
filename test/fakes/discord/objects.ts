/** Discord API object shapes (users, members, channels, threads, the guild, messages) from fake state. */
import type { DiscordState } from "./state.js";
import type { DiscordMessage, DiscordThread } from "./types.js";

/** @everyone gets the usual defaults: view, send, read history, threads, embed, attach, reactions. */
export const EVERYONE_PERMISSIONS = "532576463937";
/** What interactions report in app_permissions / member.permissions. */
export const MEMBER_PERMISSIONS = "2248473465835073";
const JOINED_AT = "2024-01-01T00:00:00.000000+00:00";

export function apiUser(state: DiscordState, id: string) {
  const m = state.member(id);
  return {
    id,
    username: m.username,
    discriminator: "0",
    global_name: m.bot ? null : m.username,
    avatar: null,
    public_flags: 0,
    ...(m.bot ? { bot: true } : {}),
  };
}

/** A guild member; with `withUser` as in GUILD_CREATE and interactions, without as in MESSAGE_CREATE. */
export function apiMember(state: DiscordState, id: string, withUser = true) {
  const m = state.member(id);
  return {
    ...(withUser ? { user: apiUser(state, id) } : {}),
    roles: [...m.roles],
    nick: null,
    avatar: null,
    banner: null,
    joined_at: JOINED_AT,
    premium_since: null,
    deaf: false,
    mute: false,
    pending: false,
    flags: 0,
    communication_disabled_until: null,
  };
}

/** A guild text channel: the first is "copilot", the others "copilot-2", "copilot-3", … */
export function apiTextChannel(state: DiscordState, id: string) {
  const position = Math.max(0, state.id.channelIds.indexOf(id));
  const { last } = state.channelStats(id);
  return {
    id,
    type: 0,
    guild_id: state.id.guildId,
    name: position === 0 ? "copilot" : `copilot-${position + 1}`,
    position,
    parent_id: null,
    topic: null,
    nsfw: false,
    flags: 0,
    rate_limit_per_user: 0,
    last_message_id: last?.id ?? null,
    permission_overwrites: [],
    default_auto_archive_duration: 1440,
  };
}

export function apiThread(state: DiscordState, t: DiscordThread) {
  const { last, count } = state.channelStats(t.id);
  return {
    id: t.id,
    type: t.type,
    guild_id: state.id.guildId,
    parent_id: t.parent_id,
    owner_id: t.owner_id,
    name: t.name,
    flags: 0,
    rate_limit_per_user: 0,
    last_message_id: last?.id ?? null,
    message_count: count,
    total_message_sent: count,
    member_count: Math.max(1, t.members.length),
    thread_metadata: {
      archived: t.archived,
      locked: t.locked,
      auto_archive_duration: t.auto_archive_duration,
      archive_timestamp: t.created_at,
      create_timestamp: t.created_at,
    },
  };
}

/** The bot's DM channel with a person (type 1), as POST /users/@me/channels and GET /channels/:id give it. */
export function apiDmChannel(state: DiscordState, id: string, recipient: string) {
  const { last } = state.channelStats(id);
  return {
    id,
    type: 1,
    last_message_id: last?.id ?? null,
    flags: 0,
    recipients: [apiUser(state, recipient)],
  };
}

export function apiChannel(state: DiscordState, id: string) {
  if (state.isTextChannel(id)) return apiTextChannel(state, id);
  const recipient = state.dmRecipient(id);
  if (recipient !== undefined) return apiDmChannel(state, id, recipient);
  const t = state.thread(id);
  return t === undefined ? undefined : apiThread(state, t);
}

export function apiRoles(state: DiscordState) {
  const role = (id: string, name: string, position: number, permissions: string) => ({
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions,
    managed: false,
    mentionable: false,
    flags: 0,
  });
  return [
    role(state.id.guildId, "@everyone", 0, EVERYONE_PERMISSIONS),
    ...state.id.ownerRoleIds.map((id, i) => role(id, `owner-${i + 1}`, i + 1, EVERYONE_PERMISSIONS)),
  ];
}

/** The guild as GET /guilds/:id returns it (no channels, members or threads). */
export function apiGuild(state: DiscordState) {
  return {
    id: state.id.guildId,
    name: "Fake Guild",
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: [...state.members.values()].find((m) => !m.bot)?.id ?? state.id.botUserId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: "en-US",
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    max_members: 500000,
    max_video_channel_users: 25,
    premium_progress_bar_enabled: false,
    features: [],
    roles: apiRoles(state),
    emojis: [],
    stickers: [],
    application_id: null,
  };
}

/** Every guild text channel, in position order. */
export function apiTextChannels(state: DiscordState) {
  return state.id.channelIds.map((id) => apiTextChannel(state, id));
}

/** GUILD_CREATE: the guild plus channels, active threads and the members the fake knows. */
export function apiGuildCreate(state: DiscordState) {
  const active = state.threads.filter((t) => !t.archived);
  return {
    ...apiGuild(state),
    joined_at: JOINED_AT,
    large: false,
    unavailable: false,
    member_count: state.members.size,
    voice_states: [],
    members: [...state.members.keys()].map((id) => apiMember(state, id)),
    channels: apiTextChannels(state),
    threads: active.map((t) => apiThread(state, t)),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    lazy: true,
  };
}

export function attachmentUrl(
  baseUrl: string,
  m: DiscordMessage,
  a: { id: string; filename: string },
): string {
  return `${baseUrl}/attachments/${m.channel_id}/${a.id}/${encodeURIComponent(a.filename)}`;
}

/** A message as REST returns it and the gateway dispatches it. */
export function apiMessage(state: DiscordState, baseUrl: string, m: DiscordMessage) {
  return {
    id: m.id,
    type: m.type,
    channel_id: m.channel_id,
    ...(m.guild_id !== undefined ? { guild_id: m.guild_id } : {}),
    author: apiUser(state, m.author.id),
    content: m.content,
    timestamp: m.timestamp,
    edited_timestamp: m.edited_timestamp ?? null,
    tts: false,
    mention_everyone: false,
    mentions: m.mentions.map((id) => apiUser(state, id)),
    mention_roles: [],
    attachments: m.attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      size: a.size,
      url: attachmentUrl(baseUrl, m, a),
      proxy_url: attachmentUrl(baseUrl, m, a),
      ...(a.content_type !== undefined ? { content_type: a.content_type } : {}),
      ...(a.description !== undefined ? { description: a.description } : {}),
    })),
    embeds: m.embeds,
    components: m.components,
    pinned: false,
    flags: m.flags ?? 0,
    ...(m.message_reference !== undefined ? { message_reference: m.message_reference } : {}),
    ...(m.webhook_id !== undefined ? { webhook_id: m.webhook_id, application_id: m.webhook_id } : {}),
    ...(m.interaction_id !== undefined
      ? {
          interaction_metadata: {
            id: m.interaction_id,
            type: state.interactions.get(m.interaction_id)?.type ?? 2,
            user: apiUser(state, state.interactions.get(m.interaction_id)?.user_id ?? state.id.botUserId),
            authorizing_integration_owners: { "0": state.id.guildId },
          },
        }
      : {}),
    ...(m.thread !== undefined
      ? (() => {
          const t = state.thread(m.thread.id);
          return t === undefined ? {} : { thread: apiThread(state, t) };
        })()
      : {}),
  };
}

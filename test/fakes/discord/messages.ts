/** Creating and editing messages in the fake's state, with the gateway events Discord sends for them. */
import { IS_COMPONENTS_V2, textDisplays, withIds } from "./components.js";
import { Intent } from "./gateway.js";
import { apiMember, apiMessage } from "./objects.js";
import type { Ctx } from "./routes.js";
import type { DiscordMessage, RestFile, StoredAttachment } from "./types.js";

export const EPHEMERAL = 1 << 6;
export const LOADING = 1 << 7;

// biome-ignore lint/suspicious/noExplicitAny: message JSON as the app sent it
type Body = Record<string, any>;

/**
 * What a message says, for mentions: its content, or for a Components V2 message its text displays
 * ("the reconstructed arrays … are based on the edited content in the components array").
 */
function spokenText(m: Pick<DiscordMessage, "content" | "components" | "flags">): string {
  return ((m.flags ?? 0) & IS_COMPONENTS_V2) !== 0 ? textDisplays(m.components).join("\n") : m.content;
}

/** Components as stored: a V2 message's get the ids Discord fills in; classic ones stay as sent. */
// biome-ignore lint/suspicious/noExplicitAny: component JSON as the app sent it
function storedComponents(components: any[], flags: number | undefined): any[] {
  return ((flags ?? 0) & IS_COMPONENTS_V2) !== 0 ? withIds(components) : components;
}

/** User ids mentioned as <@id> or <@!id> in the content. */
export function mentionsIn(content: string): string[] {
  return [...new Set([...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] as string))];
}

/** New files as attachments; `attachments[i]` metadata (matched by id = file index) supplies descriptions. */
function newAttachments(ctx: Ctx, body: Body, files: RestFile[]): StoredAttachment[] {
  const meta: Body[] = Array.isArray(body.attachments) ? body.attachments : [];
  return files.map((f, index) => {
    const m = meta.find((a) => String(a?.id) === String(index)) ?? {};
    return ctx.state.attachment(typeof m.filename === "string" ? m.filename : f.name, f.bytes, {
      ...(f.contentType !== undefined ? { content_type: f.contentType } : {}),
      ...(typeof m.description === "string" ? { description: m.description } : {}),
    });
  });
}

export interface CreateOpts {
  authorId?: string;
  webhook?: boolean;
  interactionId?: string;
  /** Ephemeral messages are kept out of `messages` and are not dispatched. */
  ephemeral?: boolean;
  flags?: number;
  type?: number;
}

export function createMessage(
  ctx: Ctx,
  channelId: string,
  body: Body,
  files: RestFile[],
  opts: CreateOpts = {},
): DiscordMessage {
  const { state } = ctx;
  const author = state.member(opts.authorId ?? state.id.botUserId);
  const content = typeof body.content === "string" ? body.content : "";
  const flags = opts.flags ?? (typeof body.flags === "number" ? body.flags : 0);
  const m: DiscordMessage = {
    id: state.nextId(),
    channel_id: channelId,
    // A DM channel belongs to no guild.
    ...(state.dmRecipient(channelId) === undefined ? { guild_id: state.id.guildId } : {}),
    author: { id: author.id, username: author.username, ...(author.bot ? { bot: true } : {}) },
    content,
    components: storedComponents(Array.isArray(body.components) ? body.components : [], flags),
    embeds: Array.isArray(body.embeds) ? body.embeds : [],
    attachments: newAttachments(ctx, body, files),
    ...(body.allowed_mentions !== undefined ? { allowed_mentions: body.allowed_mentions } : {}),
    ...(flags !== 0 ? { flags } : {}),
    ...(body.message_reference !== undefined ? { message_reference: body.message_reference } : {}),
    edits: 0,
    type: opts.type ?? (body.message_reference !== undefined ? 19 : 0),
    timestamp: new Date().toISOString(),
    mentions: [],
    ...(opts.webhook === true ? { webhook_id: state.id.applicationId } : {}),
    ...(opts.interactionId !== undefined ? { interaction_id: opts.interactionId } : {}),
  };
  m.mentions = mentionsIn(spokenText(m));
  if (opts.ephemeral === true || (flags & EPHEMERAL) !== 0) {
    state.ephemeral.set(m.id, m);
    return m;
  }
  state.addMessage(m);
  const thread = state.thread(channelId);
  if (thread?.archived && !thread.locked) thread.archived = false;
  dispatchMessage(ctx, "MESSAGE_CREATE", m);
  return m;
}

export function dispatchMessage(ctx: Ctx, t: "MESSAGE_CREATE" | "MESSAGE_UPDATE", m: DiscordMessage): void {
  if (ctx.state.ephemeral.has(m.id)) return;
  if (ctx.state.dmRecipient(m.channel_id) !== undefined) {
    // In a DM: no member, and only for sessions with DIRECT_MESSAGES (content is never withheld there).
    ctx.gateway.dispatch(t, apiMessage(ctx.state, ctx.baseUrl, m), { intent: Intent.DirectMessages });
    return;
  }
  const d = {
    ...apiMessage(ctx.state, ctx.baseUrl, m),
    member: apiMember(ctx.state, m.author.id, false),
  };
  ctx.gateway.dispatch(t, d, {
    intent: Intent.GuildMessages,
    message: { authorId: m.author.id, mentions: m.mentions },
  });
}

/**
 * Applies a PATCH: only the fields present change; `attachments` (if given) lists the ones to keep.
 * EPHEMERAL and IS_COMPONENTS_V2 stay once set (checkEdit refuses an edit dropping the latter).
 */
export function editMessage(ctx: Ctx, m: DiscordMessage, body: Body, files: RestFile[]): DiscordMessage {
  const spoken = spokenText(m);
  if (typeof body.flags === "number")
    m.flags = ((m.flags ?? 0) & (EPHEMERAL | IS_COMPONENTS_V2)) | body.flags;
  if (m.flags !== undefined && (m.flags & LOADING) !== 0) m.flags &= ~LOADING;
  if (typeof body.content === "string") m.content = body.content;
  else if (body.content === null) m.content = "";
  if (Array.isArray(body.components) || body.components === null)
    m.components = storedComponents(body.components ?? [], m.flags);
  if (Array.isArray(body.embeds) || body.embeds === null) m.embeds = body.embeds ?? [];
  if (body.allowed_mentions !== undefined) m.allowed_mentions = body.allowed_mentions;
  if (spokenText(m) !== spoken) m.mentions = mentionsIn(spokenText(m));
  if (Array.isArray(body.attachments)) {
    const keep = new Set(body.attachments.map((a: Body) => String(a?.id)));
    m.attachments = m.attachments.filter((a) => keep.has(a.id));
  }
  m.attachments.push(...newAttachments(ctx, body, files));
  m.edits += 1;
  m.edited_timestamp = new Date().toISOString();
  dispatchMessage(ctx, "MESSAGE_UPDATE", m);
  ctx.state.changed();
  return m;
}

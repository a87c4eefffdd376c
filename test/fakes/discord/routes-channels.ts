/**
 * Channel routes: messages (JSON or multipart), edits, threads, thread membership, typing, reactions.
 * A DM channel takes messages like a text channel, but no threads; posting there fails with 50007
 * while its person does not accept direct messages (FakeDiscord.closedDms).
 */
import { Intent } from "./gateway.js";
import {
  checkEdit,
  checkMessage,
  checkThreadName,
  isEmptyMessage,
  MAX_FILE_BYTES,
  Problems,
} from "./limits.js";
import { createMessage, editMessage } from "./messages.js";
import { apiChannel, apiMessage, apiThread } from "./objects.js";
import {
  apiError,
  type Ctx,
  invalidForm,
  noContent,
  ok,
  type Reply,
  type Req,
  type Route,
  unknownChannel,
  unknownMessage,
} from "./routes.js";
import type { DiscordThread } from "./types.js";

const msg = (ctx: Ctx, m: Parameters<typeof apiMessage>[2]) => apiMessage(ctx.state, ctx.baseUrl, m);

function threadMember(ctx: Ctx, t: DiscordThread) {
  return { id: t.id, user_id: ctx.state.id.botUserId, join_timestamp: t.created_at, flags: 0 };
}

function startThread(ctx: Ctx, t: DiscordThread): Reply {
  ctx.state.addThread(t);
  const body = { ...apiThread(ctx.state, t), member: threadMember(ctx, t) };
  ctx.gateway.dispatch("THREAD_CREATE", { ...body, newly_created: true }, { intent: Intent.Guilds });
  return ok(body, 201);
}

function postMessage(req: Req, ctx: Ctx): Reply {
  const channel = req.params.channel as string;
  if (!ctx.state.hasChannel(channel)) return unknownChannel();
  const recipient = ctx.state.dmRecipient(channel);
  // A person who does not accept DMs from server members, or a bot (bots cannot DM bots).
  if (recipient !== undefined && (ctx.state.closedDms.has(recipient) || ctx.state.member(recipient).bot))
    return apiError(403, 50007, "Cannot send messages to this user");
  const body = req.body ?? {};
  if (req.files.some((f) => f.bytes.length > MAX_FILE_BYTES))
    return apiError(413, 40005, "Request entity too large");
  const problems = checkMessage(body);
  if (problems.count > 0) return invalidForm(problems);
  if (isEmptyMessage(body, req.files.length)) return apiError(400, 50006, "Cannot send an empty message");
  const ref = body.message_reference;
  if (
    ref?.message_id !== undefined &&
    ctx.state.findMessage(ref.channel_id ?? channel, String(ref.message_id)) === undefined
  ) {
    if (ref.fail_if_not_exists !== false) return invalidForm(referenceProblem());
  }
  return ok(msg(ctx, createMessage(ctx, channel, body, req.files)));
}

function referenceProblem(): Problems {
  const p = new Problems();
  p.add(["message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message");
  return p;
}

function patchMessage(req: Req, ctx: Ctx): Reply {
  const m = ctx.state.findMessage(req.params.channel as string, req.params.message as string);
  if (m === undefined) return unknownMessage();
  if (m.author.id !== ctx.state.id.botUserId || m.webhook_id !== undefined)
    return apiError(403, 50005, "Cannot edit a message authored by another user");
  const problems = checkEdit(req.body ?? {}, m);
  if (problems.count > 0) return invalidForm(problems);
  return ok(msg(ctx, editMessage(ctx, m, req.body ?? {}, req.files)));
}

function listMessages(req: Req, ctx: Ctx): Reply {
  const channel = req.params.channel as string;
  if (!ctx.state.hasChannel(channel)) return unknownChannel();
  const limit = Math.min(100, Math.max(1, Number(req.query.get("limit") ?? 50)));
  const before = req.query.get("before");
  const after = req.query.get("after");
  let list = ctx.state.channelMessages(channel);
  if (before !== null) list = list.filter((m) => BigInt(m.id) < BigInt(before));
  if (after !== null) list = list.filter((m) => BigInt(m.id) > BigInt(after));
  const page = after !== null ? list.slice(0, limit) : list.slice(-limit);
  return ok(page.reverse().map((m) => msg(ctx, m)));
}

function deleteMessage(req: Req, ctx: Ctx): Reply {
  const channel = req.params.channel as string;
  const m = ctx.state.findMessage(channel, req.params.message as string);
  if (m === undefined || !ctx.state.removeMessage(m)) return unknownMessage();
  ctx.gateway.dispatch(
    "MESSAGE_DELETE",
    { id: req.params.message, channel_id: channel, guild_id: ctx.state.id.guildId },
    { intent: Intent.GuildMessages },
  );
  return noContent;
}

function threadFromMessage(req: Req, ctx: Ctx): Reply {
  const { state } = ctx;
  const channel = req.params.channel as string;
  if (!state.hasChannel(channel)) return unknownChannel();
  if (!state.isTextChannel(channel))
    return apiError(400, 50024, "Cannot execute action on this channel type");
  const m = state.findMessage(channel, req.params.message as string);
  if (m === undefined || state.ephemeral.has(m.id)) return unknownMessage();
  if (m.thread !== undefined)
    return apiError(400, 160004, "A thread has already been created for this message");
  const problems = checkThreadName(req.body?.name);
  if (problems.count > 0) return invalidForm(problems);
  const name = req.body.name as string;
  m.thread = { id: m.id, name };
  return startThread(ctx, {
    id: m.id,
    parent_id: channel,
    name,
    message_id: m.id,
    owner_id: state.id.botUserId,
    type: 11,
    archived: false,
    locked: false,
    auto_archive_duration: Number(req.body.auto_archive_duration ?? 1440),
    created_at: new Date().toISOString(),
    members: [state.id.botUserId],
  });
}

function threadWithoutMessage(req: Req, ctx: Ctx): Reply {
  const { state } = ctx;
  const channel = req.params.channel as string;
  if (!state.hasChannel(channel)) return unknownChannel();
  if (!state.isTextChannel(channel))
    return apiError(400, 50024, "Cannot execute action on this channel type");
  const problems = checkThreadName(req.body?.name);
  if (problems.count > 0) return invalidForm(problems);
  return startThread(ctx, {
    id: state.nextId(),
    parent_id: channel,
    name: req.body.name as string,
    owner_id: state.id.botUserId,
    type: req.body.type === 11 ? 11 : 12,
    archived: false,
    locked: false,
    auto_archive_duration: Number(req.body.auto_archive_duration ?? 1440),
    created_at: new Date().toISOString(),
    members: [state.id.botUserId],
  });
}

function patchChannel(req: Req, ctx: Ctx): Reply {
  const t = ctx.state.thread(req.params.channel as string);
  if (t === undefined)
    return ctx.state.hasChannel(req.params.channel as string)
      ? ok(apiChannel(ctx.state, req.params.channel as string))
      : unknownChannel();
  const body = req.body ?? {};
  if (body.name !== undefined) {
    const problems = checkThreadName(body.name);
    if (problems.count > 0) return invalidForm(problems);
    t.name = body.name;
  }
  if (typeof body.archived === "boolean") t.archived = body.archived;
  if (typeof body.locked === "boolean") t.locked = body.locked;
  const data = apiThread(ctx.state, t);
  ctx.gateway.dispatch("THREAD_UPDATE", data, { intent: Intent.Guilds });
  ctx.state.changed();
  return ok(data);
}

/** Trigger Typing Indicator: 204, counted per channel (FakeDiscord.typingCount). */
function typing(req: Req, ctx: Ctx): Reply {
  const channel = req.params.channel as string;
  if (!ctx.state.hasChannel(channel)) return unknownChannel();
  ctx.state.typing.set(channel, (ctx.state.typing.get(channel) ?? 0) + 1);
  ctx.state.changed();
  return noContent;
}

function joinThread(join: boolean) {
  return (req: Req, ctx: Ctx): Reply => {
    const t = ctx.state.thread(req.params.channel as string);
    if (t === undefined) return unknownChannel();
    const me = ctx.state.id.botUserId;
    if (join && !t.members.includes(me)) t.members.push(me);
    if (!join) t.members = t.members.filter((id) => id !== me);
    return noContent;
  };
}

function react(add: boolean) {
  return (req: Req, ctx: Ctx): Reply => {
    const { state } = ctx;
    const channel = req.params.channel as string;
    const m = state.findMessage(channel, req.params.message as string);
    if (m === undefined) return unknownMessage();
    const emoji = req.params.emoji as string;
    const at = state.reactions.findIndex(
      (r) => r.message_id === m.id && r.emoji === emoji && r.user_id === state.id.botUserId,
    );
    if (add && at < 0)
      state.reactions.push({ channel_id: channel, message_id: m.id, emoji, user_id: state.id.botUserId });
    if (!add && at >= 0) state.reactions.splice(at, 1);
    const d = {
      user_id: state.id.botUserId,
      channel_id: channel,
      message_id: m.id,
      guild_id: state.id.guildId,
      emoji: { id: null, name: emoji },
    };
    ctx.gateway.dispatch(add ? "MESSAGE_REACTION_ADD" : "MESSAGE_REACTION_REMOVE", d, {
      intent: Intent.GuildMessageReactions,
    });
    return noContent;
  };
}

const C = "/channels/:channel";
const M = `${C}/messages/:message`;

export const channelRoutes: Route[] = [
  {
    method: "GET",
    pattern: C,
    auth: true,
    handler: (r, c) => {
      const ch = apiChannel(c.state, r.params.channel as string);
      return ch === undefined ? unknownChannel() : ok(ch);
    },
  },
  { method: "PATCH", pattern: C, auth: true, handler: patchChannel },
  { method: "GET", pattern: `${C}/messages`, auth: true, handler: listMessages },
  { method: "POST", pattern: `${C}/messages`, auth: true, handler: postMessage },
  {
    method: "GET",
    pattern: M,
    auth: true,
    handler: (r, c) => {
      const m = c.state.findMessage(r.params.channel as string, r.params.message as string);
      return m === undefined ? unknownMessage() : ok(msg(c, m));
    },
  },
  { method: "PATCH", pattern: M, auth: true, handler: patchMessage },
  { method: "DELETE", pattern: M, auth: true, handler: deleteMessage },
  { method: "POST", pattern: `${M}/threads`, auth: true, handler: threadFromMessage },
  { method: "POST", pattern: `${C}/threads`, auth: true, handler: threadWithoutMessage },
  { method: "PUT", pattern: `${C}/thread-members/@me`, auth: true, handler: joinThread(true) },
  { method: "DELETE", pattern: `${C}/thread-members/@me`, auth: true, handler: joinThread(false) },
  { method: "POST", pattern: `${C}/typing`, auth: true, handler: typing },
  { method: "PUT", pattern: `${M}/reactions/:emoji/@me`, auth: true, handler: react(true) },
  { method: "DELETE", pattern: `${M}/reactions/:emoji/@me`, auth: true, handler: react(false) },
];

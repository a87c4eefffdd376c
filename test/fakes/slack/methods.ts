/**
 * Web API methods: auth, chat, reactions, users, conversations, Socket Mode's connections.open.
 * Posts go to any channel but an IM ("D…") the app has not opened (conversations.open, methods-im.ts).
 */
import { checkMessage } from "./limits.js";
import type { SlackState } from "./state.js";
import type { SlackMessage } from "./types.js";

export type Args = Record<string, unknown>;
export type Result = Record<string, unknown>;

export interface MethodContext {
  state: SlackState;
  /** Issues a single-use Socket Mode ticket and returns its ws:// URL. */
  openSocketUrl(): string;
  /** Base of the fake's HTTP server, e.g. "http://127.0.0.1:1234". */
  baseUrl: string;
}

export type Method = (args: Args, ctx: MethodContext) => Result;

export const fail = (error: string, extra: Result = {}): Result => ({ ok: false, error, ...extra });

export function str(value: unknown): string | undefined {
  if (typeof value === "string" && value.length > 0) return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/** The message as Slack's API returns it. */
export function toSlackMessage(m: SlackMessage, state: SlackState): Result {
  return {
    type: "message",
    ...(m.bot_id !== undefined ? { bot_id: m.bot_id, app_id: state.id.appId } : {}),
    user: m.user,
    text: m.text,
    ts: m.ts,
    team: state.id.teamId,
    ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}),
    ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
    ...(m.files !== undefined ? { files: m.files } : {}),
    ...(m.edits > 0 ? { edited: { user: m.user, ts: m.ts } } : {}),
  };
}

function hasContent(args: Args): boolean {
  return typeof args.text === "string" || Array.isArray(args.blocks) || Array.isArray(args.attachments);
}

const postMessage: Method = (args, { state }) => {
  const channel = str(args.channel);
  if (channel === undefined) return fail("channel_not_found");
  const unusable = state.channelProblem(channel);
  if (unusable) return fail(unusable);
  if (!hasContent(args)) return fail("no_text");
  const limit = checkMessage(args);
  if (limit) return fail(limit.error, limit.errors ? { errors: limit.errors } : {});
  const threadTs = str(args.thread_ts);
  const message: SlackMessage = {
    channel,
    ts: state.nextTs(),
    ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
    text: typeof args.text === "string" ? args.text : "",
    ...(Array.isArray(args.blocks) ? { blocks: args.blocks as unknown[] } : {}),
    user: state.id.botUserId,
    bot_id: state.id.botId,
    edits: 0,
  };
  state.messages.push(message);
  return { ok: true, channel, ts: message.ts, message: toSlackMessage(message, state) };
};

const update: Method = (args, { state }) => {
  const channel = str(args.channel);
  const ts = str(args.ts);
  if (channel === undefined) return fail("channel_not_found");
  const message = ts === undefined ? undefined : state.findMessage(channel, ts);
  if (message === undefined) return fail("message_not_found");
  if (message.user !== state.id.botUserId) return fail("cant_update_message");
  if (!hasContent(args)) return fail("no_text");
  const limit = checkMessage(args);
  if (limit) return fail(limit.error, limit.errors ? { errors: limit.errors } : {});
  if (typeof args.text === "string") message.text = args.text;
  if (Array.isArray(args.blocks)) {
    if (args.blocks.length > 0) message.blocks = args.blocks as unknown[];
    else delete message.blocks;
  }
  message.edits += 1;
  return { ok: true, channel, ts: message.ts, text: message.text, message: toSlackMessage(message, state) };
};

const remove: Method = (args, { state }) => {
  const channel = str(args.channel);
  const ts = str(args.ts);
  const index = state.messages.findIndex((m) => m.channel === channel && m.ts === ts);
  if (index < 0) return fail("message_not_found");
  state.messages.splice(index, 1);
  return { ok: true, channel, ts };
};

const postEphemeral: Method = (args, { state }) => {
  const channel = str(args.channel);
  const user = str(args.user);
  if (channel === undefined) return fail("channel_not_found");
  if (user === undefined) return fail("user_not_in_channel");
  if (!hasContent(args)) return fail("no_text");
  const limit = checkMessage(args);
  if (limit) return fail(limit.error, limit.errors ? { errors: limit.errors } : {});
  const threadTs = str(args.thread_ts);
  state.ephemerals.push({
    channel,
    user,
    text: typeof args.text === "string" ? args.text : "",
    ...(Array.isArray(args.blocks) ? { blocks: args.blocks as unknown[] } : {}),
    ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
  });
  return { ok: true, message_ts: state.nextTs() };
};

const getPermalink: Method = (args) => {
  const channel = str(args.channel);
  const ts = str(args.message_ts);
  if (channel === undefined) return fail("channel_not_found");
  if (ts === undefined) return fail("message_not_found");
  return { ok: true, channel, permalink: `https://fake.slack/archives/${channel}/p${ts.replace(".", "")}` };
};

const reactionsAdd: Method = (args, { state }) => {
  const channel = str(args.channel);
  const timestamp = str(args.timestamp);
  const name = str(args.name);
  if (channel === undefined) return fail("channel_not_found");
  if (timestamp === undefined) return fail("message_not_found");
  if (name === undefined) return fail("invalid_name");
  const exists = state.reactions.some(
    (r) => r.channel === channel && r.timestamp === timestamp && r.name === name,
  );
  if (exists) return fail("already_reacted");
  state.reactions.push({ channel, timestamp, name });
  return { ok: true };
};

const reactionsRemove: Method = (args, { state }) => {
  const index = state.reactions.findIndex(
    (r) =>
      r.channel === str(args.channel) && r.timestamp === str(args.timestamp) && r.name === str(args.name),
  );
  if (index < 0) return fail("no_reaction");
  state.reactions.splice(index, 1);
  return { ok: true };
};

const usersInfo: Method = (args, { state }) => {
  const id = str(args.user);
  if (id === undefined) return fail("user_not_found");
  const u = state.user(id);
  return {
    ok: true,
    user: {
      id: u.id,
      team_id: state.id.teamId,
      name: u.name,
      real_name: u.real_name,
      is_bot: u.is_bot,
      deleted: false,
      profile: { display_name: u.display_name, real_name: u.real_name },
    },
  };
};

const conversationsInfo: Method = (args) => {
  const id = str(args.channel);
  if (id === undefined) return fail("channel_not_found");
  return {
    ok: true,
    channel: {
      id,
      name: id.startsWith("D") ? undefined : `channel-${id.toLowerCase()}`,
      is_channel: id.startsWith("C"),
      is_group: id.startsWith("G"),
      is_im: id.startsWith("D"),
      is_private: id.startsWith("G"),
      is_member: true,
      is_archived: false,
    },
  };
};

const conversationsReplies: Method = (args, { state }) => {
  const channel = str(args.channel);
  const ts = str(args.ts);
  if (channel === undefined) return fail("channel_not_found");
  if (ts === undefined) return fail("thread_not_found");
  const thread = state.messages.filter((m) => m.channel === channel && (m.ts === ts || m.thread_ts === ts));
  return { ok: true, messages: thread.map((m) => toSlackMessage(m, state)), has_more: false };
};

const conversationsHistory: Method = (args, { state }) => {
  const channel = str(args.channel);
  if (channel === undefined) return fail("channel_not_found");
  const top = state.messages.filter((m) => m.channel === channel && m.thread_ts === undefined);
  return { ok: true, messages: top.reverse().map((m) => toSlackMessage(m, state)), has_more: false };
};

const authTest: Method = (_args, { state }) => ({
  ok: true,
  url: `https://${state.id.teamDomain}.fake.slack/`,
  team: "Fake Team",
  team_id: state.id.teamId,
  user: "bridge-bot",
  user_id: state.id.botUserId,
  bot_id: state.id.botId,
  is_enterprise_install: false,
});

const connectionsOpen: Method = (_args, ctx) => ({ ok: true, url: ctx.openSocketUrl() });

export const coreMethods: Record<string, Method> = {
  "auth.test": authTest,
  "apps.connections.open": connectionsOpen,
  "chat.postMessage": postMessage,
  "chat.update": update,
  "chat.delete": remove,
  "chat.postEphemeral": postEphemeral,
  "chat.getPermalink": getPermalink,
  "reactions.add": reactionsAdd,
  "reactions.remove": reactionsRemove,
  "users.info": usersInfo,
  "conversations.info": conversationsInfo,
  "conversations.replies": conversationsReplies,
  "conversations.history": conversationsHistory,
};

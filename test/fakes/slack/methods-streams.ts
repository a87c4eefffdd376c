/**
 * Web API: streamed messages, chat.startStream / chat.appendStream / chat.stopStream.
 *
 * Sources (checked 2026): the installed typings, @slack/web-api 8.2.0
 * (dist/types/request/chat.d.ts: ChatStartStreamArguments, ChatAppendStreamArguments,
 * ChatStopStreamArguments; dist/types/response/Chat{Start,Append,Stop}StreamResponse.d.ts;
 * dist/chat-stream.js, the ChatStreamer behind `client.chatStream()`) and @slack/types 3.2.0
 * (dist/chunk.d.ts: the markdown_text, task_update, plan_update and blocks chunks); the reference
 * pages docs.slack.dev/reference/methods/chat.startStream, chat.appendStream, chat.stopStream
 * (arguments, limits, tiers) and their error lists as mirrored in slack_kit's
 * priv/docs/methods/chat.*Stream.json (github.com/smstoslack/slack_kit, May 2026).
 *
 * The rules:
 * - startStream makes one message from the bot in the thread `thread_ts` (required by the typings
 *   and the error list; missing → `invalid_arguments`) and answers `{channel, ts}`. Outside a DM
 *   ("D…") it needs `recipient_user_id` and `recipient_team_id` ("Required when streaming to
 *   channels": `missing_recipient_user_id` / `missing_recipient_team_id`). markdown_text and chunks
 *   are both optional: ChatStreamer.stop() starts a stream with neither.
 * - appendStream adds to that message only; it needs markdown_text or chunks (`no_text`).
 * - stopStream finalizes it (markdown_text, chunks, blocks rendered at the bottom, metadata,
 *   session_status). After it, appendStream and stopStream answer `message_not_in_streaming_state`.
 *   After the user's Stop button (agent_session_stopped), appendStream answers `stopped_by_user` (its
 *   documented error) while stopStream still finalizes once: the event's page tells apps to move the
 *   session out of "processing" "using either agents.sessions.setStatus or chat.stopStream".
 * - An unknown ts is `message_not_found`; someone else's message `message_not_owned_by_app`; the
 *   bot's ordinary message `message_not_in_streaming_state`.
 * - markdown_text is limited to 12,000 characters, per argument and per markdown_text chunk
 *   (`msg_too_long`, the per-chunk error a live probe reported; the pages give only the limit).
 * - A chunk that is not one of the four types of chunk.d.ts, or lacks their required fields, is
 *   `invalid_chunks` (the `errors` list is the fake's wording). Blocks in chunks count against one
 *   limit of 50 per message, stopStream's `blocks` against another 50 (`msg_blocks_too_many`).
 * Not modelled: how Slack renders tasks and plans, the stream's lifetime (see FakeSlack.expireStream).
 */
import { checkBlocks, MAX_MESSAGE_BLOCKS } from "./limits.js";
import { type Args, fail, type Method, type Result, str, toSlackMessage } from "./methods.js";
import { type SlackState, threadKey } from "./state.js";
import type { SlackMessage, StreamedMessage, StreamTask } from "./types.js";

export const MAX_MARKDOWN_TEXT = 12_000;
const TASK_STATUSES = new Set(["pending", "in_progress", "complete", "error"]);
/** docs.slack.dev lists timeline and plan; slack_kit's copy of the page (May 2026) adds dense. */
const TASK_DISPLAY_MODES = new Set(["timeline", "plan", "dense"]);
/** The agent session statuses (agents.sessions.setStatus, and chat.stopStream's session_status). */
export const SESSION_STATUSES = new Set(["active", "processing", "suspended", "closed"]);
const USER_ID = /^[UW][A-Z0-9]{2,}$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Slack's answer to a call without a required argument. */
export function missingArgument(name: string): Result {
  return fail("invalid_arguments", {
    response_metadata: { messages: [`[ERROR] missing required field: ${name}`] },
  });
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** Problems with one chunk, as in @slack/types chunk.d.ts. */
function chunkProblems(chunk: unknown, where: string): string[] {
  if (!isObject(chunk) || typeof chunk.type !== "string")
    return [`${where}: must be a chunk object with a type`];
  const problems: string[] = [];
  switch (chunk.type) {
    case "markdown_text":
      if (typeof chunk.text !== "string") problems.push(`${where}.text: required string`);
      break;
    case "task_update": {
      if (!nonEmpty(chunk.id)) problems.push(`${where}.id: required string`);
      if (!nonEmpty(chunk.title)) problems.push(`${where}.title: required string`);
      if (typeof chunk.status !== "string" || !TASK_STATUSES.has(chunk.status)) {
        problems.push(`${where}.status: one of pending, in_progress, complete, error`);
      }
      for (const key of ["details", "output"] as const) {
        if (chunk[key] !== undefined && typeof chunk[key] !== "string")
          problems.push(`${where}.${key}: string`);
      }
      if (chunk.sources !== undefined) {
        if (!Array.isArray(chunk.sources)) problems.push(`${where}.sources: array`);
        else
          chunk.sources.forEach((s, i) => {
            if (!isObject(s) || s.type !== "url" || !nonEmpty(s.url) || !nonEmpty(s.text)) {
              problems.push(`${where}.sources[${i}]: {type: "url", url, text}`);
            }
          });
      }
      break;
    }
    case "plan_update":
      if (!nonEmpty(chunk.title)) problems.push(`${where}.title: required string`);
      break;
    case "blocks": {
      if (!Array.isArray(chunk.blocks)) {
        problems.push(`${where}.blocks: required array`);
        break;
      }
      const invalid = checkBlocks(chunk.blocks, Number.POSITIVE_INFINITY);
      for (const e of invalid?.errors ?? []) problems.push(`${where}.blocks${e}`);
      break;
    }
    default:
      problems.push(`${where}.type: unknown chunk type "${chunk.type}"`);
  }
  return problems;
}

function blocksIn(chunks: Json[]): number {
  return chunks.reduce(
    (n, c) => n + (c.type === "blocks" && Array.isArray(c.blocks) ? c.blocks.length : 0),
    0,
  );
}

/**
 * The chunks a call adds (its markdown_text first, as a markdown_text chunk), or Slack's error.
 * `stream` is the message being added to (for the 50-block limit of chunks), if any.
 */
function contentOf(args: Args, stream: StreamedMessage | undefined): Json[] | Result {
  const added: Json[] = [];
  if (args.markdown_text !== undefined) {
    if (typeof args.markdown_text !== "string") return fail("invalid_arguments");
    if (args.markdown_text.length > MAX_MARKDOWN_TEXT) return fail("msg_too_long");
    if (args.markdown_text.length > 0) added.push({ type: "markdown_text", text: args.markdown_text });
  }
  if (args.chunks !== undefined) {
    if (!Array.isArray(args.chunks)) return fail("invalid_chunks", { errors: ["chunks: must be an array"] });
    const problems = args.chunks.flatMap((c, i) => chunkProblems(c, `chunks[${i}]`));
    if (problems.length > 0) return fail("invalid_chunks", { errors: problems });
    const chunks = args.chunks as Json[];
    if (chunks.some((c) => c.type === "markdown_text" && (c.text as string).length > MAX_MARKDOWN_TEXT)) {
      return fail("msg_too_long");
    }
    const streamed = stream === undefined ? 0 : blocksIn(stream.chunks);
    if (streamed + blocksIn(chunks) > MAX_MESSAGE_BLOCKS) return fail("msg_blocks_too_many");
    added.push(...structuredClone(chunks));
  }
  return added;
}

function isError(value: Json[] | Result): value is Result {
  return !Array.isArray(value);
}

function apply(message: SlackMessage, stream: StreamedMessage, chunks: Json[]): void {
  for (const chunk of chunks) {
    stream.chunks.push(chunk);
    if (chunk.type === "markdown_text") stream.markdown += chunk.text as string;
    else if (chunk.type === "plan_update") stream.plan = chunk.title as string;
    else if (chunk.type === "blocks")
      message.blocks = [...(message.blocks ?? []), ...(chunk.blocks as unknown[])];
    else if (chunk.type === "task_update") {
      const { type: _type, ...fields } = chunk;
      const update = fields as unknown as StreamTask;
      stream.taskUpdates.push(update);
      stream.tasks[update.id] = { ...stream.tasks[update.id], ...update };
    }
  }
  message.text = stream.markdown;
}

const startStream: Method = (args, { state }) => {
  const channel = str(args.channel);
  if (channel === undefined) return fail("channel_not_found");
  const unusable = state.channelProblem(channel);
  if (unusable) return fail(unusable);
  const threadTs = str(args.thread_ts);
  if (threadTs === undefined) return missingArgument("thread_ts");
  const recipientUser = str(args.recipient_user_id);
  const recipientTeam = str(args.recipient_team_id);
  if (!channel.startsWith("D")) {
    if (recipientUser === undefined) return fail("missing_recipient_user_id");
    if (recipientTeam === undefined) return fail("missing_recipient_team_id");
  }
  if (recipientUser !== undefined && !USER_ID.test(recipientUser)) return fail("user_not_found");
  const mode = args.task_display_mode === undefined ? "timeline" : str(args.task_display_mode);
  if (mode === undefined || !TASK_DISPLAY_MODES.has(mode)) return fail("invalid_arguments");
  const content = contentOf(args, undefined);
  if (isError(content)) return content;
  const ts = state.nextTs();
  const stream: StreamedMessage = {
    channel,
    ts,
    thread_ts: threadTs,
    state: "streaming",
    markdown: "",
    tasks: {},
    taskUpdates: [],
    chunks: [],
    task_display_mode: mode,
    ...(recipientUser !== undefined ? { recipient_user_id: recipientUser } : {}),
    ...(recipientTeam !== undefined ? { recipient_team_id: recipientTeam } : {}),
    appends: 0,
  };
  const message: SlackMessage = {
    channel,
    ts,
    thread_ts: threadTs,
    text: "",
    user: state.id.botUserId,
    bot_id: state.id.botId,
    edits: 0,
    stream,
  };
  apply(message, stream, content);
  state.messages.push(message);
  return { ok: true, channel, ts };
};

/** The streamed message `args` address, or Slack's error for it. */
function target(
  args: Args,
  state: SlackState,
): { message: SlackMessage; stream: StreamedMessage } | { error: Result } {
  const channel = str(args.channel);
  if (channel === undefined) return { error: fail("channel_not_found") };
  const ts = str(args.ts);
  if (ts === undefined) return { error: missingArgument("ts") };
  const message = state.findMessage(channel, ts);
  if (message === undefined) return { error: fail("message_not_found") };
  if (message.user !== state.id.botUserId) return { error: fail("message_not_owned_by_app") };
  if (message.stream === undefined) return { error: fail("message_not_in_streaming_state") };
  return { message, stream: message.stream };
}

const appendStream: Method = (args, { state }) => {
  const found = target(args, state);
  if ("error" in found) return found.error;
  const { message, stream } = found;
  if (stream.state === "stopped_by_user") return fail("stopped_by_user");
  if (stream.state !== "streaming") return fail("message_not_in_streaming_state");
  const hasChunks = Array.isArray(args.chunks) && args.chunks.length > 0;
  if (!hasChunks && (typeof args.markdown_text !== "string" || args.markdown_text === "")) {
    return args.chunks === undefined || Array.isArray(args.chunks)
      ? fail("no_text")
      : fail("invalid_chunks", { errors: ["chunks: must be an array"] });
  }
  const content = contentOf(args, stream);
  if (isError(content)) return content;
  apply(message, stream, content);
  stream.appends += 1;
  return { ok: true, channel: stream.channel, ts: stream.ts };
};

function metadataProblem(metadata: unknown): string | undefined {
  if (metadata === undefined) return undefined;
  if (!isObject(metadata)) return "invalid_metadata_format";
  if (!nonEmpty(metadata.event_type) || !isObject(metadata.event_payload)) return "invalid_metadata_schema";
  return undefined;
}

const stopStream: Method = (args, { state }) => {
  const found = target(args, state);
  if ("error" in found) return found.error;
  const { message, stream } = found;
  if (stream.state !== "streaming" && stream.state !== "stopped_by_user") {
    return fail("message_not_in_streaming_state");
  }
  const sessionStatus = args.session_status === undefined ? undefined : str(args.session_status);
  if (
    args.session_status !== undefined &&
    (sessionStatus === undefined || !SESSION_STATUSES.has(sessionStatus))
  ) {
    return fail("invalid_arguments");
  }
  const content = contentOf(args, stream);
  if (isError(content)) return content;
  if (args.blocks !== undefined) {
    if (Array.isArray(args.blocks) && args.blocks.length > MAX_MESSAGE_BLOCKS)
      return fail("msg_blocks_too_many");
    const invalid = checkBlocks(args.blocks, MAX_MESSAGE_BLOCKS);
    if (invalid) return fail(invalid.error, invalid.errors ? { errors: invalid.errors } : {});
  }
  const metadata = metadataProblem(args.metadata);
  if (metadata) return fail(metadata);
  apply(message, stream, content);
  // "any blocks in the blocks array will be rendered after anything passed via chunks or markdown_text"
  if (Array.isArray(args.blocks))
    message.blocks = [...(message.blocks ?? []), ...structuredClone(args.blocks)];
  if (isObject(args.metadata)) stream.metadata = structuredClone(args.metadata);
  stream.state = "stopped";
  if (sessionStatus !== undefined)
    setSessionStatus(state, stream.channel, stream.thread_ts, sessionStatus, "chat.stopStream");
  return { ok: true, channel: stream.channel, ts: stream.ts, message: toSlackMessage(message, state) };
};

/** Creates the thread's agent session if needed and records a status (agents.sessions.setStatus too). */
export function setSessionStatus(
  state: SlackState,
  channel: string,
  threadTs: string,
  status: string,
  via: "agents.sessions.setStatus" | "chat.stopStream",
  create: { title?: string; initiator_user_id?: string } = {},
): void {
  const key = threadKey(channel, threadTs);
  let session = state.agentSessions.get(key);
  if (session === undefined) {
    session = { channel, thread_ts: threadTs, ...create, status, statuses: [] };
    state.agentSessions.set(key, session);
  }
  session.status = status;
  session.statuses.push({ status, via, at: Date.now() });
}

export const streamMethods: Record<string, Method> = {
  "chat.startStream": startStream,
  "chat.appendStream": appendStream,
  "chat.stopStream": stopStream,
};

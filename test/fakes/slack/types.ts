/** Public types of the fake Slack. */
import type { SlackRateLimitProfile } from "./rate-limits.js";

export interface FakeSlackOptions {
  /** Default "T0001". */
  teamId?: string;
  /** Default "UBOT". */
  botUserId?: string;
  /** Default "BBOT". */
  botId?: string;
  /** Default "xoxb-test". */
  botToken?: string;
  /** Default "xapp-test". */
  appToken?: string;
  /** Default "test-secret". */
  signingSecret?: string;
  /**
   * Enforce Slack's documented Web API rate limits (see rate-limits.ts): `true` for the documented
   * numbers, a profile to override them. Default off. `FakeSlack.setRateLimits` switches at runtime.
   */
  rateLimits?: boolean | SlackRateLimitProfile;
  /**
   * The bot token's scopes (a manifest's `oauth_config.scopes.bot`). Given, a method that needs a
   * scope the token lacks answers `{ok: false, error: "missing_scope", needed, provided}` (see
   * scopes.ts for the methods checked). Default: not checked, as if every scope were granted.
   */
  scopes?: readonly string[];
  /**
   * The bot events the app subscribes to (a manifest's `settings.event_subscriptions.bot_events`).
   * Given without `agent_session_stopped`, agents.sessions.setStatus answers with Slack's
   * `missing_agent_session_stopped_event_subscription` warning. Default: not checked.
   */
  botEvents?: readonly string[];
}

/** The app's direct messages with one person: their IM, and what was posted and shared in it. */
export interface DirectMessages {
  /** The IM's id ("D…"), once conversations.open opened it; undefined before. */
  channel: string | undefined;
  messages: SlackMessage[];
  files: UploadedFile[];
}

export interface ApiCall {
  method: string;
  /** Request arguments; JSON-encoded form fields (blocks, view, files…) parsed back; `token` removed. */
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
  /** Set when an injected fault answered this call instead of the handler. */
  fault?: Fault;
  /** Set when the enforced rate limits answered 429 instead of the handler: the Retry-After sent. */
  rateLimited?: number;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
  user: string;
  bot_id?: string;
  edits: number;
  files?: unknown[];
  /** Set on a message made by chat.startStream: what was streamed into it (methods-streams.ts). */
  stream?: StreamedMessage;
}

/**
 * Where a streamed message is: `streaming` until chat.stopStream (`stopped`), the user's Stop
 * button (`stopped_by_user`, see FakeSlack.sendAgentSessionStopped) or `FakeSlack.expireStream`
 * (`expired`, as Slack ends a stream that ran too long).
 */
export type StreamState = "streaming" | "stopped" | "stopped_by_user" | "expired";

/** A task card's latest state: every field as the last task_update with its id gave it. */
export interface StreamTask {
  id: string;
  title: string;
  status: "pending" | "in_progress" | "complete" | "error";
  details?: string;
  output?: string;
  sources?: { type: "url"; url: string; text: string }[];
}

/** What chat.startStream / appendStream / stopStream put into one message. */
export interface StreamedMessage {
  channel: string;
  ts: string;
  thread_ts: string;
  state: StreamState;
  /** All markdown streamed so far (`markdown_text` arguments and `markdown_text` chunks), joined. */
  markdown: string;
  /** Each task by id, at its latest update. */
  tasks: Record<string, StreamTask>;
  /** Every task_update in the order it arrived. */
  taskUpdates: StreamTask[];
  /** The latest plan_update title. */
  plan?: string;
  /** Every chunk applied, in order; a `markdown_text` argument is recorded as a markdown_text chunk. */
  chunks: Record<string, unknown>[];
  /** chat.startStream's task_display_mode (default "timeline"). */
  task_display_mode: string;
  recipient_user_id?: string;
  recipient_team_id?: string;
  /** chat.stopStream's metadata. */
  metadata?: Record<string, unknown>;
  /** Successful chat.appendStream calls. */
  appends: number;
}

/** One assistant.threads.setStatus call; `status: ""` clears the status. */
export interface AssistantStatus {
  status: string;
  loading_messages?: string[];
  at: number;
}

/** An agent session (docs.slack.dev/ai/agent-sessions), scoped to one thread. */
export interface AgentSession {
  channel: string;
  thread_ts: string;
  /** Given when the session was created; later titles are ignored, as Slack ignores them. */
  title?: string;
  initiator_user_id?: string;
  /** The latest status ("active", "processing", "suspended" or "closed"). */
  status: string;
  /** Every status set, in order, and which method set it. */
  statuses: { status: string; via: "agents.sessions.setStatus" | "chat.stopStream"; at: number }[];
}

export interface Ephemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
}

export interface UploadedFile {
  id: string;
  filename: string;
  title?: string;
  bytes: Buffer;
  channel_id?: string;
  thread_ts?: string;
  initial_comment?: string;
}

export interface OpenedView {
  trigger_id: string;
  // biome-ignore lint/suspicious/noExplicitAny: Block Kit view JSON as the app sent it; tests dig into it freely
  view: any;
  /** The id the fake gave the view ("V0001"); views.update / views.push address it. */
  id: string;
}

export interface Reaction {
  channel: string;
  timestamp: string;
  name: string;
}

/** A POST the app made to a `response_url` the fake handed out (Bolt's `respond()`). */
export interface ResponseUrlPost {
  /** The response_url that was posted to. */
  url: string;
  body: Record<string, unknown>;
  at: number;
}

export type Fault =
  | { status: 429; retryAfter: number }
  | { status: 500 | 502 | 503 }
  | { drop: true }
  /**
   * HTTP 200 with `{ok: false, error: slackError}`. With `echoToken`, its `response_metadata`
   * carries an `[ERROR]` message quoting the token the call was made with (as a proxy or gateway in
   * front of Slack might): the Web API client logs such messages.
   */
  | { slackError: string; echoToken?: boolean }
  /** The call succeeds (and shows at once), but its answer reaches the client `delayMs` later. */
  | { slowReplyMs: number };

export interface DeliveryOpts {
  retryAttempt?: number;
  retryReason?: string;
  /** Reuse an envelope id to simulate a duplicate delivery. */
  envelopeId?: string;
  /** HTTP mode: shift X-Slack-Request-Timestamp by this many seconds (negative = in the past). */
  timestampSkewSeconds?: number;
  /** HTTP mode: sign with the wrong secret. */
  badSignature?: boolean;
  /** Default 5000. */
  ackTimeoutMs?: number;
}

export interface Ack {
  envelope_id: string;
  /** Socket Mode ack payload, or the parsed HTTP response body (undefined when empty). */
  // biome-ignore lint/suspicious/noExplicitAny: whatever the app acked with (response_action, text, blocks…)
  payload?: any;
  /** HTTP mode only. */
  status?: number;
}

export interface FakeUser {
  id: string;
  name: string;
  real_name: string;
  display_name: string;
  is_bot: boolean;
}

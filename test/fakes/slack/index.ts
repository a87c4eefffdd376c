/**
 * A fake Slack on 127.0.0.1 for end-to-end tests: the real `@slack/bolt` App talks to it unmodified
 * (`clientOptions: {slackApiUrl: fake.apiUrl}`), over Socket Mode or signed HTTP deliveries.
 *
 * Bolt notes (measured against this fake, Bolt 5.1 / socket-mode 3.1 / web-api 8.2):
 * - Start the fake before constructing the App (the constructor calls auth.test).
 * - Stop the App before the fake. `app.stop()` does not wait for the socket; the fake's `stop()`
 *   closes sockets with a close handshake, which lets socket-mode clear its 30 s close timer. To
 *   wait for the socket yourself: `await receiver.client.disconnect()` (SocketModeReceiver.client).
 *   If the fake stops first, Bolt reconnects after a delay and crashes on the refused connection.
 * - After `refresh_requested` or a dropped socket, socket-mode waits `clientPingTimeout` (default
 *   5000 ms) times the attempt number before reconnecting; pass a SocketModeReceiver with a small
 *   `clientPingTimeout` to make reconnect tests fast.
 * - An empty `ack()` arrives as `payload: {}` over Socket Mode and as no payload over HTTP.
 *
 * Typed text (typed.ts): `sendSlashCommand({text})` and `sendEvent({text})` take what the user typed
 * and deliver it as Slack does, `& < >` escaped; mentions, channels and links the Slack client makes
 * are `slackEntity.user("U1")`, `.channel`, `.link`, `.broadcast`, `.subteam`, `.date` parts
 * (`["hi ", slackEntity.user("U1")]`, or the `slackTyped` tag), delivered in angle brackets.
 * A `message` event in a thread gets `parent_user_id` (who posted the thread's first message: the
 * bot, for a thread under a message the app posted) unless the test gives one, as Slack sends it.
 *
 * Rate limits (off by default; `FakeSlack.start({rateLimits: true})` or `fake.setRateLimits(true)`):
 * Slack's documented limits, "per API method per app per workspace", as token buckets (capacity =
 * burst, refilled continuously): Tier 2 20/min, Tier 3 50/min, Tier 4 100/min (capacity 20 / 50 /
 * 100); chat.postMessage 1 per second per channel with bursts of 3, and 30 burst / 5 per second
 * (300/min) across the workspace. Tiers: chat.update/delete, reactions.*, conversations.* (open too) → T3;
 * chat.postEphemeral/getPermalink, views.*, files.*External, users.info, auth.test → T4; unknown
 * methods T3; apps.connections.open and the upload URL are not limited. Over a limit: HTTP 429,
 * `Retry-After: <whole seconds ≥ 1>`, `{"ok":false,"error":"ratelimited"}`, and the call is not
 * applied. Pass a profile (`SlackRateLimitProfile`) for tiny buckets or a clock.
 * `fake.rateLimitStats()` → `{limited, calls}` per method (always counted); `resetRateLimitStats()`.
 *
 * Direct messages (methods-im.ts): `conversations.open({users})` opens the app's IM ("D…") with one
 * person the fake knows (added with `addUser`, or seen running a command, posting, clicking or
 * submitting a form); anyone else is `user_not_found`, the bot itself `cannot_dm_bot`. Posts and
 * file shares reach an IM only once it is open. `fake.directMessages(user)` reads one person's IM.
 * Scopes (off by default; `FakeSlack.start({scopes: [...]})`): a method called without the scope
 * it needs answers `missing_scope` (scopes.ts), e.g. conversations.open without `im:write`.
 *
 * Agent surfaces (methods-streams.ts, methods-agents.ts, where each rule's source is noted):
 * - chat.startStream / appendStream / stopStream make one streamed message in a thread; it is in
 *   `messages` and `thread()` like any reply, its `text` the markdown streamed so far, and
 *   `fake.stream(channel, ts)` (or `fake.streams(channel, threadTs)`) reads what was streamed: the
 *   markdown, each task by id at its latest update, the plan title, every chunk, and its state
 *   (`streaming`, `stopped`, `stopped_by_user`, `expired`). `fake.expireStream(channel, ts)` ends a
 *   stream as Slack does one that ran too long. Tiers: start and stop 2, append 4.
 * - assistant.threads.setStatus: `fake.assistantStatuses(channel, threadTs)` is every status set
 *   there, in order ("" clears); `fake.assistantStatus(channel, threadTs)` the current one.
 * - agents.sessions.setStatus (and stopStream's session_status): `fake.agentSession(channel,
 *   threadTs)`, its title, current status and every status set.
 * - The native Stop button: `fake.sendAgentSessionStopped({user, channel, thread_ts})` stops the
 *   app's streams in the thread and delivers Slack's `agent_session_stopped` event (Socket Mode or
 *   HTTP). Slack shows Stop only while the thread's agent session is `processing`; pressing it
 *   otherwise throws, unless `{anySessionStatus: true}`.
 * - `fake.failAlways("chat.startStream", {slackError: "not_allowed_token_type"})` (or `{status: 503}`,
 *   any Fault) answers every call of a method with a fault until `failAlways(method, undefined)`.
 */
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { closeServer, listenLocal } from "../base.js";
import type { WaitOptions } from "../wait.js";
import { FORM, JSON_TYPE, parseAckBody, postRaw, signedHeaders } from "./deliver-http.js";
import { Faults } from "./faults.js";
import {
  type BlockActionInput,
  blockActionPayload,
  eventPayload,
  type SlashCommandInput,
  slashCommandPayload,
  type ViewSubmissionInput,
  viewSubmissionPayload,
} from "./payloads.js";
import { SlackRateLimiter, type SlackRateLimitProfile, type SlackRateLimitStats } from "./rate-limits.js";
import { type Envelope, SocketModeServer } from "./socket-mode.js";
import { SlackState, threadKey } from "./state.js";
import type {
  Ack,
  AgentSession,
  ApiCall,
  AssistantStatus,
  DeliveryOpts,
  DirectMessages,
  Ephemeral,
  FakeSlackOptions,
  FakeUser,
  Fault,
  OpenedView,
  Reaction,
  ResponseUrlPost,
  SlackMessage,
  StreamedMessage,
  UploadedFile,
} from "./types.js";
import { WebApi } from "./web-api.js";

export { slackSignature } from "./deliver-http.js";
export type { BlockActionInput, SlashCommandInput, ViewSubmissionInput } from "./payloads.js";
export type { BucketSpec, SlackRateLimitProfile, SlackRateLimitStats } from "./rate-limits.js";
export {
  type SlackEntity,
  type SlackTypedText,
  slackDelivered,
  slackEntity,
  slackEscape,
  slackTyped,
} from "./typed.js";
export type * from "./types.js";

const DEFAULT_ACK_TIMEOUT_MS = 5000;

export class FakeSlack {
  readonly apiUrl: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly signingSecret: string;
  /** When set, send* deliver signed HTTP POSTs here instead of Socket Mode envelopes. */
  httpTarget?: string;

  private constructor(
    private readonly server: Server,
    private readonly state: SlackState,
    private readonly socket: SocketModeServer,
    private readonly faults: Faults,
    private readonly rateLimits: SlackRateLimiter,
    private readonly baseUrl: string,
  ) {
    this.apiUrl = `${baseUrl}/api/`;
    this.teamId = state.id.teamId;
    this.botUserId = state.id.botUserId;
    this.botId = state.id.botId;
    this.botToken = state.id.botToken;
    this.appToken = state.id.appToken;
    this.signingSecret = state.id.signingSecret;
  }

  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    const state = new SlackState({
      teamId: opts.teamId ?? "T0001",
      teamDomain: "fake",
      appId: "A0001",
      botUserId: opts.botUserId ?? "UBOT",
      botId: opts.botId ?? "BBOT",
      botToken: opts.botToken ?? "xoxb-test",
      appToken: opts.appToken ?? "xapp-test",
      signingSecret: opts.signingSecret ?? "test-secret",
    });
    const { server, port, baseUrl } = await listenLocal();
    const faults = new Faults();
    const socket = new SocketModeServer(`ws://127.0.0.1:${port}`, state.id.appId, () => state.changed());
    if (opts.scopes !== undefined) state.scopes = new Set(opts.scopes);
    if (opts.botEvents !== undefined) state.botEvents = new Set(opts.botEvents);
    const rateLimits = new SlackRateLimiter();
    rateLimits.configure(opts.rateLimits ?? false);
    const ctx = { state, baseUrl, openSocketUrl: () => socket.issueUrl() };
    const web = new WebApi(ctx, faults, rateLimits);
    server.on("request", (req, res) => void web.handle(req, res));
    server.on("upgrade", (req, sock, head) => socket.handleUpgrade(req, sock, head));
    return new FakeSlack(server, state, socket, faults, rateLimits, baseUrl);
  }

  // ---- Observed state ----------------------------------------------------------------------

  get calls(): ApiCall[] {
    return this.state.calls;
  }
  get messages(): SlackMessage[] {
    return this.state.messages;
  }
  get ephemerals(): Ephemeral[] {
    return this.state.ephemerals;
  }
  get files(): UploadedFile[] {
    return this.state.files;
  }
  get views(): OpenedView[] {
    return this.state.views;
  }
  /** reactions.add / reactions.remove. */
  get reactions(): Reaction[] {
    return this.state.reactions;
  }
  /** POSTs to the response_urls in delivered payloads (Bolt's `respond()`), in order. */
  get responses(): ResponseUrlPost[] {
    return this.state.responses;
  }

  /**
   * What the app sent `user` privately: their IM's id once it is open, the messages posted in it and
   * the files shared there, in order (copies).
   */
  directMessages(user: string): DirectMessages {
    const channel = this.state.ims.get(user);
    if (channel === undefined) return { channel, messages: [], files: [] };
    return {
      channel,
      messages: this.state.messages.filter((m) => m.channel === channel),
      files: this.state.files.filter((f) => f.channel_id === channel),
    };
  }

  /** Replies in a thread (messages whose thread_ts === threadTs), in order. */
  thread(channel: string, threadTs: string): SlackMessage[] {
    return this.state.messages.filter((m) => m.channel === channel && m.thread_ts === threadTs);
  }

  /** The message chat.startStream made at `ts` in `channel`: what was streamed into it (live). */
  stream(channel: string, ts: string): StreamedMessage | undefined {
    return this.state.findMessage(channel, ts)?.stream;
  }

  /** Streamed messages, in order: all, those in `channel`, or those in one thread. */
  streams(channel?: string, threadTs?: string): StreamedMessage[] {
    return this.state.messages.flatMap((m) =>
      m.stream !== undefined &&
      (channel === undefined || m.channel === channel) &&
      (threadTs === undefined || m.thread_ts === threadTs)
        ? [m.stream]
        : [],
    );
  }

  /** Ends a stream the way Slack ends one that ran too long: appends and stops then fail. */
  expireStream(channel: string, ts: string): void {
    const stream = this.stream(channel, ts);
    if (stream === undefined) throw new Error(`FakeSlack.expireStream: no streamed message ${channel} ${ts}`);
    if (stream.state === "streaming" || stream.state === "stopped_by_user") stream.state = "expired";
    this.state.changed();
  }

  /** Every assistant.threads.setStatus in the thread, in order ("" = cleared). */
  assistantStatuses(channel: string, threadTs: string): AssistantStatus[] {
    return [...(this.state.assistantStatuses.get(threadKey(channel, threadTs)) ?? [])];
  }

  /** The thread's current assistant status: the last one set, "" when none or cleared. */
  assistantStatus(channel: string, threadTs: string): string {
    return this.state.assistantStatuses.get(threadKey(channel, threadTs))?.at(-1)?.status ?? "";
  }

  /** The thread's agent session (agents.sessions.setStatus, stopStream's session_status), if any. */
  agentSession(channel: string, threadTs: string): AgentSession | undefined {
    return this.state.agentSessions.get(threadKey(channel, threadTs));
  }

  waitFor<T>(
    probe: () => T | undefined | false | null,
    opts?: { timeoutMs?: number; what?: string },
  ): Promise<T> {
    return this.state.waitFor(probe, opts);
  }

  /** Resolves with the first Web API call (from the `from`-th on) that matches. */
  waitForCall(match: (call: ApiCall) => boolean, opts?: WaitOptions & { from?: number }): Promise<ApiCall> {
    return this.state.waitForCall(match, opts);
  }

  onCall(listener: (call: ApiCall) => void): () => void {
    return this.state.onCall(listener);
  }

  /** A fresh ts from the fake's clock (for user messages a test delivers as events). */
  nextTs(): string {
    return this.state.nextTs();
  }

  /**
   * A person of the workspace: the names users.info (and payloads) report for `id` (unknown users
   * get "user-<id>"), and someone conversations.open finds.
   */
  addUser(user: Partial<FakeUser> & { id: string }): void {
    const base = this.state.user(user.id);
    this.state.users.set(user.id, { ...base, ...user });
    this.state.members.add(user.id);
  }

  // ---- Socket Mode --------------------------------------------------------------------------

  /** Total WebSocket connections accepted so far. */
  get socketConnections(): number {
    return this.socket.connections;
  }

  /** Resolves when a client is connected that has not been asked to refresh. */
  whenSocketConnected(): Promise<void> {
    return this.socket.whenConnected();
  }

  requestRefresh(): void {
    this.socket.requestRefresh();
  }

  dropSockets(): void {
    this.socket.dropAll();
  }

  // ---- Deliveries ---------------------------------------------------------------------------

  /** `p.text` is what the user typed: `& < >` arrive escaped, entities (`slackEntity`) as Slack makes them. */
  sendSlashCommand(p: SlashCommandInput, o: DeliveryOpts = {}): Promise<Ack> {
    this.state.members.add(p.user_id);
    return this.deliver("slash_commands", slashCommandPayload(this.state, this.baseUrl, p), o);
  }

  /** `event.text`, if any, is what the user typed (a string or `SlackTypedText`), delivered escaped. */
  sendEvent(event: Record<string, unknown>, o: DeliveryOpts & { event_id?: string } = {}): Promise<Ack> {
    if (typeof event.user === "string") this.state.members.add(event.user);
    return this.deliver("events_api", eventPayload(this.state, event, o.event_id), o);
  }

  sendBlockAction(p: BlockActionInput, o: DeliveryOpts = {}): Promise<Ack> {
    this.state.members.add(p.user_id);
    return this.deliver("interactive", blockActionPayload(this.state, this.baseUrl, p), o);
  }

  sendViewSubmission(p: ViewSubmissionInput, o: DeliveryOpts = {}): Promise<Ack> {
    this.state.members.add(p.user_id);
    return this.deliver("interactive", viewSubmissionPayload(this.state, p), o);
  }

  /**
   * `user` presses the native Stop button of the thread's agent session: Slack stops the app's
   * streaming messages in the thread (appends then answer `stopped_by_user`) and sends
   * `agent_session_stopped` with their ts in `streaming_message_ts` ([] when none was streaming).
   * The session's status stays as it was: the app must move it. Slack shows the button only while
   * the session is `processing`; otherwise this throws, unless `anySessionStatus`.
   */
  sendAgentSessionStopped(
    p: { user: string; channel: string; thread_ts: string; anySessionStatus?: boolean },
    o: DeliveryOpts & { event_id?: string } = {},
  ): Promise<Ack> {
    const session = this.agentSession(p.channel, p.thread_ts);
    if (!p.anySessionStatus && session?.status !== "processing") {
      throw new Error(
        `FakeSlack.sendAgentSessionStopped: no Stop button in ${p.channel} ${p.thread_ts}: the agent ` +
          `session is ${session === undefined ? "not set" : `"${session.status}"`} (Slack shows it while "processing")`,
      );
    }
    const stopped = this.streams(p.channel, p.thread_ts).filter((s) => s.state === "streaming");
    for (const s of stopped) s.state = "stopped_by_user";
    this.state.members.add(p.user);
    this.state.changed();
    // Field for field the example on docs.slack.dev/reference/events/agent_session_stopped.
    const event = {
      type: "agent_session_stopped",
      channel: p.channel,
      user: p.user,
      thread_ts: p.thread_ts,
      streaming_message_ts: stopped.map((s) => s.ts),
      event_ts: this.state.nextTs(),
    };
    return this.deliver("events_api", eventPayload(this.state, event, o.event_id), o);
  }

  /** POSTs arbitrary bytes with exactly these headers to httpTarget (forged or stale signatures). */
  deliverRaw(body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    if (this.httpTarget === undefined) throw new Error("FakeSlack.deliverRaw needs httpTarget");
    return postRaw(this.httpTarget, body, headers, DEFAULT_ACK_TIMEOUT_MS);
  }

  private async deliver(
    type: Envelope["type"],
    payload: Record<string, unknown>,
    o: DeliveryOpts,
  ): Promise<Ack> {
    const envelopeId = o.envelopeId ?? randomUUID();
    const timeoutMs = o.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    if (this.httpTarget !== undefined) {
      let body: string;
      if (type === "slash_commands") body = new URLSearchParams(payload as Record<string, string>).toString();
      else if (type === "interactive")
        body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      else body = JSON.stringify(payload);
      const headers = signedHeaders(this.signingSecret, type === "events_api" ? JSON_TYPE : FORM, body, o);
      const reply = await postRaw(this.httpTarget, body, headers, timeoutMs);
      const parsed = parseAckBody(reply.body);
      return {
        envelope_id: envelopeId,
        status: reply.status,
        ...(parsed !== undefined ? { payload: parsed } : {}),
      };
    }
    const envelope: Envelope = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== "events_api",
      ...(type === "events_api"
        ? { retry_attempt: o.retryAttempt ?? 0, retry_reason: o.retryReason ?? "" }
        : {}),
    };
    return this.socket.deliver(envelope, timeoutMs);
  }

  // ---- Faults and lifecycle -----------------------------------------------------------------

  /** The next `count` calls of `method` ("*" = any) get `fault` instead of being handled. */
  failNext(method: string, fault: Fault, count = 1): void {
    this.faults.failNext(method, fault, count);
  }

  /**
   * Every call of `method` ("*" = any) gets `fault` (after any failNext ones) until
   * `failAlways(method, undefined)`: e.g. chat.startStream answering `not_allowed_token_type`,
   * `method_not_supported` or a 503, for fallback tests.
   */
  failAlways(method: string, fault: Fault | undefined): void {
    this.faults.failAlways(method, fault);
  }

  /** Turns rate-limit enforcement on (documented numbers, or a profile) or off; buckets start full. */
  setRateLimits(setting: boolean | SlackRateLimitProfile): void {
    this.rateLimits.configure(setting);
  }

  /** Web API calls and 429s per method since start (or the last reset); counted even when off. */
  rateLimitStats(): SlackRateLimitStats {
    return this.rateLimits.rateLimitStats();
  }

  resetRateLimitStats(): void {
    this.rateLimits.resetStats();
  }

  async stop(): Promise<void> {
    await this.socket.close();
    await closeServer(this.server);
  }
}

/**
 * A fake Discord on 127.0.0.1 for end-to-end tests: the real `discord.js` Client talks to it
 * unmodified, given `rest: {api: fake.apiUrl}` (REST under /api/v10, the gateway URL from
 * GET /gateway/bot, plain JSON frames). See discord.test.ts for what discord.js does against it.
 *
 * discord.js notes (measured against this fake, discord.js 14.28.1 / @discordjs/rest 2.6 / ws 1.2):
 * - If `@slack/bolt` is loaded in the same process, pass `rest: {makeRequest: fetch as never}`:
 *   Bolt installs undici 7 as the global dispatcher and discord.js's own undici 6 then fails on
 *   multipart uploads.
 * - Destroy the Client before stopping the fake: `client.destroy()` closes with 1000 (the fake then
 *   forgets the session); a fake that goes away first makes discord.js retry the connection.
 * - Interaction callbacks must come within `interactionCallbackTimeoutMs` (3 s), as on Discord.
 *   discord.js sends them (and webhook follow-ups) without the bot token, with `?with_response=false`.
 * - Login uses exactly one REST call (GET /gateway/bot); `clientReady` needs GUILD_CREATE for every
 *   guild READY listed. After a dropped socket (1006) or a missed heartbeat ACK, discord.js waits
 *   500 ms, reconnects to READY's resume_gateway_url and RESUMEs; missed dispatches are replayed.
 * - REST faults: a 429 is waited out (Retry-After + 50 ms) and retried without limit; with
 *   X-RateLimit-Global it blocks every route. 5xx is retried at once, 3 times, then HTTPError.
 *   A dropped connection is not retried ("fetch failed", UND_ERR_SOCKET).
 *
 * Channels: the guild has `textChannels` text channels (default 1): `fake.channelId` and, with
 * `FakeDiscord.start({textChannels: n})`, n - 1 more; `fake.channelIds` lists them all. Each is in
 * GUILD_CREATE and GET /guilds/:id/channels and takes posts, edits and threads alike (Discord's rate
 * limits count per channel, so spreading sessions over channels avoids serialising them).
 *
 * Rate limits (off by default; `FakeDiscord.start({rateLimits: true})` or `fake.setRateLimits(true)`):
 * Discord's documented model. Global: 50 requests per 1 s window per bot; interaction endpoints
 * (callbacks, the interaction webhook) are exempt. Per route, fixed windows from the first request,
 * per top-level resource (channel, guild, webhook id + token): POST messages 5/5 s, PATCH messages
 * 5/5 s, DELETE messages 5/1 s, thread creation (both routes, one bucket) 5/5 s, interaction
 * webhook 5/2 s per token, every other route 10/10 s; callbacks unlimited. Every answer on a
 * limited route carries X-RateLimit-Limit/-Remaining/-Reset/-Reset-After/-Bucket (one hash per
 * route, the same for all channels), so @discordjs/rest paces itself. Over a limit: 429
 * `{message, retry_after, global}`, `Retry-After` (whole seconds), `X-RateLimit-Scope: user|global`
 * (+ `X-RateLimit-Global: true`), not applied. A `DiscordRateLimitProfile` overrides the numbers.
 * `fake.rateLimitStats()` → `{limited, calls, globalLimited}` per route key ("PATCH
 * /channels/:id/messages/:id"; counted even when off); `resetRateLimitStats()`.
 *
 * Direct messages (routes-users.ts): `POST /users/@me/channels {recipient_id}` opens the bot's DM
 * channel (type 1, with `recipients`) with a guild member the fake knows (`addUser`, or anyone it
 * has delivered or shown), the same channel each time; an unknown id is 10013 Unknown User. Messages
 * and attachments go there as in any channel, without a guild_id, dispatched only to sessions with
 * DIRECT_MESSAGES. `fake.closedDms(userId)` makes that person refuse them: 403 50007 "Cannot send
 * messages to this user" (as for a bot recipient). `fake.directMessages(userId)` reads their DM.
 *
 * Components V2 (components.ts, limits.ts; sources cited there): messages with flags & 1 << 15
 * (IS_COMPONENTS_V2) take containers (17), text displays (10), sections (9) with a button or
 * thumbnail (11) accessory, separators (14), media galleries (12), files (13) and action rows (1),
 * checked as Discord does: no content/embeds/sticker_ids/poll (50035 `<field>
 * [MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2]`), at most 40 components counting nested
 * ones, 4000 characters across text displays, custom_ids unique, and the flag cannot be dropped by
 * an edit (`flags[MESSAGE_CANNOT_REMOVE_COMPONENTS_V2_FLAG]`). Without the flag, top-level
 * components must be action rows (`components[i][UNION_TYPE_CHOICES]`). A V2 message is stored with
 * its `flags` and `components` (ids filled in as Discord numbers them); `readMessage(m)` (or
 * `fake.read(m)`) gives what a person sees of any message: `{v2, text, texts, buttons, labels}`,
 * `text` being the content or the text displays joined by "\n"; `messageButtons`, `buttonByLabel`.
 * `clickButton` finds buttons in containers and section accessories too.
 *
 * Modals (callback type 9): 1-5 of Label (18), Text Display (10) or (deprecated) action rows of one
 * text input; a Label holds a text input (4, without its own label), a string/user/role/
 * mentionable/channel select (3, 5-8), a file upload (19), a radio group (21), a checkbox group
 * (22) or a checkbox (23). `submitModal({fields})` answers them by custom_id — a string (text input,
 * radio group, one option), a string[] (selects, checkbox groups), a boolean (checkbox), files
 * (file upload; served like attachments) — and rejects answers the modal does not allow; the
 * delivered payload (`fake.interactionPayload(id)`) has `data.components` as
 * `[{type: 18, id, component: {type, id, custom_id, value | values}}, {type: 1, id, components: […]}, …]`
 * plus `data.resolved` for users, members, roles, channels and attachments.
 *
 * Typing: `POST /channels/:id/typing` → 204, counted per channel: `fake.typingCount(channelId)`.
 */
import type { Server } from "node:http";
import { closeServer, listenLocal } from "../base.js";
import type { WaitOptions } from "../wait.js";
import { Faults } from "./faults.js";
import { GatewayServer, Intent } from "./gateway.js";
import { createMessage } from "./messages.js";
import { apiThread } from "./objects.js";
import {
  buttonClick,
  type ClickInput,
  type ModalInput,
  modalSubmit,
  type SlashInput,
  slashCommand,
} from "./payloads.js";
import {
  DiscordRateLimiter,
  type DiscordRateLimitProfile,
  type DiscordRateLimitStats,
} from "./rate-limits.js";
import { readMessage, type ShownMessage } from "./read.js";
import { RestApi } from "./rest.js";
import type { Ctx } from "./routes.js";
import { DiscordState } from "./state.js";
import type {
  DiscordMessage,
  DiscordThread,
  FakeDiscordOptions,
  Fault,
  InteractionHandle,
  InteractionReply,
  Reaction,
  RestCall,
  RestFile,
} from "./types.js";

export { ComponentType, IS_COMPONENTS_V2 } from "./components.js";
export type { ClickInput, ModalFile, ModalInput, ModalValue, SlashInput } from "./payloads.js";
export type { DiscordRateLimitProfile, DiscordRateLimitStats, WindowSpec } from "./rate-limits.js";
export {
  buttonByLabel,
  isComponentsV2,
  messageButtons,
  messageText,
  readMessage,
  type ShownButton,
  type ShownMessage,
} from "./read.js";
export type * from "./types.js";

export class FakeDiscord {
  /** "http://127.0.0.1:PORT/api" (discord.js appends /v10). */
  readonly apiUrl: string;
  readonly token: string;
  readonly botUserId: string;
  readonly applicationId: string;
  readonly guildId: string;
  /** The first text channel (`channelIds[0]`). */
  readonly channelId: string;

  private constructor(
    private readonly server: Server,
    private readonly ctx: Ctx,
    private readonly faults: Faults,
    private readonly rateLimits: DiscordRateLimiter,
  ) {
    const { id } = ctx.state;
    this.apiUrl = `${ctx.baseUrl}/api`;
    this.token = id.token;
    this.botUserId = id.botUserId;
    this.applicationId = id.applicationId;
    this.guildId = id.guildId;
    this.channelId = id.channelId;
  }

  static async start(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const channelId = opts.channelId ?? "100000000000000004";
    const state = new DiscordState({
      token: opts.token ?? "fake-discord-token",
      botUserId: opts.botUserId ?? "100000000000000001",
      applicationId: opts.applicationId ?? "100000000000000002",
      guildId: opts.guildId ?? "100000000000000003",
      channelId,
      channelIds: textChannelIds(channelId, opts.textChannels ?? 1),
      ownerRoleIds: opts.ownerRoleIds ?? [],
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 1000,
      interactionCallbackTimeoutMs: opts.interactionCallbackTimeoutMs ?? 3000,
    });
    const { server, port, baseUrl } = await listenLocal();
    const gateway = new GatewayServer(state, `ws://127.0.0.1:${port}/gateway`);
    const ctx: Ctx = { state, gateway, baseUrl };
    const faults = new Faults();
    const rateLimits = new DiscordRateLimiter();
    rateLimits.configure(opts.rateLimits ?? false);
    const rest = new RestApi(ctx, faults, rateLimits);
    server.on("request", (req, res) => void rest.handle(req, res));
    server.on("upgrade", (req, sock, head) => gateway.handleUpgrade(req, sock, head));
    return new FakeDiscord(server, ctx, faults, rateLimits);
  }

  // ---- Observed state ----------------------------------------------------------------------

  /** Every guild text channel id, `channelId` first (a copy). */
  get channelIds(): string[] {
    return [...this.ctx.state.id.channelIds];
  }

  get calls(): RestCall[] {
    return this.ctx.state.calls;
  }
  /**
   * Visible messages (users' and the bot's, incl. non-ephemeral interaction replies), edits in place:
   * in guild channels and threads, and in DM channels (those have no guild_id; see directMessages).
   */
  get messages(): DiscordMessage[] {
    return this.ctx.state.messages;
  }
  /** Ephemeral messages (interaction replies / follow-ups with flags 64), in order. */
  get ephemeralMessages(): DiscordMessage[] {
    return [...this.ctx.state.ephemeral.values()];
  }
  get threads(): DiscordThread[] {
    return this.ctx.state.threads;
  }
  /** Initial interaction callbacks, in order. */
  get interactionReplies(): InteractionReply[] {
    return this.ctx.state.interactionReplies;
  }
  /** Messages created or edited through the interaction webhook, each once, edits in place. */
  get followups(): DiscordMessage[] {
    return this.ctx.state.followups;
  }
  // biome-ignore lint/suspicious/noExplicitAny: application command JSON as registered
  get commands(): any[] {
    return this.ctx.state.commands;
  }
  get reactions(): Reaction[] {
    return this.ctx.state.reactions;
  }

  /** What the bot sent `userId` privately: the messages of their DM channel, in order (a copy). */
  directMessages(userId: string): DiscordMessage[] {
    const channel = this.ctx.state.dmChannel(userId);
    return channel === undefined ? [] : this.ctx.state.channelMessages(channel);
  }

  /** The bot's DM channel with `userId`, once POST /users/@me/channels opened it. */
  dmChannelId(userId: string): string | undefined {
    return this.ctx.state.dmChannel(userId);
  }

  /**
   * `userId` does not accept direct messages from server members (with `closed` false: does again):
   * opening their DM channel still works, a message there gets 403 50007.
   */
  closedDms(userId: string, closed = true): void {
    if (closed) this.ctx.state.closedDms.add(userId);
    else this.ctx.state.closedDms.delete(userId);
  }

  /** What a person sees of a message (by object or id): `{v2, text, texts, buttons, labels}`. */
  read(message: DiscordMessage | string): ShownMessage {
    const m = typeof message === "string" ? this.ctx.state.findAnyMessage(message) : message;
    if (m === undefined) throw new Error(`FakeDiscord.read: no message ${String(message)}`);
    return readMessage(m);
  }

  /** How many times the bot triggered the typing indicator in a channel (POST /channels/:id/typing). */
  typingCount(channelId: string): number {
    return this.ctx.state.typing.get(channelId) ?? 0;
  }

  /** The INTERACTION_CREATE payload the fake delivered for an interaction (clicks, submits, commands). */
  // biome-ignore lint/suspicious/noExplicitAny: interaction JSON as dispatched
  interactionPayload(interactionId: string): any {
    return this.ctx.state.deliveredInteractions.get(interactionId);
  }

  /** Visible messages of one channel or thread, in order (a copy). */
  channelMessages(channelId: string): DiscordMessage[] {
    return this.ctx.state.channelMessages(channelId);
  }

  waitFor<T>(
    probe: () => T | undefined | false | null,
    opts?: { timeoutMs?: number; what?: string },
  ): Promise<T> {
    return this.ctx.state.waitFor(probe, opts);
  }

  /** Resolves with the first REST call (from the `from`-th on) that matches. */
  waitForCall(match: (call: RestCall) => boolean, opts?: WaitOptions & { from?: number }): Promise<RestCall> {
    return this.ctx.state.waitForCall(match, opts);
  }

  onCall(listener: (call: RestCall) => void): () => void {
    return this.ctx.state.onCall(listener);
  }

  /** A guild member the fake knows (GUILD_CREATE, members routes, payloads). Unknown ids become "user-<id>". */
  addUser(id: string, username: string, roles: string[] = []): void {
    const member = this.ctx.state.member(id);
    member.username = username;
    member.roles = [...roles];
  }

  // ---- Gateway ------------------------------------------------------------------------------

  get gatewayConnections(): number {
    return this.ctx.gateway.connections;
  }
  get identifies(): number {
    return this.ctx.gateway.identifies;
  }
  get resumes(): number {
    return this.ctx.gateway.resumes;
  }
  /** Path of every gateway connection: "/gateway", or "/gateway/resume" (READY's resume_gateway_url). */
  get gatewayPaths(): string[] {
    return this.ctx.gateway.paths;
  }

  /** Resolves once a client holds a live session that got READY + GUILD_CREATE (or RESUMED). */
  whenReady(): Promise<void> {
    return this.ctx.gateway.whenReady();
  }

  /** A user posts (MESSAGE_CREATE with member). `mention_bot` adds the mention (and "<@bot>" if missing). */
  async sendMessage(p: {
    author_id: string;
    channel_id: string;
    content: string;
    mention_bot?: boolean;
    files?: RestFile[];
  }): Promise<DiscordMessage> {
    if (!this.ctx.state.hasChannel(p.channel_id))
      throw new Error(`FakeDiscord.sendMessage: unknown channel ${p.channel_id}`);
    const tag = `<@${this.botUserId}>`;
    const content = p.mention_bot === true && !p.content.includes(tag) ? `${tag} ${p.content}` : p.content;
    const m = createMessage(this.ctx, p.channel_id, { content }, p.files ?? [], { authorId: p.author_id });
    this.ctx.state.changed();
    return m;
  }

  /** A user starts a public thread in a channel (from no message): the user owns it, not the bot. */
  startUserThread(p: { owner_id: string; channel_id?: string; name?: string }): string {
    const { state } = this.ctx;
    const t: DiscordThread = {
      id: state.nextId(),
      parent_id: p.channel_id ?? this.channelId,
      name: p.name ?? "a thread of a user's",
      owner_id: p.owner_id,
      type: 11,
      archived: false,
      locked: false,
      auto_archive_duration: 1440,
      created_at: new Date().toISOString(),
      members: [p.owner_id],
    };
    state.addThread(t);
    this.ctx.gateway.dispatch(
      "THREAD_CREATE",
      { ...apiThread(state, t), newly_created: true },
      {
        intent: Intent.Guilds,
      },
    );
    state.changed();
    return t.id;
  }

  async clickButton(p: ClickInput): Promise<InteractionHandle> {
    const { i, payload } = buttonClick(this.ctx, p);
    return this.deliver(i, payload);
  }

  /**
   * Submits a modal the bot showed (the last type 9 callback with this custom_id); `fields` answers
   * its components by custom_id (see ModalInput; answers the modal does not allow throw).
   */
  async submitModal(p: ModalInput): Promise<InteractionHandle> {
    const { i, payload } = modalSubmit(this.ctx, p);
    return this.deliver(i, payload);
  }

  async slashCommand(p: SlashInput): Promise<InteractionHandle> {
    const { i, payload } = slashCommand(this.ctx, p);
    return this.deliver(i, payload);
  }

  private deliver(i: { id: string; token: string }, payload: Record<string, unknown>): InteractionHandle {
    this.ctx.state.deliveredInteractions.set(i.id, payload);
    this.ctx.gateway.dispatch("INTERACTION_CREATE", payload);
    this.ctx.state.changed();
    return { interactionId: i.id, token: i.token };
  }

  /** Waits for the initial callback of that interaction. */
  replyTo(interactionId: string, opts: { timeoutMs?: number } = {}): Promise<InteractionReply> {
    return this.waitFor(() => this.interactionReplies.find((r) => r.interactionId === interactionId), {
      timeoutMs: opts.timeoutMs ?? 5000,
      what: `the callback of interaction ${interactionId}`,
    });
  }

  /** Terminates every gateway socket without a close frame (1006); the sessions stay resumable. */
  dropGateway(): void {
    this.ctx.gateway.dropAll();
  }

  /** While on, heartbeats get no ACK (op 11): discord.js declares the connection a zombie and resumes. */
  zombie(on: boolean): void {
    this.ctx.gateway.zombie = on;
  }

  /** Sends op 7 RECONNECT to every socket. */
  requestReconnect(): void {
    this.ctx.gateway.requestReconnect();
  }

  /** Forgets every gateway session: the next RESUME gets op 9 and the client must IDENTIFY anew. */
  invalidateSessions(): void {
    this.ctx.gateway.invalidateSessions();
  }

  // ---- Faults and lifecycle -----------------------------------------------------------------

  /** The next `count` REST calls matching `route` get `fault` ("POST /channels/:id/messages", a RegExp, "*"). */
  failNext(route: string | RegExp, fault: Fault, count = 1): void {
    this.faults.failNext(route, fault, count);
  }

  /** Turns rate-limit enforcement on (documented numbers, or a profile) or off; windows start empty. */
  setRateLimits(setting: boolean | DiscordRateLimitProfile): void {
    this.rateLimits.configure(setting);
  }

  /** REST requests and 429s per route key since start (or the last reset); counted even when off. */
  rateLimitStats(): DiscordRateLimitStats {
    return this.rateLimits.rateLimitStats();
  }

  resetRateLimitStats(): void {
    this.rateLimits.resetStats();
  }

  async stop(): Promise<void> {
    await this.ctx.gateway.close();
    await closeServer(this.server);
  }
}

/** `channelId`, then `count - 1` more: channelId + 1_000_000 + i (i = 1, 2, …). */
function textChannelIds(channelId: string, count: number): string[] {
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`FakeDiscord.start: textChannels must be an integer >= 1, got ${count}`);
  if (count === 1) return [channelId];
  if (!/^\d+$/.test(channelId))
    throw new Error(`FakeDiscord.start: textChannels > 1 needs a numeric channelId, got ${channelId}`);
  const base = BigInt(channelId) + 1_000_000n;
  return [channelId, ...Array.from({ length: count - 1 }, (_, i) => (base + BigInt(i + 1)).toString())];
}

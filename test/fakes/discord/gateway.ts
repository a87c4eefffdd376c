/**
 * The gateway: plain JSON frames over WebSocket. HELLO → IDENTIFY → READY + GUILD_CREATE, HEARTBEAT
 * → ACK, RESUME → replay of the dispatches the session missed → RESUMED. Sessions outlive their
 * socket unless the client closed it with 1000/1001 (as Discord invalidates them then).
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { Waiters } from "../base.js";
import { apiGuildCreate, apiMember, apiUser } from "./objects.js";
import type { DiscordState } from "./state.js";

export const Intent = {
  Guilds: 1 << 0,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

interface Frame {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

interface Session {
  id: string;
  intents: number;
  seq: number;
  buffer: Frame[];
  ws: WebSocket | undefined;
}

export interface DispatchOpts {
  /** Only sessions that identified with this intent bit get the event. */
  intent?: number;
  /** A message event: without MESSAGE_CONTENT, content/embeds/attachments/components are blanked. */
  message?: { authorId: string; mentions: string[] };
}

const MAX_BUFFER = 1000;

export class GatewayServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly sockets = new Set<WebSocket>();
  private readonly ready = new Waiters();
  private stopped = false;
  zombie = false;
  connections = 0;
  identifies = 0;
  resumes = 0;
  /** Path of every accepted connection ("/gateway" or "/gateway/resume"). */
  readonly paths: string[] = [];

  constructor(
    private readonly state: DiscordState,
    readonly url: string,
  ) {}

  get resumeUrl(): string {
    return `${this.url}/resume`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://fake");
    const path = url.pathname.replace(/\/+$/, "");
    if (this.stopped || (path !== "/gateway" && path !== "/gateway/resume")) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, path));
  }

  private accept(ws: WebSocket, path: string): void {
    this.sockets.add(ws);
    this.connections += 1;
    this.paths.push(path);
    let session: Session | undefined;
    const send = (payload: unknown) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(payload));
    ws.on("message", (data, isBinary) => {
      if (isBinary) return ws.close(4002, "Decode error");
      let msg: { op?: unknown; d?: unknown };
      try {
        msg = JSON.parse(data.toString()) as typeof msg;
      } catch {
        return ws.close(4002, "Decode error");
      }
      // biome-ignore lint/suspicious/noExplicitAny: gateway payloads from the client
      const d = msg.d as any;
      switch (msg.op) {
        case 1:
          if (!this.zombie) send({ op: 11 });
          return;
        case 2:
          if (session !== undefined) return ws.close(4005, "Already authenticated");
          if (!this.tokenOk(d?.token)) return ws.close(4004, "Authentication failed");
          session = this.identify(ws, typeof d?.intents === "number" ? d.intents : 0);
          return;
        case 6: {
          const found = this.sessions.get(String(d?.session_id));
          if (found === undefined || !this.tokenOk(d?.token)) return send({ op: 9, d: false });
          session = found;
          this.resume(ws, found, Number(d?.seq ?? 0));
          return;
        }
        case 8:
          if (session !== undefined) this.membersChunk(session, d);
          return;
        case 3:
        case 4:
          return;
        default:
          return ws.close(4001, "Unknown opcode");
      }
    });
    ws.on("close", (code) => {
      this.sockets.delete(ws);
      if (session !== undefined && session.ws === ws) {
        session.ws = undefined;
        if (code === 1000 || code === 1001) this.sessions.delete(session.id);
      }
      this.state.changed();
    });
    ws.on("error", () => this.sockets.delete(ws));
    send({ op: 10, d: { heartbeat_interval: this.state.id.heartbeatIntervalMs, _trace: ["fake-gateway"] } });
    this.state.changed();
  }

  private tokenOk(token: unknown): boolean {
    return token === this.state.id.token || token === `Bot ${this.state.id.token}`;
  }

  private identify(ws: WebSocket, intents: number): Session {
    this.identifies += 1;
    const session: Session = { id: randomBytes(16).toString("hex"), intents, seq: 0, buffer: [], ws };
    this.sessions.set(session.id, session);
    const { state } = this;
    this.send(session, "READY", {
      v: 10,
      user: { ...apiUser(state, state.id.botUserId), verified: true, mfa_enabled: false, flags: 0 },
      user_settings: {},
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      guilds: [{ id: state.id.guildId, unavailable: true }],
      session_id: session.id,
      session_type: "normal",
      resume_gateway_url: this.resumeUrl,
      shard: [0, 1],
      application: { id: state.id.applicationId, flags: 0 },
      auth: {},
      _trace: ["fake-gateway"],
    });
    if ((intents & Intent.Guilds) !== 0) this.send(session, "GUILD_CREATE", apiGuildCreate(state));
    this.becameReady();
    return session;
  }

  private resume(ws: WebSocket, session: Session, seq: number): void {
    this.resumes += 1;
    const previous = session.ws;
    session.ws = ws;
    if (previous !== undefined && previous !== ws) previous.terminate();
    for (const frame of session.buffer) if (frame.s > seq) ws.send(JSON.stringify(frame));
    this.send(session, "RESUMED", { _trace: ["fake-gateway"] });
    this.becameReady();
  }

  // biome-ignore lint/suspicious/noExplicitAny: op 8 payload
  private membersChunk(session: Session, d: any): void {
    const ids: string[] = Array.isArray(d?.user_ids)
      ? d.user_ids.map(String)
      : typeof d?.user_ids === "string"
        ? [d.user_ids]
        : [...this.state.members.keys()];
    const known = ids.filter((id) => this.state.members.has(id));
    this.send(session, "GUILD_MEMBERS_CHUNK", {
      guild_id: this.state.id.guildId,
      members: known.map((id) => apiMember(this.state, id)),
      chunk_index: 0,
      chunk_count: 1,
      not_found: ids.filter((id) => !this.state.members.has(id)),
      ...(d?.nonce !== undefined ? { nonce: d.nonce } : {}),
    });
  }

  private becameReady(): void {
    this.ready.release();
    this.state.changed();
  }

  private send(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    const frame: Frame = { op: 0, t, s: session.seq, d };
    session.buffer.push(frame);
    if (session.buffer.length > MAX_BUFFER) session.buffer.shift();
    const ws = session.ws;
    if (ws !== undefined && ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }

  /** Sends a dispatch to every session (buffered for those whose socket is down, for RESUME). */
  dispatch(t: string, d: Record<string, unknown>, opts: DispatchOpts = {}): void {
    for (const session of this.sessions.values()) {
      if (opts.intent !== undefined && (session.intents & opts.intent) === 0) continue;
      let payload = d;
      const m = opts.message;
      if (m !== undefined && (session.intents & Intent.MessageContent) === 0) {
        const bot = this.state.id.botUserId;
        if (m.authorId !== bot && !m.mentions.includes(bot)) {
          payload = { ...d, content: "", embeds: [], attachments: [], components: [] };
        }
      }
      this.send(session, t, payload);
    }
  }

  /** A session has a live socket and got READY (or RESUMED) on it. */
  isReady(): boolean {
    for (const s of this.sessions.values())
      if (s.ws !== undefined && s.ws.readyState === s.ws.OPEN) return true;
    return false;
  }

  whenReady(): Promise<void> {
    return this.ready.wait(this.isReady());
  }

  /** Terminates every socket without a close frame (the client sees 1006); sessions stay resumable. */
  dropAll(): void {
    for (const ws of [...this.sockets]) ws.terminate();
  }

  /** Sends op 7 RECONNECT: the client should close and RESUME. */
  requestReconnect(): void {
    for (const ws of this.sockets) if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ op: 7, d: null }));
  }

  /** Forgets every session: a later RESUME gets op 9 (invalid session) and must IDENTIFY again. */
  invalidateSessions(): void {
    this.sessions.clear();
  }

  close(): Promise<void> {
    this.stopped = true;
    this.dropAll();
    this.sessions.clear();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}

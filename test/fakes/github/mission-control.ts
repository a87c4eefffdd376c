/**
 * Fake Mission Control (COPILOT_MC_BASE_URL, plain http on 127.0.0.1): remote sessions (export of a
 * local session's events, commands from "github.com") and cloud tasks (see cloud.ts).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { CloudTasks } from "./cloud.js";
import { tokenFingerprint } from "./device.js";
import { type Changes, type RecordedRequest, recordRequest, sendJson, sendText } from "./http.js";
import { type AuthScheme, type FakeTokens, parseAuthorization } from "./tokens.js";

/** How `POST /sessions` (and `GET /sessions/{id}`) answer. */
export type SessionsMode =
  | "ok"
  /** 403: "Remote sessions are not enabled for this repository…" */
  | "forbidden"
  /** 500 with an HTML body. */
  | "error"
  /** 201 with a body that is not JSON. */
  | "garbage"
  /** The socket is destroyed without an answer. */
  | "reset"
  /** 409 when the body carries an `id`; without one, a session with an id minted here is created. */
  | "reject-id";

export interface McCommand {
  id: string;
  type: "user_message" | "permission_response" | (string & {});
  content: string;
  state: string;
  /** When the runtime acknowledged it (`completed_command_ids`). */
  ackedAt?: number;
  /** How many times GET /commands returned it. */
  deliveries: number;
}

export interface McSession {
  id: string;
  task_id: string;
  owner_id: unknown;
  repo_id: unknown;
  agent_task_id: unknown;
  state: string;
  created_at: string;
  updated_at: string;
  /** The POST /sessions body. */
  request: unknown;
  events: McEvent[];
  commands: McCommand[];
}

/** An event the runtime exported (POST /sessions/{id}/events), with the session it came for. */
export interface McEvent {
  sessionId: string;
  type: string;
  data: Record<string, unknown>;
  raw: Record<string, unknown>;
}

export interface PushedCommand {
  type: McCommand["type"];
  /** A string, or an object that is JSON-encoded (as `permission_response` content is). */
  content: string | Record<string, unknown>;
}

/**
 * Who made one Mission Control call: the Authorization's scheme, the fingerprint of its token
 * (`tokenFingerprint`) and the login `gh.tokens` knows it by. Never the token.
 */
export interface McCaller {
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  auth: AuthScheme;
  fingerprint?: string;
  /** The token's login, when `gh.tokens` knows the token. */
  login?: string;
}

export class MissionControl {
  readonly requests: RecordedRequest[] = [];
  /** Every call's caller, in order (sessions and cloud tasks alike). */
  readonly callers: McCaller[] = [];
  readonly sessions = new Map<string, McSession>();
  readonly events: McEvent[] = [];
  sessionsMode: SessionsMode = "ok";
  private seq = 0;
  private server: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  /** Cloud tasks (`/tasks…`) served by the same server. */
  readonly cloud: CloudTasks;

  constructor(
    private readonly changes: Changes,
    private readonly tokens?: FakeTokens,
  ) {
    this.server = this.makeServer();
    this.cloud = new CloudTasks(changes);
  }

  get tasks() {
    return this.cloud.tasks;
  }

  /**
   * The Mission Control session of an SDK session: same id, or (after a 409 made the runtime retry
   * without an id) the one whose `agent_task_id` is the SDK session id.
   */
  session(sdkSessionId: string): McSession | undefined {
    return (
      this.sessions.get(sdkSessionId) ??
      [...this.sessions.values()].find((s) => s.agent_task_id === sdkSessionId)
    );
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Closes the listener and every connection: the runtime then gets "connection refused". */
  async goDown(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections();
    await closed;
    this.server = this.makeServer();
  }

  /** Listens again on the same port. */
  async comeUp(): Promise<void> {
    if (!this.server.listening) await this.listen(this.port);
  }

  async stop(): Promise<void> {
    this.cloud.stop();
    await this.goDown();
  }

  /**
   * Queues a command for a session (SDK or Mission Control id); `GET /sessions/{id}/commands` returns
   * it until the runtime acks it. The runtime polls every ~3 s.
   */
  pushCommand(sessionId: string, cmd: PushedCommand): McCommand {
    const session = this.session(sessionId);
    if (!session) throw new Error(`fake Mission Control: no session ${sessionId}`);
    const command: McCommand = {
      id: `cmd-${++this.seq}`,
      type: cmd.type,
      content: typeof cmd.content === "string" ? cmd.content : JSON.stringify(cmd.content),
      state: "in_progress",
      deliveries: 0,
    };
    session.commands.push(command);
    this.changes.emit();
    return command;
  }

  private makeServer(): Server {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    return server;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cred = parseAuthorization(req.headers.authorization);
    const login = cred.token ? this.tokens?.login(cred.token) : undefined;
    this.callers.push({
      at: Date.now(),
      method: req.method ?? "GET",
      path: new URL(req.url ?? "/", "http://x").pathname,
      auth: cred.scheme,
      ...(cred.token ? { fingerprint: tokenFingerprint(cred.token) } : {}),
      ...(login ? { login } : {}),
    });
    const rec = await recordRequest(req, "mission-control");
    this.requests.push(rec);
    try {
      this.route(rec, req, res);
    } catch (err) {
      sendJson(res, 500, { message: String(err) }, rec);
    } finally {
      this.changes.emit();
    }
  }

  private route(rec: RecordedRequest, req: IncomingMessage, res: ServerResponse): void {
    const parts = rec.path.split("/").filter(Boolean);
    if (parts[0] === "tasks") {
      this.cloud.route(rec, parts, res);
      return;
    }
    if (parts[0] !== "sessions") {
      sendJson(res, 404, { message: "Not Found" }, rec);
      return;
    }
    const failing = this.sessionsMode !== "ok" && this.sessionsMode !== "reject-id";
    if (failing && (parts.length === 1 || rec.method === "GET")) {
      this.fail(rec, req, res);
      return;
    }
    const [, id, sub] = parts;
    if (rec.method === "POST" && parts.length === 1) {
      this.createSession(rec, res);
      return;
    }
    const session = id ? this.sessions.get(id) : undefined;
    if (!session) {
      sendJson(res, 404, { message: "Not Found" }, rec);
      return;
    }
    if (rec.method === "GET" && !sub) {
      sendJson(res, 200, view(session), rec);
    } else if (rec.method === "POST" && sub === "events") {
      this.receiveEvents(session, rec.body as Record<string, unknown>);
      sendJson(res, 200, {}, rec);
    } else if (rec.method === "GET" && sub === "commands") {
      const pending = session.commands.filter((c) => c.ackedAt === undefined);
      for (const c of pending) c.deliveries++;
      const commands = pending.map(({ id: cid, type, content, state }) => ({
        id: cid,
        type,
        content,
        state,
      }));
      sendJson(res, 200, { commands }, rec);
    } else {
      sendJson(res, 404, { message: "Not Found" }, rec);
    }
  }

  private fail(rec: RecordedRequest, req: IncomingMessage, res: ServerResponse): void {
    switch (this.sessionsMode) {
      case "forbidden":
        sendJson(res, 403, { message: "Forbidden" }, rec);
        return;
      case "error":
        sendText(res, 500, "<html><body>Internal Server Error</body></html>", rec);
        return;
      case "garbage":
        sendText(res, 201, "<html>not json</html>", rec);
        return;
      default:
        rec.status = 0;
        req.socket.destroy();
    }
  }

  private createSession(rec: RecordedRequest, res: ServerResponse): void {
    const body = (rec.body ?? {}) as Record<string, unknown>;
    const now = new Date().toISOString();
    if (this.sessionsMode === "reject-id" && body.id) {
      sendJson(res, 409, { message: "session id already claimed" }, rec);
      return;
    }
    const id = typeof body.id === "string" && body.id ? body.id : `mc-${randomUUID()}`;
    const session: McSession = {
      id,
      task_id: `task-${++this.seq}`,
      owner_id: body.owner_id,
      repo_id: body.repo_id,
      agent_task_id: body.agent_task_id,
      state: "in_progress",
      created_at: now,
      updated_at: now,
      request: body,
      events: [],
      commands: [],
    };
    this.sessions.set(id, session);
    sendJson(res, 201, view(session), rec);
  }

  private receiveEvents(session: McSession, body: Record<string, unknown>): void {
    const acked = Array.isArray(body?.completed_command_ids) ? body.completed_command_ids : [];
    for (const c of session.commands) if (acked.includes(c.id) && !c.ackedAt) c.ackedAt = Date.now();
    const events = Array.isArray(body?.events) ? (body.events as Record<string, unknown>[]) : [];
    for (const raw of events) {
      const e: McEvent = {
        sessionId: session.id,
        type: String(raw.type),
        data: (raw.data ?? {}) as Record<string, unknown>,
        raw,
      };
      session.events.push(e);
      this.events.push(e);
    }
    session.updated_at = new Date().toISOString();
  }
}

function view(s: McSession): Record<string, unknown> {
  const { id, task_id, owner_id, repo_id, state, created_at, updated_at } = s;
  return { id, task_id, owner_id, repo_id, state, created_at, updated_at };
}

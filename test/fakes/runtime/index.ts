/**
 * A scripted Copilot runtime for the faults the real one cannot be made to produce on demand:
 * malformed or out-of-order session events, a method that never answers, JSON-RPC errors, a dropped
 * connection. It speaks the SDK's protocol (JSON-RPC with `Content-Length` framing, `vscode-jsonrpc`)
 * on 127.0.0.1:0, so `RuntimeConnection.forUri(rt.url, {connectionToken: rt.token})` (the bridge's
 * `COPILOT_RUNTIME_URL` / `COPILOT_CONNECTION_TOKEN`) connects to it unmodified. See README.md.
 */
import { randomUUID } from "node:crypto";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import {
  createMessageConnection,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-jsonrpc/node.js";
import { type WaitOptions, waitUntil } from "../wait.js";
import { defaultMethods, RuntimeErrors, type RuntimeState } from "./methods.js";
import { echoTurn, runTurn } from "./turn.js";
import type {
  ClientConnection,
  FakeRuntimeSession,
  Fault,
  FaultAction,
  FaultOptions,
  MethodHandler,
  Params,
  RuntimeCall,
  StalledCall,
  TurnScript,
} from "./types.js";

export { PROTOCOL_VERSION, RuntimeErrors } from "./methods.js";
export { echoTurn } from "./turn.js";
export type * from "./types.js";

export class FakeRuntime implements RuntimeState {
  readonly url: string;
  readonly sessions = new Map<string, FakeRuntimeSession>();
  /** Every request received, in order (stalled and failed ones included). */
  readonly calls: RuntimeCall[] = [];
  /** Requests held by `stall` faults and not released. */
  readonly stalled: StalledCall[] = [];
  /** Methods a client called that the fake has no handler for (answered -32601, as the real runtime does). */
  readonly unhandled: string[] = [];
  readonly connections: ClientConnection[] = [];
  /** Runs every `session.send`; replace it to script turns (fall back to `echoTurn` for the rest). */
  onTurn: TurnScript = echoTurn;
  private readonly handlers: Record<string, MethodHandler>;
  private faults: Fault[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly listeners = new Set<() => void>();
  private nextConnection = 1;

  private constructor(
    private readonly server: Server,
    readonly token: string | undefined,
  ) {
    const { port } = server.address() as AddressInfo;
    this.url = `127.0.0.1:${port}`;
    this.handlers = defaultMethods(this);
  }

  /** Listens on 127.0.0.1, random port. `token: null` accepts any client; the default makes one up. */
  static async start(opts: { token?: string | null } = {}): Promise<FakeRuntime> {
    const token = opts.token === null ? undefined : (opts.token ?? randomUUID());
    let self: FakeRuntime | undefined;
    const server = createServer((socket) => self?.accept(socket));
    await new Promise<void>((done, fail) => {
      server.once("error", fail);
      server.listen(0, "127.0.0.1", () => done());
    });
    self = new FakeRuntime(server, token);
    return self;
  }

  /** Environment for the bridge: connect to this fake instead of spawning the bundled runtime. */
  get env(): Record<string, string> {
    return { COPILOT_RUNTIME_URL: this.url, ...(this.token ? { COPILOT_CONNECTION_TOKEN: this.token } : {}) };
  }

  // ── scripting ────────────────────────────────────────────────────────────────────────────────────

  /** Replaces (or adds) the answer to a method. Throw a `ResponseError` for a JSON-RPC error. */
  handle(method: string, handler: MethodHandler): void {
    this.handlers[method] = handler;
  }

  /** Never answers matching requests (until `release()` on the entry in `stalled`). */
  stall(method: string, opts: FaultOptions = {}): Fault {
    return this.addFault(method, { kind: "stall" }, opts);
  }

  /** Answers matching requests with a JSON-RPC error (default code -32603, as the runtime's own failures). */
  fail(
    method: string,
    error: { code?: number; message: string; data?: unknown },
    opts: FaultOptions = {},
  ): Fault {
    const { code = -32603, message, data } = error;
    return this.addFault(method, { kind: "error", code, message, data }, opts);
  }

  /** Closes the connection a matching request came on, without answering it. */
  dropOn(method: string, opts: FaultOptions = {}): Fault {
    return this.addFault(method, { kind: "drop" }, opts);
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** A session the runtime knows without any client having created it (for resume/attach). */
  addSession(id: string, workingDirectory?: string): FakeRuntimeSession {
    const existing = this.sessions.get(id);
    if (existing) return existing;
    const session: FakeRuntimeSession = {
      id,
      mode: "interactive",
      workingDirectory,
      remote: false,
      events: [],
      prompts: [],
    };
    this.sessions.set(id, session);
    this.changed();
    return session;
  }

  /** Sends a well-formed event (`{type, data, id, timestamp, parentId}`) to every client. */
  emit(sessionId: string, type: string, data: unknown = {}, extra: { ephemeral?: boolean } = {}): void {
    const session = this.sessions.get(sessionId);
    const parentId = (session?.events.at(-1) as { id?: string } | undefined)?.id ?? null;
    this.emitRaw(sessionId, {
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      parentId,
      ...(extra.ephemeral ? { ephemeral: true } : {}),
      type,
      data,
    });
  }

  /** Sends `{sessionId, event}` with `event` as given: anything, malformed included. */
  emitRaw(sessionId: string, event: unknown): void {
    this.sessions.get(sessionId)?.events.push(event);
    this.notify("session.event", { sessionId, event });
  }

  /** Sends any notification, with any params (e.g. a `session.event` without `sessionId`). */
  notify(method: string, params: unknown): void {
    for (const c of this.connections) {
      if (!c.closed)
        void c.rpc.sendNotification(method, params as object).catch(() => {
          // A client that went away misses the notification, as with the real runtime.
        });
    }
  }

  /** Writes a raw frame to every open connection, bypassing JSON-RPC (e.g. `"{not json"`). */
  writeFrame(body: string): void {
    for (const c of this.connections) if (!c.closed) c.writeFrame(body);
  }

  /** Destroys every client socket (the server keeps listening, so a client may reconnect). */
  dropConnections(): void {
    for (const c of this.connections) c.destroy();
  }

  startTurn(session: FakeRuntimeSession, prompt: string, messageId: string): void {
    runTurn(this, this.onTurn, session, prompt, messageId);
  }

  // ── waiting and shutdown ─────────────────────────────────────────────────────────────────────────

  waitFor<T>(probe: () => T | undefined | false | null, opts: WaitOptions = {}): Promise<T> {
    return waitUntil(
      "FakeRuntime",
      (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
      () =>
        `recent calls: ${this.calls
          .slice(-10)
          .map((c) => `#${c.connection} ${c.method}`)
          .join(", ")}`,
      probe,
      opts,
    );
  }

  /** The session whose prompts include `text` (sessions are created with client-chosen ids). */
  sessionWithPrompt(text: string): FakeRuntimeSession | undefined {
    return [...this.sessions.values()].find((s) => s.prompts.some((p) => p.includes(text)));
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.destroy();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  // ── connections ──────────────────────────────────────────────────────────────────────────────────

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("error", () => {
      // A client vanishing is not the fake's failure.
    });
    const rpc = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
    const conn: ClientConnection = {
      id: this.nextConnection++,
      rpc,
      closed: false,
      destroy: () => socket.destroy(),
      writeFrame: (body) => {
        socket.write(`Content-Length: ${Buffer.byteLength(body, "utf8")}\r\n\r\n${body}`);
      },
    };
    socket.once("close", () => {
      conn.closed = true;
      this.sockets.delete(socket);
      rpc.dispose();
      this.changed();
    });
    rpc.onRequest((method, params) => this.answer(conn, method, (params ?? {}) as Params));
    rpc.onNotification(() => undefined);
    rpc.listen();
    this.connections.push(conn);
    this.changed();
  }

  private answer(conn: ClientConnection, method: string, params: Params): unknown {
    const call: RuntimeCall = { method, params, connection: conn.id, at: Date.now() };
    this.calls.push(call);
    this.changed();
    const fault = this.faults.find(
      (f) => f.method === method && (f.times === undefined || f.hits < f.times) && (f.when?.(params) ?? true),
    );
    if (fault) {
      fault.hits++;
      if (fault.action.kind === "error") {
        throw new ResponseError(fault.action.code, fault.action.message, fault.action.data);
      }
      if (fault.action.kind === "drop") {
        conn.destroy();
        return new Promise(() => undefined);
      }
      return new Promise((done, fail) => {
        const held: StalledCall = {
          ...call,
          release: () => {
            const at = this.stalled.indexOf(held);
            if (at < 0) return;
            this.stalled.splice(at, 1);
            try {
              done(this.run(conn, method, params));
            } catch (error) {
              fail(error);
            }
          },
        };
        this.stalled.push(held);
        this.changed();
      });
    }
    return this.run(conn, method, params);
  }

  private run(conn: ClientConnection, method: string, params: Params): unknown {
    const handler = this.handlers[method];
    if (!handler) {
      this.unhandled.push(method);
      throw RuntimeErrors.methodNotFound(method);
    }
    return handler(params, { connection: conn.id });
  }

  private addFault(method: string, action: FaultAction, opts: FaultOptions): Fault {
    const fault: Fault = { method, action, hits: 0, ...opts };
    this.faults.push(fault);
    return fault;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/**
 * Socket Mode: the WebSocket endpoint apps.connections.open points to. Sends `hello`, delivers
 * envelopes to one connected client and resolves when that client acks `{envelope_id, payload}`.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { Waiters } from "../base.js";
import type { Ack } from "./types.js";

interface Client {
  ws: WebSocket;
  /** Sent `disconnect: refresh_requested`; no longer used for deliveries or whenConnected. */
  refreshing: boolean;
}

interface AckWaiter {
  resolve(ack: Ack): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export interface Envelope {
  envelope_id: string;
  type: "events_api" | "slash_commands" | "interactive";
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export class SocketModeServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly clients = new Set<Client>();
  private readonly acks = new Map<string, AckWaiter[]>();
  private readonly connected = new Waiters();
  private ticketSeq = 0;
  private stopped = false;
  connections = 0;

  constructor(
    private readonly wsBase: string,
    private readonly appId: string,
    private readonly onChange: () => void,
  ) {}

  /** A single-use ws:// URL, as apps.connections.open returns. */
  issueUrl(): string {
    this.ticketSeq += 1;
    const ticket = String(this.ticketSeq);
    this.tickets.add(ticket);
    return `${this.wsBase}/socket?ticket=${ticket}`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://fake");
    const ticket = url.searchParams.get("ticket") ?? "";
    if (this.stopped || url.pathname !== "/socket" || !this.tickets.delete(ticket)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    const client: Client = { ws, refreshing: false };
    this.clients.add(client);
    this.connections += 1;
    ws.on("message", (data, isBinary) => {
      if (!isBinary) this.onMessage(data.toString());
    });
    ws.on("close", () => {
      this.clients.delete(client);
      this.onChange();
    });
    ws.on("error", () => {
      this.clients.delete(client);
    });
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: this.usable().length,
        debug_info: { host: "fake-slack", build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    this.connected.release();
    this.onChange();
  }

  private onMessage(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== "object" || message === null) return;
    const { envelope_id, payload } = message as { envelope_id?: unknown; payload?: unknown };
    if (typeof envelope_id !== "string") return;
    const waiter = this.acks.get(envelope_id)?.shift();
    if (waiter === undefined) return;
    clearTimeout(waiter.timer);
    if (this.acks.get(envelope_id)?.length === 0) this.acks.delete(envelope_id);
    waiter.resolve({ envelope_id, ...(payload !== undefined ? { payload } : {}) });
  }

  private usable(): Client[] {
    return [...this.clients].filter((c) => !c.refreshing && c.ws.readyState === c.ws.OPEN);
  }

  /** Resolves once a client is connected (hello sent) that has not been asked to refresh. */
  whenConnected(): Promise<void> {
    return this.connected.wait(this.usable().length > 0);
  }

  /** Delivers an envelope to the newest connected client (waiting for one) and resolves with its ack. */
  deliver(envelope: Envelope, timeoutMs: number): Promise<Ack> {
    const id = envelope.envelope_id;
    return new Promise<Ack>((resolve, reject) => {
      let settled = false;
      const waiter: AckWaiter = {
        resolve: (ack) => {
          settled = true;
          resolve(ack);
        },
        reject: (error) => {
          settled = true;
          reject(error);
        },
        timer: setTimeout(() => {
          const list = this.acks.get(id);
          list?.splice(list.indexOf(waiter), 1);
          if (list?.length === 0) this.acks.delete(id);
          waiter.reject(
            new Error(
              `FakeSlack: no Socket Mode ack for ${envelope.type} envelope ${id} within ${timeoutMs} ms` +
                (this.usable().length === 0 ? " (no client connected)" : ""),
            ),
          );
        }, timeoutMs),
      };
      const list = this.acks.get(id) ?? [];
      list.push(waiter);
      this.acks.set(id, list);
      void this.whenConnected().then(() => {
        if (settled) return;
        const target = this.usable().at(-1);
        target?.ws.send(JSON.stringify(envelope));
      });
    });
  }

  /** Sends `disconnect: refresh_requested` to every connected client, as Slack does before recycling. */
  requestRefresh(): void {
    for (const client of this.usable()) {
      client.refreshing = true;
      client.ws.send(
        JSON.stringify({
          type: "disconnect",
          reason: "refresh_requested",
          debug_info: { host: "fake-slack" },
        }),
      );
    }
  }

  /** Terminates every socket without a close handshake. */
  dropAll(): void {
    for (const client of [...this.clients]) {
      this.clients.delete(client);
      client.ws.terminate();
    }
    this.onChange();
  }

  /**
   * Closes every socket with a close handshake (waiting up to `graceMs`), then terminates stragglers.
   * A graceful close matters: @slack/socket-mode arms a 30 s timer when it starts closing and clears
   * it only when the peer's close frame arrives, so an abrupt end keeps the test process alive.
   */
  async close(graceMs = 1000): Promise<void> {
    this.stopped = true;
    const open = [...this.clients].filter((c) => c.ws.readyState !== c.ws.CLOSED);
    await Promise.race([
      Promise.all(
        open.map(
          (c) =>
            new Promise<void>((resolve) => {
              c.ws.once("close", () => resolve());
              c.ws.close(1001, "fake slack stopping");
            }),
        ),
      ),
      new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
    ]);
    this.dropAll();
    for (const [id, list] of this.acks) {
      for (const waiter of list) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`FakeSlack stopped before envelope ${id} was acked`));
      }
    }
    this.acks.clear();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}

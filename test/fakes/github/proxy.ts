/**
 * An HTTP CONNECT proxy on 127.0.0.1 that terminates TLS for the faked hosts with the test
 * certificate and hands each decrypted request to an in-process handler chosen by host.
 * CONNECTs to any other host are refused (403); plain-HTTP proxy requests get 403 too.
 *
 * Point the runtime at it with HTTPS_PROXY=http://127.0.0.1:P and trust the CA with SSL_CERT_FILE.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { TestCertificates } from "./tls.js";

export type HostHandler = (req: IncomingMessage, res: ServerResponse, host: string) => void | Promise<void>;

export interface ConnectAttempt {
  at: number;
  host: string;
  port: number;
  accepted: boolean;
  /** A plain-HTTP request sent to the proxy (e.g. NO_PROXY lacks 127.0.0.1): always refused. */
  plain?: string;
}

/** `*.example.com` matches one or more labels before example.com. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  return pattern.startsWith("*.") && host.endsWith(pattern.slice(1));
}

export class TlsProxy {
  readonly url: string;
  readonly connects: ConnectAttempt[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly tls: HttpsServer,
    private readonly onConnect: () => void,
  ) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /**
   * `routes` maps a host (or `*.domain`) to its handler; the first match wins. Hosts covered by the
   * certificate but not by a route get 404.
   */
  static async start(
    certs: TestCertificates,
    routes: [pattern: string, handler: HostHandler][],
    onConnect: () => void = () => undefined,
  ): Promise<TlsProxy> {
    const tls = createHttpsServer({ key: certs.keyPem, cert: certs.certPem }, (req, res) => {
      const host = (req.headers.host ?? "").replace(/:\d+$/, "");
      const route = routes.find(([p]) => hostMatches(p, host));
      if (!route) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `fake proxy: no fake for ${host}` }));
        return;
      }
      Promise.resolve(route[1](req, res, host)).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
    });
    tls.on("tlsClientError", () => {
      // Clients that do not trust the CA hang up: not the proxy's failure.
    });
    let self: TlsProxy | undefined;
    const server = createServer((req, res) => {
      self?.connects.push({
        at: Date.now(),
        host: "",
        port: 0,
        accepted: false,
        plain: `${req.method} ${req.url}`,
      });
      self?.onConnect();
      res.writeHead(403);
      res.end("fake proxy: CONNECT only");
    });
    server.on("connect", (req: IncomingMessage, socket: Socket, head: Buffer) => {
      self?.handleConnect(req, socket, head, certs.hosts);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    self = new TlsProxy(server, tls, onConnect);
    return self;
  }

  private handleConnect(req: IncomingMessage, socket: Socket, head: Buffer, hosts: string[]): void {
    const [host = "", portText = "443"] = (req.url ?? "").split(":");
    const accepted = hosts.some((p) => hostMatches(p, host));
    this.connects.push({ at: Date.now(), host, port: Number(portText), accepted });
    this.onConnect();
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => {
      // A client hanging up mid-stream is not the proxy's failure.
    });
    if (!accepted) {
      socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length) socket.unshift(head);
    this.tls.emit("connection", socket);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.tls.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

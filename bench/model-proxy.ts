/**
 * A pass-through HTTP proxy in front of the FakeModel that timestamps, per benchmark session, when the
 * model's final chunk (`finish_reason: "stop"`) leaves for the runtime. Sessions are told apart by a
 * tag (`bt0001`…) in their first prompt, which every later request carries in its history.
 */
import { Agent, createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { wallNow } from "./proc.js";

export const TAG = /\bbt\d{4}\b/;

export const tagOf = (i: number): string => `bt${String(i).padStart(4, "0")}`;

export class ModelProxy {
  /** Tag → wall-clock times at which a reply's final chunk was forwarded, oldest first. */
  readonly finals = new Map<string, number[]>();
  readonly baseUrl: string;

  private constructor(private readonly server: Server) {
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}/v1`;
  }

  static async start(target: string): Promise<ModelProxy> {
    const url = new URL(target);
    const agent = new Agent({ keepAlive: true, maxSockets: 512 });
    let self: ModelProxy | undefined;
    const server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const tag = TAG.exec(body.toString("utf8"))?.[0];
        const upstream = request(
          {
            host: url.hostname,
            port: url.port,
            path: req.url,
            method: req.method,
            headers: req.headers,
            agent,
          },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.on("data", (chunk: Buffer) => {
              if (tag && chunk.includes('"finish_reason":"stop"')) self?.finalSent(tag);
              res.write(chunk);
            });
            up.on("end", () => res.end());
            up.on("error", () => res.destroy());
          },
        );
        upstream.on("error", () => res.destroy());
        res.on("close", () => upstream.destroy());
        upstream.end(body);
      });
    });
    await new Promise<void>((done, fail) => {
      server.once("error", fail);
      server.listen(0, "127.0.0.1", () => done());
    });
    self = new ModelProxy(server);
    return self;
  }

  private finalSent(tag: string): void {
    const list = this.finals.get(tag);
    if (list) list.push(wallNow());
    else this.finals.set(tag, [wallNow()]);
  }

  /** The first final chunk of `tag`'s session forwarded after `since` (wall ms). */
  finalAfter(tag: string, since: number): number | undefined {
    return this.finals.get(tag)?.find((t) => t >= since);
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((done) => this.server.close(() => done()));
    this.server.closeAllConnections();
    await closed;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Small HTTP helpers shared by the fake GitHub servers. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

/** One request a fake received (bodies parsed as JSON when they are JSON). */
export interface RecordedRequest {
  at: number;
  method: string;
  host: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
  status?: number;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function recordRequest(req: IncomingMessage, host?: string): Promise<RecordedRequest> {
  const raw = await readBody(req);
  let body: unknown = raw;
  if (raw) {
    try {
      body = JSON.parse(raw);
    } catch {
      // keep the text
    }
  } else body = undefined;
  const url = new URL(req.url ?? "/", "http://x");
  return {
    at: Date.now(),
    method: req.method ?? "GET",
    host: host ?? (req.headers.host ?? "").replace(/:\d+$/, ""),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body,
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, rec?: RecordedRequest): void {
  if (rec) rec.status = status;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, rec?: RecordedRequest): void {
  if (rec) rec.status = status;
  res.writeHead(status, { "content-type": "text/html", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Change notification for waitFor. */
export class Changes {
  private readonly listeners = new Set<() => void>();
  on(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(): void {
    for (const l of [...this.listeners]) l();
  }
}

export function describeRequests(list: RecordedRequest[], n = 20): string {
  return list
    .slice(-n)
    .map((r) => `  ${r.method} ${r.host}${r.path} → ${r.status ?? "…"}`)
    .join("\n");
}

/**
 * HTTP side of the fake: the REST API under /api/v10 (also v9), and attachment downloads
 * (`GET /attachments/:channel/:id/:filename`, the URLs messages carry).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyError, parseBody, readBody } from "./body.js";
import { applyFault, describeFault, type Faults, okRateLimitHeaders } from "./faults.js";
import { type DiscordRateLimiter, rateLimitedBody } from "./rate-limits.js";
import { apiError, type Ctx, findRoute, type Reply, type Route } from "./routes.js";
import { appRoutes } from "./routes-app.js";
import { channelRoutes } from "./routes-channels.js";
import { interactionRoutes } from "./routes-interactions.js";
import { userRoutes } from "./routes-users.js";
import type { RestCall } from "./types.js";

const ROUTES: Route[] = [...appRoutes, ...channelRoutes, ...interactionRoutes, ...userRoutes];

function send(res: ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

export class RestApi {
  constructor(
    private readonly ctx: Ctx,
    private readonly faults: Faults,
    private readonly rateLimits: DiscordRateLimiter,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    try {
      const api = /^\/api\/v(?:9|10)(\/.*)$/.exec(url.pathname);
      if (api?.[1] !== undefined) return await this.api(req, res, api[1], url.searchParams);
      if (url.pathname.startsWith("/attachments/") && req.method === "GET")
        return this.attachment(res, url.pathname);
      send(res, apiError(404, 0, "404: Not Found"));
    } catch (error) {
      if (!res.headersSent) send(res, apiError(500, 0, `500: fake discord crashed: ${String(error)}`));
      else res.destroy();
    }
  }

  private async api(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
  ): Promise<void> {
    const { state } = this.ctx;
    const method = (req.method ?? "GET").toUpperCase();
    const raw = await readBody(req);
    const auth = req.headers.authorization;
    const call: RestCall = {
      method,
      path,
      query: Object.fromEntries(query),
      body: undefined,
      files: [],
      auth,
      at: Date.now(),
      status: 0,
    };
    let reply: Reply;
    let limitHeaders: Record<string, string> | undefined;
    try {
      const parsed = await parseBody(raw, req.headers["content-type"]);
      call.body = parsed.body;
      call.files = parsed.files;
      const fault = this.faults.take(method, path);
      if (fault !== undefined) {
        call.fault = describeFault(fault);
        call.status = "status" in fault ? fault.status : 0;
        state.recordCall(call);
        applyFault(fault, res, method, path);
        return;
      }
      const found = findRoute(ROUTES, method, path);
      const verdict =
        typeof found === "object"
          ? this.rateLimits.check(method, found.route.pattern, found.params)
          : undefined;
      limitHeaders = verdict?.headers;
      if (found === undefined) reply = apiError(404, 0, "404: Not Found");
      else if (found === "method") reply = apiError(405, 0, "405: Method Not Allowed");
      else if (verdict?.ok === false) {
        // Answered before the handler runs: nothing is posted, edited or deleted.
        call.rateLimited = verdict.global ? "global" : "user";
        reply = { status: 429, body: rateLimitedBody(verdict) };
      } else if (found.route.auth && auth !== `Bot ${state.id.token}`)
        reply = apiError(401, 0, "401: Unauthorized");
      else {
        reply = found.route.handler(
          { method, path, params: found.params, query, body: parsed.body, files: parsed.files },
          this.ctx,
        );
      }
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      reply = apiError(400, 50109, error.message);
    }
    call.status = reply.status;
    // Recorded after the handler ran, so a waitFor woken by this call already sees its effects.
    state.recordCall(call);
    send(res, reply, limitHeaders ?? okRateLimitHeaders(method, path));
  }

  private attachment(res: ServerResponse, pathname: string): void {
    const [, , channel, id] = pathname.split("/");
    const m = this.ctx.state.messages.find(
      (x) => x.channel_id === channel && x.attachments.some((a) => a.id === id),
    );
    const upload = id === undefined ? undefined : this.ctx.state.modalUploads.get(id);
    const a =
      m?.attachments.find((x) => x.id === id) ??
      (upload !== undefined && upload.channelId === channel ? upload.attachment : undefined);
    if (a === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("fake discord: no such attachment");
      return;
    }
    res.writeHead(200, {
      "content-type": a.content_type ?? "application/octet-stream",
      "content-length": a.bytes.length,
    });
    res.end(a.bytes);
  }
}

/**
 * HTTP side of the fake: the Web API (`POST /api/<method>`), the external upload URLs
 * (`POST /upload/<file id>`) and the response_urls handed out in payloads (`POST /response/<id>`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseArgs, parseMultipart, readBody } from "./body.js";
import { applyFault, type Faults } from "./faults.js";
import { checkMessage } from "./limits.js";
import { coreMethods, fail, type Method, type MethodContext, type Result } from "./methods.js";
import { agentMethods } from "./methods-agents.js";
import { imMethods } from "./methods-im.js";
import { streamMethods } from "./methods-streams.js";
import { viewFileMethods } from "./methods-views-files.js";
import type { SlackRateLimiter } from "./rate-limits.js";
import { missingScope } from "./scopes.js";
import type { ApiCall } from "./types.js";

const METHODS: Record<string, Method> = {
  ...coreMethods,
  ...viewFileMethods,
  ...imMethods,
  ...streamMethods,
  ...agentMethods,
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  return match?.[1]?.trim();
}

export class WebApi {
  constructor(
    private readonly ctx: MethodContext,
    private readonly faults: Faults,
    private readonly rateLimits: SlackRateLimiter,
  ) {}

  /** Routes one HTTP request; answers 404 for paths the fake does not serve. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    try {
      if (req.method !== "POST" && req.method !== "GET") {
        res.writeHead(405).end();
        return;
      }
      if (path.startsWith("/api/")) return await this.api(req, res, decodeURIComponent(path.slice(5)));
      if (path.startsWith("/upload/") && req.method === "POST")
        return await this.upload(req, res, path.slice(8));
      if (path.startsWith("/response/") && req.method === "POST") {
        return await this.respond(req, res, path.slice(10));
      }
      res.writeHead(404, { "content-type": "text/plain" }).end(`fake slack: no route for ${path}`);
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: "fatal_error", detail: String(error) });
      else res.destroy();
    }
  }

  private async api(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const raw = await readBody(req);
    const { state } = this.ctx;
    let args: Record<string, unknown>;
    try {
      args = await parseArgs(raw, req.headers["content-type"]);
    } catch {
      args = {};
    }
    const token =
      bearer(req.headers.authorization) ?? (typeof args.token === "string" ? args.token : undefined);
    delete args.token;
    const call: ApiCall = { method, args, token, at: Date.now() };
    const fault = this.faults.take(method);
    const slowReplyMs = fault && "slowReplyMs" in fault ? fault.slowReplyMs : 0;
    if (fault && slowReplyMs === 0) {
      call.fault = fault;
      state.recordCall(call);
      applyFault(fault, res, token);
      return;
    }
    const verdict = this.rateLimits.check(method, args);
    if (!verdict.ok) {
      // Answered like Slack's edge, before the method runs: nothing is posted or changed.
      call.rateLimited = verdict.retryAfter;
      state.recordCall(call);
      applyFault({ status: 429, retryAfter: verdict.retryAfter }, res);
      return;
    }
    const handler = METHODS[method];
    let result: Result;
    if (handler === undefined) {
      result = fail("unknown_method");
    } else {
      const expected = method === "apps.connections.open" ? state.id.appToken : state.id.botToken;
      result =
        token !== expected
          ? fail("invalid_auth")
          : (missingScope(method, state.scopes) ?? handler(args, this.ctx));
    }
    // Recorded after the handler ran, so a waitFor woken by this call already sees its effects.
    if (fault) call.fault = fault;
    state.recordCall(call);
    if (slowReplyMs > 0) await new Promise((done) => setTimeout(done, slowReplyMs));
    sendJson(res, 200, result);
  }

  /** The upload_url of files.getUploadURLExternal: multipart (part "body", as web-api sends) or raw bytes. */
  private async upload(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const raw = await readBody(req);
    const { state } = this.ctx;
    const pending = state.pendingUploads.get(id);
    if (pending === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("unknown upload");
      return;
    }
    const contentType = req.headers["content-type"] ?? "";
    let bytes = raw;
    if (contentType.toLowerCase().startsWith("multipart/form-data")) {
      const form = await parseMultipart(raw, contentType);
      const part =
        form.get("body") ?? form.get("file") ?? [...form.values()].find((v) => typeof v !== "string");
      if (part === null || part === undefined) {
        res.writeHead(400, { "content-type": "text/plain" }).end("no file part");
        return;
      }
      bytes = typeof part === "string" ? Buffer.from(part) : Buffer.from(await part.arrayBuffer());
    }
    pending.bytes = bytes;
    state.changed();
    res.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${bytes.length}`);
  }

  /** A response_url: replace/delete the original message, post in channel, or (default) ephemeral. */
  private async respond(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const raw = await readBody(req);
    const { state } = this.ctx;
    const target = state.responseTargets.get(id);
    if (target === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("unknown response_url");
      return;
    }
    const body = await parseArgs(raw, req.headers["content-type"] ?? "application/json");
    const url = `${this.ctx.baseUrl}/response/${id}`;
    state.responses.push({ url, body, at: Date.now() });
    const limit = checkMessage(body);
    if (limit) {
      state.changed();
      sendJson(res, 200, fail(limit.error, limit.errors ? { errors: limit.errors } : {}));
      return;
    }
    const original =
      target.messageTs === undefined ? undefined : state.findMessage(target.channel, target.messageTs);
    const text = typeof body.text === "string" ? body.text : "";
    const blocks = Array.isArray(body.blocks) ? { blocks: body.blocks as unknown[] } : {};
    if (body.delete_original === true || body.delete_original === "true") {
      if (original) state.messages.splice(state.messages.indexOf(original), 1);
    } else if ((body.replace_original === true || body.replace_original === "true") && original) {
      original.text = text;
      if (Array.isArray(body.blocks)) original.blocks = body.blocks as unknown[];
      original.edits += 1;
    } else if (body.response_type === "in_channel") {
      const threadTs = typeof body.thread_ts === "string" ? body.thread_ts : undefined;
      state.messages.push({
        channel: target.channel,
        ts: state.nextTs(),
        ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
        text,
        ...blocks,
        user: state.id.botUserId,
        bot_id: state.id.botId,
        edits: 0,
      });
    } else {
      state.ephemerals.push({
        channel: target.channel,
        user: target.user,
        text,
        ...blocks,
        ...(target.threadTs !== undefined ? { thread_ts: target.threadTs } : {}),
      });
    }
    state.changed();
    sendJson(res, 200, { ok: true });
  }
}

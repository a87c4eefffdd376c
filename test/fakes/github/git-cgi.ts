/**
 * Runs the real `git http-backend` CGI for one request: the request body is streamed into it, and
 * its CGI response (headers such as `Status:` and `Content-Type:`, a blank line, the body) is turned
 * into the HTTP response.
 */
import { execFileSync, spawn } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";

let backendPath: string | undefined;

/** `$(git --exec-path)/git-http-backend`. */
export function httpBackend(): string {
  backendPath ??= join(execFileSync("git", ["--exec-path"], { encoding: "utf8" }).trim(), "git-http-backend");
  return backendPath;
}

/** One run of the CGI, as recorded: its command, arguments and the environment it was given. */
export interface CgiRun {
  at: number;
  command: string;
  args: string[];
  env: Record<string, string>;
  exitCode?: number | null;
  stderr: string;
}

export interface CgiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  projectRoot: string;
  /** `/<owner>/<repo>.git/<service path>`. */
  pathInfo: string;
  query: string;
  /** The authenticated user (enables receive-pack), if any. */
  remoteUser?: string;
  /** Base environment (PATH, HOME, …): nothing of the caller's git configuration. */
  baseEnv: Record<string, string>;
  /** Rewrites the whole body before it is sent (the body is then buffered). */
  rewrite?: (body: Buffer) => Buffer;
}

function headerEnd(buf: Buffer): { at: number; sep: number } | undefined {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, sep: 4 };
  if (lf >= 0) return { at: lf, sep: 2 };
  return undefined;
}

function parseHeaders(text: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers };
}

/** Runs the CGI for `r` and answers the request; resolves with the recorded run once it exits. */
export function runCgi(r: CgiRequest): Promise<CgiRun> {
  const { req, res } = r;
  const env: Record<string, string> = {
    ...r.baseEnv,
    GIT_PROJECT_ROOT: r.projectRoot,
    GIT_HTTP_EXPORT_ALL: "1",
    GATEWAY_INTERFACE: "CGI/1.1",
    SERVER_PROTOCOL: "HTTP/1.1",
    REQUEST_METHOD: req.method ?? "GET",
    PATH_INFO: r.pathInfo,
    QUERY_STRING: r.query,
    REMOTE_ADDR: "127.0.0.1",
  };
  const h = req.headers;
  if (h["content-type"]) env.CONTENT_TYPE = h["content-type"];
  if (h["content-length"]) env.CONTENT_LENGTH = h["content-length"];
  if (typeof h["content-encoding"] === "string") env.HTTP_CONTENT_ENCODING = h["content-encoding"];
  if (typeof h["git-protocol"] === "string") env.GIT_PROTOCOL = h["git-protocol"];
  if (r.remoteUser) env.REMOTE_USER = r.remoteUser;

  const run: CgiRun = { at: Date.now(), command: httpBackend(), args: [], env, stderr: "" };
  const child = spawn(run.command, run.args, { env, stdio: ["pipe", "pipe", "pipe"] });
  child.stdin.on("error", () => {
    // The CGI may answer (and exit) before reading the whole body.
  });
  req.pipe(child.stdin);
  child.stderr.on("data", (c: Buffer) => {
    run.stderr += c.toString("utf8");
  });

  let head = Buffer.alloc(0);
  let started = false;
  const body: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    if (started) {
      if (r.rewrite) body.push(chunk);
      else res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = headerEnd(head);
    if (!end) return;
    started = true;
    const { status, headers } = parseHeaders(head.subarray(0, end.at).toString("latin1"));
    const rest = head.subarray(end.at + end.sep);
    if (r.rewrite) {
      res.statusCode = status;
      for (const [k, v] of Object.entries(headers))
        if (k.toLowerCase() !== "content-length") res.setHeader(k, v);
      body.push(rest);
      return;
    }
    res.writeHead(status, headers);
    if (rest.length) res.write(rest);
  });
  return new Promise<CgiRun>((resolve) => {
    child.on("close", (code) => {
      run.exitCode = code;
      if (!started) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`git http-backend gave no response: ${run.stderr}`);
      } else if (r.rewrite) {
        const text = r.rewrite(Buffer.concat(body));
        res.setHeader("content-length", text.length);
        res.end(text);
      } else res.end();
      resolve(run);
    });
    child.on("error", (err) => {
      run.stderr += String(err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
      resolve(run);
    });
  });
}

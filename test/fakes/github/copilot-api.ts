/**
 * A fake Copilot API (`endpoints.api` of `/copilot_internal/user`) on plain http 127.0.0.1, for the
 * real runtime running model turns as a person's GitHub token without a bring-your-own-key provider:
 *
 * - `GET …/models` → one model (`fake-model`, Copilot API shape: `modelList`);
 * - `POST …/chat/completions` → forwarded to a FakeModel's `/v1/chat/completions`, streamed back as is
 *   (the Authorization header is not passed on: the FakeModel records the body only);
 * - anything else (the built-in GitHub MCP server's `POST /mcp/readonly`) → 404.
 *
 * Every request's bearer token is checked against `tokens` (`gh.tokens`) first: none, unknown or
 * revoked → 401 `{"message":"Bad credentials"}`. Each call is recorded in `calls` with the token's
 * login and fingerprint, never the token. `FakeGitHub.serveCopilotApi(model)` starts one and also
 * routes `*.githubcopilot.com` (through the fake's TLS proxy) to `handle`: the runtime falls back to
 * `https://api.githubcopilot.com/chat/completions` when `/models` fails.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tokenFingerprint } from "./device.js";
import { type Changes, sendJson } from "./http.js";
import { type AuthScheme, type FakeTokens, parseAuthorization } from "./tokens.js";

/** The model list the runtime reads from `{endpoints.api}/models` (Copilot API shape, one model). */
export function modelList(id: string): Record<string, unknown> {
  return {
    object: "list",
    data: [
      {
        id,
        name: id,
        object: "model",
        vendor: "Fake",
        version: "1",
        preview: false,
        model_picker_enabled: true,
        capabilities: {
          family: id,
          type: "chat",
          object: "model_capabilities",
          tokenizer: "o200k_base",
          limits: { max_context_window_tokens: 128000, max_output_tokens: 4096, max_prompt_tokens: 64000 },
          supports: { streaming: true, tool_calls: true, parallel_tool_calls: true },
        },
        policy: { state: "enabled" },
        supported_endpoints: ["/chat/completions"],
      },
    ],
  };
}

/**
 * Sends `req` on to `target` (an http URL) and streams the answer back; `onStatus` gets the upstream
 * status once its headers arrive.
 */
export function forwardRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: URL,
  onStatus: (status: number) => void = () => undefined,
): void {
  const headers = { ...req.headers, host: target.host };
  const upstream = request(target, { method: req.method ?? "GET", headers }, (up) => {
    onStatus(up.statusCode ?? 0);
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  // The target unreachable or hanging up: so does this answer (no status is noted).
  upstream.on("error", () => res.destroy());
  req.pipe(upstream);
}

/** One call to the Copilot API, as recorded (never the token). */
export interface CopilotApiCall {
  at: number;
  /** `127.0.0.1` (`endpoints.api`), or the `*.githubcopilot.com` host it reached through the proxy. */
  host: string;
  method: string;
  /** Path without the query string (with `endpointPath`, e.g. `/v1/models`). */
  path: string;
  auth: AuthScheme;
  /** `tokenFingerprint(token)`, when the request carried a token. */
  fingerprint?: string;
  /** The token's login in `gh.tokens`; undefined for no, an unknown or a revoked token (answered 401). */
  login: string | undefined;
  /** The answer's status (a forwarded chat completion: the FakeModel's), once known. */
  status?: number;
}

/** What the Copilot API forwards chat completions to: a FakeModel (its `baseUrl` ends in `/v1`). */
export interface ChatModel {
  readonly baseUrl: string;
}

export class FakeCopilotApi {
  /** The model id `GET /models` lists. */
  readonly modelId = "fake-model";
  /** `http://127.0.0.1:<port>`, without `endpointPath`. */
  readonly url: string;
  /** Every call (the 127.0.0.1 server and `*.githubcopilot.com` through the proxy), in order. */
  readonly calls: CopilotApiCall[] = [];
  /** Status of `GET …/models` (200: the list). Anything else makes the runtime fall back to api.githubcopilot.com. */
  modelsStatus = 200;
  /** Path appended to `url` in `endpoint` (what `/copilot_internal/user` hands out as `endpoints.api`). */
  endpointPath = "";
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly model: ChatModel,
    private readonly tokens: Pick<FakeTokens, "login">,
    private readonly changes: Changes | undefined,
  ) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  /** Listens on 127.0.0.1 (a free port). `changes` is told of every call (for `gh.waitFor`). */
  static async start(
    model: ChatModel,
    tokens: Pick<FakeTokens, "login">,
    changes?: Changes,
  ): Promise<FakeCopilotApi> {
    let self: FakeCopilotApi | undefined;
    const server = createServer((req, res) => self?.handle(req, res, "127.0.0.1"));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    self = new FakeCopilotApi(server, model, tokens, changes);
    return self;
  }

  /** `endpoints.api`: `url` + `endpointPath`. */
  get endpoint(): string {
    return this.url + this.endpointPath;
  }

  /** The calls made with `login`'s tokens (a revoked token's calls have no login). */
  callsOf(login: string): CopilotApiCall[] {
    return this.calls.filter((c) => c.login === login);
  }

  /** Serves one request; `host` is what it is recorded under (the proxy passes the TLS host). */
  readonly handle = (req: IncomingMessage, res: ServerResponse, host: string): void => {
    const cred = parseAuthorization(req.headers.authorization);
    const login = cred.token === undefined ? undefined : this.tokens.login(cred.token);
    const call: CopilotApiCall = {
      at: Date.now(),
      host,
      method: req.method ?? "GET",
      path: new URL(req.url ?? "/", "http://x").pathname,
      auth: cred.scheme,
      ...(cred.token === undefined ? {} : { fingerprint: tokenFingerprint(cred.token) }),
      login,
    };
    this.calls.push(call);
    this.changes?.emit();
    const done = (status: number) => {
      call.status = status;
      this.changes?.emit();
    };
    const answer = (status: number, body: unknown) => {
      req.resume();
      sendJson(res, status, body);
      done(status);
    };
    if (login === undefined) {
      answer(401, { message: "Bad credentials" });
    } else if (call.method === "GET" && call.path.endsWith("/models")) {
      answer(
        this.modelsStatus,
        this.modelsStatus === 200 ? modelList(this.modelId) : { message: "fake Copilot API: no models" },
      );
    } else if (call.method === "POST" && call.path.endsWith("/chat/completions")) {
      const { authorization: _, ...headers } = req.headers;
      req.headers = headers;
      forwardRequest(req, res, new URL(`${this.model.baseUrl}/chat/completions`), done);
    } else {
      answer(404, { message: "fake Copilot API: no such route" });
    }
  };

  /** `calls` as text, for timeout messages. */
  describe(n = 10): string {
    return this.calls
      .slice(-n)
      .map((c) => `  ${c.method} ${c.host}${c.path} (${c.login ?? c.auth}) → ${c.status ?? "…"}`)
      .join("\n");
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections();
    await closed;
  }
}

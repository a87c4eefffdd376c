/**
 * Helpers for runtime-identity-probe.test.ts: what the real runtime does with a per-session GitHub
 * token when there is no bring-your-own-key provider.
 *
 * `identityRig(t)`: FakeGitHub + FakeModel + one client whose own token is `gh.gitHubToken`, with, in
 * front of the fakes, recorders of its own that note the token of every request (the fakes' own
 * records redact or drop it):
 * - a TLS proxy like `gh.proxy` (same CA) for api.github.com, which answers `/copilot_internal/user`
 *   per token itself (401 for a token `gh.tokens` does not know, else the token's login and
 *   `endpoints.api` = the FakeCopilotApi) and hands everything else to `gh.api`; it also serves
 *   `*.githubcopilot.com` (the runtime's built-in Copilot API) with the FakeCopilotApi;
 * - a relay in front of Mission Control (COPILOT_MC_BASE_URL);
 * - `FakeCopilotApi`, a plain-http Copilot API on 127.0.0.1: `GET /models` (one model) and
 *   `POST /chat/completions`, forwarded to the FakeModel.
 *
 * The shared fake GitHub has a Copilot API too (`gh.serveCopilotApi(model)`, the `FakeCopilotApi` of
 * github/copilot-api.ts, whose model list and forwarding this file reuses), but this rig keeps its
 * own: it must see each call's token as sent, which the shared one never records, and its API
 * refuses only the tokens in `refuse`, apart from `gh.tokens`, where the shared one refuses every
 * token `gh.tokens` does not know (the restart case revokes alice at api.github.com and still expects
 * her turn to reach the model).
 *
 * The client has its own COPILOT_CACHE_HOME: the runtime caches `/copilot_internal/user` answers per
 * token on disk (`<cache home>/copilot-user-cache.json`, by default `~/.cache/copilot`, shared by every
 * run on the machine).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import {
  CopilotClient,
  type CopilotSession,
  type SessionConfig,
  type SessionEvent,
} from "@github/copilot-sdk";
import { forwardRequest, modelList } from "./github/copilot-api.js";
import { Changes, sendJson } from "./github/http.js";
import { FakeGitHub, type StartOptions } from "./github/index.js";
import { type HostHandler, TlsProxy } from "./github/proxy.js";
import { parseAuthorization } from "./github/tokens.js";
import { FakeModel } from "./model/index.js";
import { waitUntil } from "./wait.js";

/** One request, reduced to what identifies its caller. */
export interface SeenCall {
  at: number;
  /** `api.github.com`, `copilot-api` (endpoints.api), `<host>.githubcopilot.com` or `mission-control`. */
  where: string;
  method: string;
  /** Path without the query string. */
  path: string;
  /** The bearer (or `token`) credential, as sent. */
  token: string | undefined;
  /** The Authorization header, as sent. */
  authorization: string | undefined;
  status?: number;
}

/** Where the rig's recorders note calls, and tell waiters about them. */
class Calls {
  readonly list: SeenCall[] = [];
  readonly changes = new Changes();

  seen(req: IncomingMessage, where: string): SeenCall {
    const call: SeenCall = {
      at: Date.now(),
      where,
      method: req.method ?? "GET",
      path: new URL(req.url ?? "/", "http://x").pathname,
      token: parseAuthorization(req.headers.authorization).token,
      authorization: req.headers.authorization,
    };
    this.list.push(call);
    this.changes.emit();
    return call;
  }

  done(call: SeenCall, status: number): void {
    call.status = status;
    this.changes.emit();
  }
}

/** Sends `req` on to `target` (an http origin) and streams the answer back, noting its status. */
function forward(req: IncomingMessage, res: ServerResponse, target: URL, calls: Calls, call: SeenCall): void {
  forwardRequest(req, res, target, (status) => calls.done(call, status));
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

async function close(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

/**
 * A Copilot API (`endpoints.api`) on 127.0.0.1: `GET …/models` lists `modelId`, `POST …/chat/completions`
 * goes to the FakeModel's `/v1/chat/completions`; anything else (the built-in GitHub MCP server's
 * `/mcp/readonly`) 404. `refuse` answers 401 to every request carrying one of its tokens.
 */
export class FakeCopilotApi {
  readonly refuse = new Set<string>();
  /** Status of `GET /models` (200: the list). */
  modelsStatus = 200;
  /** Path appended to `url` in the `endpoints.api` handed out by `/copilot_internal/user`. */
  endpointPath = "";
  readonly url: string;
  readonly modelId = "fake-model";

  private constructor(
    private readonly server: Server,
    private readonly model: FakeModel,
    private readonly calls: Calls,
  ) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  static async start(model: FakeModel, calls: Calls): Promise<FakeCopilotApi> {
    let self: FakeCopilotApi | undefined;
    const server = await listen((req, res) => self?.handle(req, res, "copilot-api"));
    self = new FakeCopilotApi(server, model, calls);
    return self;
  }

  /** Also serves `*.githubcopilot.com` through the rig's proxy (`where` is then the host). */
  readonly handle = (req: IncomingMessage, res: ServerResponse, where: string): void => {
    const call = this.calls.seen(req, where);
    const answer = (status: number, body: unknown) => {
      req.resume();
      sendJson(res, status, body);
      this.calls.done(call, status);
    };
    if (call.token !== undefined && this.refuse.has(call.token)) {
      answer(401, { message: "Bad credentials" });
    } else if (call.method === "GET" && call.path.endsWith("/models")) {
      answer(
        this.modelsStatus,
        this.modelsStatus === 200 ? modelList(this.modelId) : { message: "fake: no models" },
      );
    } else if (call.method === "POST" && call.path.endsWith("/chat/completions")) {
      // The FakeModel records the body; the Authorization it sees is left out (it is the runtime's
      // to the Copilot API, recorded here).
      const { authorization: _, ...headers } = req.headers;
      req.headers = headers;
      forward(req, res, new URL(`${this.model.baseUrl}/chat/completions`), this.calls, call);
    } else {
      answer(404, { message: "fake Copilot API: no such route" });
    }
  };

  stop(): Promise<void> {
    return close(this.server);
  }
}

/**
 * api.github.com as the rig's proxy serves it: `/copilot_internal/user` answered per token (401
 * `Bad credentials` for a token `gh.tokens` does not know, else its login and `endpoints.api` = `api`),
 * the rest handed to `gh.api`. Every request is noted first.
 */
function githubApi(gh: FakeGitHub, api: FakeCopilotApi, calls: Calls): HostHandler {
  return async (req, res, host) => {
    const call = calls.seen(req, "api.github.com");
    if (call.method !== "GET" || call.path !== "/copilot_internal/user") {
      res.on("finish", () => calls.done(call, res.statusCode));
      await gh.api.handle(req, res, host);
      return;
    }
    req.resume();
    const login = call.token === undefined ? undefined : gh.tokens.login(call.token);
    if (login === undefined) {
      sendJson(res, 401, { message: "Bad credentials" });
      calls.done(call, 401);
      return;
    }
    sendJson(res, 200, {
      login,
      chat_enabled: true,
      copilot_plan: "individual",
      access_type_sku: "free_educational",
      endpoints: {
        api: api.url + api.endpointPath,
        proxy: api.url,
        telemetry: api.url,
        "origin-tracker": api.url,
      },
    });
    calls.done(call, 200);
  };
}

export interface IdentityRig {
  gh: FakeGitHub;
  model: FakeModel;
  api: FakeCopilotApi;
  client: CopilotClient;
  /**
   * Another client like `client` (same token, environment and cache home), its state in `<home>/<dir>`;
   * stopped in t.after. `newClient("state")` after `client.stop()` is the bridge restarted.
   */
  newClient(dir: string): CopilotClient;
  cwd: string;
  /** Every request the recorders saw (api.github.com, the Copilot APIs, Mission Control), in order. */
  calls(): SeenCall[];
  /** `calls()` as `"<where> <METHOD> <path> <name>"`, `names` mapping tokens to names (`?`: unnamed, `-`: none). */
  trace(names: Record<string, string>, filter?: (c: SeenCall) => boolean): string[];
  /** Resolves with the first truthy `probe()`, re-checked on every request seen and every 50 ms. */
  until<T>(probe: () => T | undefined | false | null, what: string, timeoutMs?: number): Promise<T>;
  /** A session on `client` without a provider (so the Copilot API is the model), recording its events. */
  open(extra?: Partial<SessionConfig>): Promise<{ session: CopilotSession; events: SessionEvent[] }>;
}

export async function identityRig(
  t: TestContext,
  opts: StartOptions & { noClientToken?: boolean } = {},
): Promise<IdentityRig> {
  const gh = await FakeGitHub.start(opts);
  const model = await FakeModel.start();
  const calls = new Calls();
  const api = await FakeCopilotApi.start(model, calls);
  const proxy = await TlsProxy.start(gh.certs, [
    ["api.github.com", githubApi(gh, api, calls)],
    ["*.githubcopilot.com", (req, res, host) => api.handle(req, res, host)],
  ]);
  const mc = await listen((req, res) => {
    const call = calls.seen(req, "mission-control");
    forward(req, res, new URL(req.url ?? "/", gh.mc.baseUrl), calls, call);
  });
  const home = mkdtempSync(join(tmpdir(), "ccb-identity-"));
  const cwd = gh.gitRepo();
  const base = gh.clientOptions();
  const env = {
    ...base.env,
    HTTPS_PROXY: proxy.url,
    https_proxy: proxy.url,
    COPILOT_MC_BASE_URL: `http://127.0.0.1:${(mc.address() as AddressInfo).port}`,
    COPILOT_CACHE_HOME: join(home, "cache"),
  };
  const clients: CopilotClient[] = [];
  const newClient = (dir: string) => {
    const c = new CopilotClient({
      ...(opts.noClientToken ? { useLoggedInUser: false } : { gitHubToken: base.gitHubToken }),
      env,
      baseDirectory: join(home, dir),
      workingDirectory: cwd,
      logLevel: "error",
    });
    clients.push(c);
    return c;
  };
  const client = newClient("state");
  t.after(async () => {
    for (const c of clients) await c.stop();
    await close(mc);
    await proxy.stop();
    await api.stop();
    await model.stop();
    await gh.stop();
    rmSync(home, { recursive: true, force: true });
  });
  const trace = (names: Record<string, string>, filter: (c: SeenCall) => boolean = () => true) =>
    calls.list
      .filter(filter)
      .map(
        (c) => `${c.where} ${c.method} ${c.path} ${c.token === undefined ? "-" : (names[c.token] ?? "?")}`,
      );
  const until = <T>(probe: () => T | undefined | false | null, what: string, timeoutMs = 10_000) =>
    waitUntil(
      "identity probe",
      (l) => calls.changes.on(l),
      () =>
        calls.list
          .slice(-20)
          .map((c) => `  ${c.where} ${c.method} ${c.path} → ${c.status ?? "…"}`)
          .join("\n"),
      probe,
      { timeoutMs, what },
    );
  const open = async (extra: Partial<SessionConfig> = {}) => {
    const events: SessionEvent[] = [];
    const session = await client.createSession({
      model: api.modelId,
      workingDirectory: cwd,
      onPermissionRequest: () => ({ kind: "no-result" }),
      onEvent: (e) => events.push(e),
      ...extra,
    });
    return { session, events };
  };
  return { gh, model, api, client, newClient, cwd, calls: () => [...calls.list], trace, until, open };
}

/** The events of one type, typed. */
export const eventsOf = <K extends SessionEvent["type"]>(events: SessionEvent[], type: K) =>
  events.filter((e): e is Extract<SessionEvent, { type: K }> => e.type === type);

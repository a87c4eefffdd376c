/**
 * Offline GitHub for the real Copilot runtime: a TLS-terminating CONNECT proxy serving a fake
 * api.github.com, and a fake Mission Control (remote sessions, commands "from github.com", cloud tasks).
 *
 *   const gh = await FakeGitHub.start();
 *   const client = new CopilotClient({ ...gh.clientOptions(), baseDirectory, … });
 *
 * See README.md for the contract and what the runtime does with it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitUntil } from "../wait.js";
import { FakeApi } from "./api.js";
import type { CloudReply, CloudTasks, WorkerMode } from "./cloud.js";
import { type ChatModel, FakeCopilotApi } from "./copilot-api.js";
import { FakeDevice } from "./device.js";
import { FakeGit } from "./git.js";
import { Changes, describeRequests, type RecordedRequest } from "./http.js";
import { MissionControl, type SessionsMode } from "./mission-control.js";
import { type HostHandler, TlsProxy } from "./proxy.js";
import { FakePulls } from "./pulls.js";
import { makeTestCertificates, type TestCertificates } from "./tls.js";
import { FakeTokens } from "./tokens.js";

export type { FakeRepo, FakeUser } from "./api.js";
export type { CloudReply, CloudTask, WorkerEvent, WorkerMode } from "./cloud.js";
export { type ChatModel, type CopilotApiCall, FakeCopilotApi, modelList } from "./copilot-api.js";
export {
  ACCESS_TOKEN_SECONDS,
  type ApproveOptions,
  DEVICE_GRANT_TYPE,
  type DeviceAuthorization,
  type DeviceCodeState,
  type DevicePoll,
  type FakeDevice,
  type IssuedToken,
  type OAuthApp,
  type PollOutcome,
  REFRESH_TOKEN_SECONDS,
  type RefreshAttempt,
  tokenFingerprint,
} from "./device.js";
export type { CgiRun, CommitInfo, CreateRepoOptions, GitFault, GitRequest, GitService } from "./git.js";
export type { RecordedRequest } from "./http.js";
export type {
  McCaller,
  McCommand,
  McEvent,
  McSession,
  PushedCommand,
  SessionsMode,
} from "./mission-control.js";
export type { PullRequest, PullsFault, PullsRequest } from "./pulls.js";
export { makeTestCertificates, type TestCertificates } from "./tls.js";
export type { Access, AuthScheme, TokenOptions } from "./tokens.js";

export interface GitHubModes {
  /** How `POST /sessions` (and `GET /sessions/{id}`) answer. Default "ok". */
  sessions?: SessionsMode;
  /** true: Mission Control's port refuses connections (listener closed); false: listening again. */
  unreachable?: boolean;
  /** Fields merged into `/copilot_internal/user`, e.g. `{cli_remote_control_enabled: false}`. */
  user?: Record<string, unknown>;
  /** Status of `/copilot_internal/user` (e.g. 401). Default 200. */
  userStatus?: number;
  /** Status of `POST /tasks` (201 creates a task; anything else fails cloud create at once). */
  tasksStatus?: number;
  /** The simulated cloud worker. Default "ok". */
  worker?: WorkerMode;
  /** Delay before a new task's worker publishes its first events (the runtime gives up after ~10 s). */
  workerStartMs?: number;
  /** Answer of the sandbox enforcement RPC (`{required, blocked, reason?}`); `null` leaves it pending. */
  enforcement?: Record<string, unknown> | null;
  /** The cloud worker's reply to a steered prompt. Default `Cloud says: <prompt>`. */
  cloudReply?: CloudReply;
}

export interface StartOptions extends GitHubModes {
  /** `COPILOT_MC_FRONTEND_URL`, the prefix of remote URLs. Default `https://github.com` (the runtime's own default). */
  frontendUrl?: string;
}

/** The Enterprise Server host the proxy serves (covered by the test certificate's `*.github.com`). */
const ENTERPRISE_HOST = "ghe.github.com";

function pathOf(url: string | undefined): string {
  return new URL(url ?? "/", "http://x").pathname;
}

export class FakeGitHub {
  readonly gitHubToken = "gho_fake_token_for_tests";
  readonly api: FakeApi;
  readonly mc: MissionControl;
  readonly cloud: CloudTasks;
  /** Tokens github.com and the pulls API know (`gitHubToken` may write everywhere). */
  readonly tokens: FakeTokens;
  /** github.com git smart HTTP over bare repositories (see git.ts). */
  readonly git: FakeGit;
  /** The pulls REST API on api.github.com, over `git`'s repositories (see pulls.ts). */
  readonly pulls: FakePulls;
  /** The OAuth device flow on github.com (and `enterpriseHost`) and the token API (see device.ts). */
  readonly device: FakeDevice;
  /**
   * A GitHub Enterprise Server host behind the same proxy: `https://<host>/login/…` is the device flow,
   * `https://<host>/api/v3/…` the REST API (FakeApi, its paths without the prefix). Tokens are shared.
   */
  readonly enterpriseHost = ENTERPRISE_HOST;
  readonly proxy: TlsProxy;
  readonly certs: TestCertificates;
  readonly frontendUrl: string;
  private readonly changes: Changes;
  private readonly dirs: string[] = [];
  private copilot: FakeCopilotApi | undefined;

  private constructor(parts: {
    changes: Changes;
    proxy: TlsProxy;
    certs: TestCertificates;
    api: FakeApi;
    mc: MissionControl;
    frontendUrl: string;
    tokens: FakeTokens;
    git: FakeGit;
    pulls: FakePulls;
    device: FakeDevice;
  }) {
    this.changes = parts.changes;
    this.proxy = parts.proxy;
    this.certs = parts.certs;
    this.api = parts.api;
    this.mc = parts.mc;
    this.cloud = parts.mc.cloud;
    this.frontendUrl = parts.frontendUrl;
    this.tokens = parts.tokens;
    this.git = parts.git;
    this.pulls = parts.pulls;
    this.device = parts.device;
  }

  static async start(opts: StartOptions = {}): Promise<FakeGitHub> {
    const changes = new Changes();
    const certs = makeTestCertificates();
    const tokens = new FakeTokens();
    const api = new FakeApi(changes, tokens);
    api.addRepo("octo", "demo");
    const mc = new MissionControl(changes, tokens);
    await mc.listen();
    const device = new FakeDevice(tokens, changes, (login, name) => {
      api.user(login, name);
    });
    api.delegates.push({ matches: FakeDevice.matchesApi, handle: device.handleApi });
    const git = new FakeGit(tokens, changes, (owner, name, branch) => {
      api.addRepo(owner, name).defaultBranch = branch;
    });
    const pulls = new FakePulls(tokens, git, changes);
    api.delegates.push({ matches: FakePulls.matches, handle: pulls.handle });
    const dotCom: HostHandler = (req, res, host) =>
      FakeDevice.matches(pathOf(req.url)) ? device.handle(req, res, host) : git.handle(req, res);
    let self: FakeGitHub | undefined;
    // The runtime's built-in Copilot API hosts: the fake Copilot API while it is on, else (as for any
    // certificate host without a fake) 404.
    const copilotHosts: HostHandler = (req, res, host) => {
      const api = self?.copilot;
      if (api) {
        api.handle(req, res, host);
        return;
      }
      req.resume();
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `fake proxy: no fake for ${host}` }));
    };
    const enterprise: HostHandler = async (req, res, host) => {
      const url = req.url ?? "/";
      const path = pathOf(url);
      if (FakeDevice.matches(path)) {
        await device.handle(req, res, host);
      } else if (path === "/api/v3" || path.startsWith("/api/v3/")) {
        req.url = url.slice("/api/v3".length) || "/";
        await api.handle(req, res, host);
      } else {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("Not Found");
      }
    };
    const proxy = await TlsProxy.start(
      certs,
      [
        ["api.github.com", api.handle],
        ["github.com", dotCom],
        [ENTERPRISE_HOST, enterprise],
        ["*.githubcopilot.com", copilotHosts],
      ],
      () => changes.emit(),
    );
    const frontendUrl = opts.frontendUrl ?? "https://github.com";
    const gh = new FakeGitHub({ changes, proxy, certs, api, mc, frontendUrl, tokens, git, pulls, device });
    self = gh;
    tokens.add(gh.gitHubToken);
    await gh.setMode(opts);
    return gh;
  }

  /**
   * Environment for the runtime: merge over process.env in the client's `env`. NO_PROXY must keep
   * 127.0.0.1, or the runtime sends plain-http Mission Control and BYOK model calls to the proxy.
   */
  get env(): Record<string, string> {
    return {
      HTTPS_PROXY: this.proxy.url,
      https_proxy: this.proxy.url,
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
      SSL_CERT_FILE: this.certs.caCertPath,
      NODE_EXTRA_CA_CERTS: this.certs.caCertPath,
      GIT_SSL_CAINFO: this.certs.caCertPath,
      COPILOT_MC_BASE_URL: this.mc.baseUrl,
      COPILOT_MC_FRONTEND_URL: this.frontendUrl,
    };
  }

  /** `CopilotClient` options: the token and the environment (spread, then add baseDirectory etc.). */
  clientOptions(): { gitHubToken: string; env: Record<string, string> } {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    return { gitHubToken: this.gitHubToken, env: { ...env, ...this.env } };
  }

  /**
   * An environment for git clients in tests, cut off from the machine's git configuration: PATH, a temp
   * HOME, no system config, an author, no prompts, and `env` (proxy, GIT_SSL_CAINFO).
   */
  gitEnv(): Record<string, string> {
    const home = mkdtempSync(join(tmpdir(), "fake-gh-home-"));
    this.dirs.push(home);
    return {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_TERMINAL_PROMPT: "0",
      GIT_AUTHOR_NAME: "Test Author",
      GIT_AUTHOR_EMAIL: "author@example.com",
      GIT_COMMITTER_NAME: "Test Author",
      GIT_COMMITTER_EMAIL: "author@example.com",
      ...this.env,
    };
  }

  /** A temp directory removed by stop(). */
  tempDir(prefix = "fake-gh-"): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  /** A temp git repository whose origin is `origin` (removed by stop()). */
  gitRepo(origin: string | null = "https://github.com/octo/demo.git"): string {
    const dir = mkdtempSync(join(tmpdir(), "fake-gh-repo-"));
    this.dirs.push(dir);
    execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
    if (origin) execFileSync("git", ["remote", "add", "origin", origin], { cwd: dir });
    return dir;
  }

  /**
   * Switches the Copilot API on: a `FakeCopilotApi` on 127.0.0.1 whose chat completions go to `model`
   * (a FakeModel), also serving `*.githubcopilot.com` through the proxy. From then on
   * `/copilot_internal/user` answers per token: 401 "Bad credentials" for a token `tokens` does not
   * know, else that token's login with `endpoints.api` = the API. The runtime then runs model turns
   * without a provider, as whichever token the session or client has. `stop()` switches it off.
   */
  async serveCopilotApi(model: ChatModel): Promise<FakeCopilotApi> {
    if (this.copilot) throw new Error("FakeGitHub: the Copilot API is already on");
    const api = await FakeCopilotApi.start(model, this.tokens, this.changes);
    this.copilot = api;
    this.api.copilotApi = api;
    return api;
  }

  /** The Copilot API `serveCopilotApi` started (throws while it is off). */
  get copilotApi(): FakeCopilotApi {
    if (!this.copilot)
      throw new Error("FakeGitHub: the Copilot API is off (call serveCopilotApi(model) first)");
    return this.copilot;
  }

  /** Switches the Copilot API off again: `/copilot_internal/user` and the proxy answer as by default. */
  async stopCopilotApi(): Promise<void> {
    const api = this.copilot;
    this.copilot = undefined;
    this.api.copilotApi = undefined;
    await api?.stop();
  }

  async setMode(modes: GitHubModes): Promise<void> {
    if (modes.sessions) this.mc.sessionsMode = modes.sessions;
    if (modes.user) this.api.options.user = modes.user;
    if (modes.userStatus) this.api.options.userStatus = modes.userStatus;
    if (modes.tasksStatus) this.cloud.createStatus = modes.tasksStatus;
    if (modes.worker) this.cloud.workerMode = modes.worker;
    if (modes.workerStartMs !== undefined) this.cloud.startDelayMs = modes.workerStartMs;
    if (modes.enforcement !== undefined) this.cloud.enforcement = modes.enforcement;
    if (modes.cloudReply) this.cloud.reply = modes.cloudReply;
    if (modes.unreachable === true) await this.mc.goDown();
    if (modes.unreachable === false) await this.mc.comeUp();
  }

  /**
   * Every request to api.github.com (pulls and the token API included, Authorization redacted), the
   * device flow (secrets replaced) and Mission Control, in arrival order.
   */
  get requests(): RecordedRequest[] {
    return [...this.api.requests, ...this.pulls.requests, ...this.device.requests, ...this.mc.requests].sort(
      (a, b) => a.at - b.at,
    );
  }

  /** Resolves with the first truthy `probe()`, re-checked on every request and every 50 ms. */
  waitFor<T>(
    probe: () => T | undefined | false | null,
    opts?: { timeoutMs?: number; what?: string },
  ): Promise<T> {
    return waitUntil(
      "FakeGitHub",
      (l) => this.changes.on(l),
      () => this.describe(),
      probe,
      opts,
    );
  }

  describe(): string {
    const connects = this.proxy.connects
      .slice(-10)
      .map((c) =>
        c.plain ? `  ${c.plain} refused` : `  CONNECT ${c.host}:${c.port} ${c.accepted ? "ok" : "refused"}`,
      );
    const quiet = this.requests.filter((r) => !(r.method === "GET" && /\/(commands|events)$/.test(r.path)));
    const git = this.git.requests
      .slice(-10)
      .map(
        (r) =>
          `  ${r.method} github.com${r.path} (${r.auth}${r.login ? ` ${r.login}` : ""}) → ${r.status ?? "…"}`,
      );
    return [
      "recent requests (polls left out):",
      describeRequests(quiet),
      ...(git.length ? ["git (github.com):", ...git] : []),
      ...(this.copilot ? ["Copilot API:", this.copilot.describe()] : []),
      "proxy:",
      ...connects,
    ].join("\n");
  }

  async stop(): Promise<void> {
    await this.stopCopilotApi();
    await this.proxy.stop();
    await this.mc.stop();
    this.certs.remove();
    this.git.remove();
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

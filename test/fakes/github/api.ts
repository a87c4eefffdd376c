/**
 * Fake api.github.com (reached through the TLS proxy): what the runtime asks before it talks to
 * Mission Control, and `GET /user` for the tokens `FakeTokens` knows. Unknown routes answer 404 and are
 * recorded too, with the Authorization value redacted.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Changes, type RecordedRequest, recordRequest, sendJson } from "./http.js";
import type { HostHandler } from "./proxy.js";
import { type Credential, type FakeTokens, parseAuthorization, redactHeaders } from "./tokens.js";

export interface FakeRepo {
  owner: string;
  name: string;
  id: number;
  ownerId: number;
  defaultBranch: string;
}

/** A GitHub account, as `GET /user` shows it. */
export interface FakeUser {
  login: string;
  id: number;
  name: string | null;
}

export interface ApiOptions {
  login: string;
  /** Extra fields merged into the `/copilot_internal/user` answer (e.g. `cli_remote_control_enabled`). */
  user: Record<string, unknown>;
  /** Status for `/copilot_internal/user` (200 normally). */
  userStatus: number;
}

export class FakeApi {
  readonly requests: RecordedRequest[] = [];
  readonly repos = new Map<string, FakeRepo>();
  readonly options: ApiOptions = { login: "octocat", user: {}, userStatus: 200 };
  private nextId = 1000;
  /** Accounts by login (created on demand; `octocat` is id 1). */
  readonly users = new Map<string, FakeUser>([["octocat", { login: "octocat", id: 1, name: "The Octocat" }]]);
  private nextUserId = 583_231;

  /**
   * Without `tokens`, `GET /user` answers `options.login` to anyone (as before tokens were shared);
   * with them, it answers the token's login, and 401 for no or an unknown token, as GitHub does.
   */
  constructor(
    private readonly changes: Changes,
    private readonly tokens?: FakeTokens,
  ) {}

  /** The account `login` (made on demand); `name` replaces its display name when given. */
  user(login: string, name?: string): FakeUser {
    let user = this.users.get(login);
    if (!user) {
      user = { login, id: this.nextUserId++, name: null };
      this.users.set(login, user);
    }
    if (name !== undefined) user.name = name;
    return user;
  }

  /** Registers a repository; any `owner/name` asked for is also created on demand unless `strictRepos`. */
  addRepo(owner: string, name: string, defaultBranch = "main"): FakeRepo {
    const key = `${owner}/${name}`.toLowerCase();
    const existing = this.repos.get(key);
    if (existing) return existing;
    const ownerRepo = [...this.repos.values()].find((r) => r.owner.toLowerCase() === owner.toLowerCase());
    const repo: FakeRepo = {
      owner,
      name,
      id: this.nextId++,
      ownerId: ownerRepo?.ownerId ?? this.nextId++,
      defaultBranch,
    };
    this.repos.set(key, repo);
    return repo;
  }

  strictRepos = false;

  /**
   * Set while `gh.serveCopilotApi(model)` is on: `/copilot_internal/user` then answers per token
   * (401 "Bad credentials" for a token `tokens` does not know; else the token's login), with
   * `endpoints.api` = the fake Copilot API's `endpoint` and the other endpoints at its `url`.
   */
  copilotApi: { readonly endpoint: string; readonly url: string } | undefined;

  /**
   * Paths served elsewhere (the pulls API), tried before FakeApi's own routes; their requests are
   * recorded by their handler, not in `requests`.
   */
  readonly delegates: { matches: (path: string) => boolean; handle: HostHandler }[] = [];

  handle = async (req: IncomingMessage, res: ServerResponse, host: string): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const delegate = this.delegates.find((d) => d.matches(path));
    if (delegate) {
      await delegate.handle(req, res, host);
      return;
    }
    const cred = parseAuthorization(req.headers.authorization);
    const rec = await recordRequest(req, host);
    rec.headers = redactHeaders(rec.headers);
    this.requests.push(rec);
    try {
      this.route(rec, res, cred);
    } finally {
      this.changes.emit();
    }
  };

  private route(rec: RecordedRequest, res: ServerResponse, cred: Credential): void {
    const { method, path } = rec;
    if (method === "GET" && path === "/copilot_internal/user") {
      if (this.options.userStatus !== 200) {
        sendJson(res, this.options.userStatus, { message: "Bad credentials" }, rec);
        return;
      }
      if (this.copilotApi) {
        this.copilotUserPerToken(rec, res, cred, this.copilotApi);
        return;
      }
      sendJson(res, 200, this.copilotUser(), rec);
      return;
    }
    if (method === "GET" && path === "/user") {
      this.authenticatedUser(rec, res, cred);
      return;
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path);
    if (method === "GET" && m?.[1] && m[2]) {
      const key = `${m[1]}/${m[2]}`.toLowerCase();
      const repo = this.repos.get(key) ?? (this.strictRepos ? undefined : this.addRepo(m[1], m[2]));
      if (!repo) {
        sendJson(res, 404, { message: "Not Found" }, rec);
        return;
      }
      sendJson(
        res,
        200,
        {
          id: repo.id,
          name: repo.name,
          full_name: `${repo.owner}/${repo.name}`,
          private: false,
          default_branch: repo.defaultBranch,
          owner: { id: repo.ownerId, login: repo.owner, type: "Organization" },
        },
        rec,
      );
      return;
    }
    sendJson(res, 404, { message: "Not Found", documentation_url: "fake api.github.com" }, rec);
  }

  /** `GET /user` ("Get the authenticated user"). */
  private authenticatedUser(rec: RecordedRequest, res: ServerResponse, cred: Credential): void {
    const docs = "https://docs.github.com/rest/users/users#get-the-authenticated-user";
    let login = this.options.login;
    if (this.tokens) {
      if (!cred.token) {
        sendJson(
          res,
          401,
          { message: "Requires authentication", documentation_url: docs, status: "401" },
          rec,
        );
        return;
      }
      const known = this.tokens.login(cred.token);
      if (known === undefined) {
        sendJson(
          res,
          401,
          { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" },
          rec,
        );
        return;
      }
      login = known;
    }
    const user = this.user(login);
    sendJson(
      res,
      200,
      {
        login: user.login,
        id: user.id,
        node_id: Buffer.from(`04:User${user.id}`).toString("base64"),
        html_url: `https://github.com/${user.login}`,
        type: "User",
        site_admin: false,
        name: user.name,
      },
      rec,
    );
  }

  /** `/copilot_internal/user` while the fake Copilot API is on: the caller's token decides. */
  private copilotUserPerToken(
    rec: RecordedRequest,
    res: ServerResponse,
    cred: Credential,
    copilotApi: { readonly endpoint: string; readonly url: string },
  ): void {
    const login = cred.token === undefined ? undefined : this.tokens?.login(cred.token);
    if (login === undefined) {
      sendJson(res, 401, { message: "Bad credentials" }, rec);
      return;
    }
    const { endpoint: api, url } = copilotApi;
    sendJson(
      res,
      200,
      this.copilotUser(login, { api, proxy: url, telemetry: url, "origin-tracker": url }),
      rec,
    );
  }

  private copilotUser(
    login = this.options.login,
    endpoints: Record<string, string> = {
      api: "https://api.individual.githubcopilot.com",
      proxy: "https://proxy.individual.githubcopilot.com",
      telemetry: "https://telemetry.individual.githubcopilot.com",
      "origin-tracker": "https://origin-tracker.individual.githubcopilot.com",
    },
  ): Record<string, unknown> {
    return {
      login,
      chat_enabled: true,
      copilot_plan: "individual",
      access_type_sku: "free_educational",
      endpoints,
      ...this.options.user,
    };
  }
}

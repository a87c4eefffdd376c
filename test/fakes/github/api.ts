/**
 * Fake api.github.com (reached through the TLS proxy): just what the runtime asks before it talks to
 * Mission Control. Unknown routes answer 404 and are recorded too.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Changes, type RecordedRequest, recordRequest, sendJson } from "./http.js";
import type { HostHandler } from "./proxy.js";

export interface FakeRepo {
  owner: string;
  name: string;
  id: number;
  ownerId: number;
  defaultBranch: string;
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

  constructor(private readonly changes: Changes) {}

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
    const rec = await recordRequest(req, host);
    this.requests.push(rec);
    try {
      this.route(rec, res);
    } finally {
      this.changes.emit();
    }
  };

  private route(rec: RecordedRequest, res: ServerResponse): void {
    const { method, path } = rec;
    if (method === "GET" && path === "/copilot_internal/user") {
      if (this.options.userStatus !== 200) {
        sendJson(res, this.options.userStatus, { message: "Bad credentials" }, rec);
        return;
      }
      sendJson(res, 200, this.user(), rec);
      return;
    }
    if (method === "GET" && path === "/user") {
      sendJson(res, 200, { login: this.options.login, id: 1, type: "User" }, rec);
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

  private user(): Record<string, unknown> {
    return {
      login: this.options.login,
      chat_enabled: true,
      copilot_plan: "individual",
      access_type_sku: "free_educational",
      endpoints: {
        api: "https://api.individual.githubcopilot.com",
        proxy: "https://proxy.individual.githubcopilot.com",
        telemetry: "https://telemetry.individual.githubcopilot.com",
        "origin-tracker": "https://origin-tracker.individual.githubcopilot.com",
      },
      ...this.options.user,
    };
  }
}

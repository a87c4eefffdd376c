/**
 * Fake pulls REST API on api.github.com (routed from api.ts), over the fake git repositories:
 *
 * - `POST /repos/{o}/{r}/pulls` {title, head, base, body?, draft?} → 201, or 422 like GitHub: a missing
 *   field (`missing_field`), a base or head branch the repository does not have (`invalid`), an open pull
 *   request for the same head and base ("A pull request already exists for o:branch."), no commits
 *   between them ("No commits between main and branch").
 * - `GET /repos/{o}/{r}/pulls/{n}`; `GET /repos/{o}/{r}/pulls?state=&head=o:branch&base=` (a `head`
 *   without the `owner:` prefix is ignored, as on GitHub, which documents only `user:ref-name`).
 * - `PATCH /repos/{o}/{r}/pulls/{n}` {title?, body?, state?, base?} → 200.
 * - `Authorization: Bearer|token <t>` (or Basic): none or an unknown token → 401 "Bad credentials"; a
 *   token that may only read → 403 "Resource not accessible by personal access token" on writes; a
 *   repository the fake git does not have → 404.
 * - `fault({status, …})` answers the next matching request with 401, 403, 409, 422 (branch protection),
 *   500 or any status, before anything else is checked (sticky: every one).
 *
 * Requests are recorded with the Authorization value redacted: the token is never stored.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FakeGit } from "./git.js";
import { type Changes, type RecordedRequest, recordRequest, sendJson } from "./http.js";
import { type PullRequest, pullJson } from "./pulls-json.js";
import { type AuthScheme, type FakeTokens, parseAuthorization, redactHeaders } from "./tokens.js";

export type { PullRequest } from "./pulls-json.js";

/** A pulls API request as recorded: headers with the Authorization value redacted. */
export interface PullsRequest extends RecordedRequest {
  auth: AuthScheme;
  /** Whether the credential was a token the fake knows. */
  tokenKnown: boolean;
}

export interface PullsFault {
  /** 401, 403, 409, 422 (branch protection), 500, or any other status. */
  status: number;
  /** Only for this `owner/name`. */
  repo?: string;
  /** Only for this method (`POST`, `PATCH`, `GET`). */
  method?: string;
  /** Replaces the default message. */
  message?: string;
  /** Every matching request, not just the next one. */
  sticky?: boolean;
}

const DOCS = "https://docs.github.com/rest/pulls/pulls";

function faultBody(f: PullsFault, base: string): Record<string, unknown> {
  const status = String(f.status);
  if (f.status === 422) {
    const message =
      f.message ??
      `Protected branch update failed for refs/heads/${base}: changes must be made through a pull request that satisfies the branch protection rules.`;
    return {
      message: "Validation Failed",
      errors: [{ resource: "PullRequest", code: "custom", message }],
      documentation_url: DOCS,
      status,
    };
  }
  const defaults: Record<number, string> = {
    401: "Bad credentials",
    403: "Resource not accessible by personal access token",
    409: "Conflict: the head branch cannot be merged into the base branch",
    500: "Server Error",
  };
  return {
    message: f.message ?? defaults[f.status] ?? `fake fault ${status}`,
    documentation_url: DOCS,
    status,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function validation(errors: Record<string, unknown>[]): Record<string, unknown> {
  return { message: "Validation Failed", errors, documentation_url: DOCS, status: "422" };
}

export class FakePulls {
  readonly requests: PullsRequest[] = [];
  readonly pulls: PullRequest[] = [];
  private readonly faults: PullsFault[] = [];

  constructor(
    private readonly tokens: FakeTokens,
    private readonly git: FakeGit,
    private readonly changes: Changes,
  ) {}

  /** Whether a path is the pulls API's. */
  static matches(path: string): boolean {
    return /^\/repos\/[^/]+\/[^/]+\/pulls(\/[^/]*)?$/.test(path);
  }

  fault(f: PullsFault): void {
    this.faults.push(f);
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** The pull request `number` of `owner/name`. */
  pull(owner: string, name: string, number: number): PullRequest | undefined {
    return this.pulls.find((p) => this.same(p, owner, name) && p.number === number);
  }

  /** Pull requests of `owner/name` whose head is `head`, newest first. */
  forHead(owner: string, name: string, head: string): PullRequest[] {
    return this.pulls.filter((p) => this.same(p, owner, name) && p.head === head).reverse();
  }

  handle = async (req: IncomingMessage, res: ServerResponse, host: string): Promise<void> => {
    const raw = await recordRequest(req, host);
    const cred = parseAuthorization(req.headers.authorization);
    const rec: PullsRequest = {
      ...raw,
      headers: redactHeaders(raw.headers),
      auth: cred.scheme,
      tokenKnown: cred.token !== undefined && this.tokens.known(cred.token),
    };
    this.requests.push(rec);
    try {
      await this.route(rec, res, cred.token);
    } finally {
      this.changes.emit();
    }
  };

  private async route(rec: PullsRequest, res: ServerResponse, token: string | undefined): Promise<void> {
    const m = /^\/repos\/([^/]+)\/([^/]+)\/pulls(?:\/([^/]*))?$/.exec(rec.path);
    const [owner = "", name = "", numText] = [m?.[1], m?.[2], m?.[3]];
    const send = (status: number, body: unknown): void => sendJson(res, status, body, rec);
    const key = `${owner}/${name}`.toLowerCase();
    const fault = this.faults.find(
      (f) =>
        (!f.repo || f.repo.toLowerCase() === key) && (!f.method || f.method.toUpperCase() === rec.method),
    );
    if (fault) {
      if (!fault.sticky) this.faults.splice(this.faults.indexOf(fault), 1);
      const base = this.bodyField(rec.body, "base") ?? "main";
      return send(fault.status, faultBody(fault, base));
    }
    const access = token === undefined ? undefined : this.tokens.access(token, owner, name);
    if (access === undefined)
      return send(401, {
        message: "Bad credentials",
        documentation_url: "https://docs.github.com/rest",
        status: "401",
      });
    if (!this.git.has(owner, name) || access === "none") {
      return send(404, { message: "Not Found", documentation_url: DOCS, status: "404" });
    }
    const write = rec.method === "POST" || rec.method === "PATCH";
    if (write && access !== "write") {
      return send(403, {
        message: "Resource not accessible by personal access token",
        documentation_url: DOCS,
        status: "403",
      });
    }
    if (write && !isRecord(rec.body)) {
      return send(400, { message: "Problems parsing JSON", documentation_url: DOCS, status: "400" });
    }
    const login = (token && this.tokens.login(token)) || "octocat";
    if (numText === undefined && rec.method === "POST")
      return send(...(await this.create(owner, name, rec, login, res)));
    if (numText === undefined && rec.method === "GET")
      return send(200, await this.list(owner, name, rec.query));
    const pr = numText && /^\d+$/.test(numText) ? this.pull(owner, name, Number(numText)) : undefined;
    if (pr && rec.method === "GET") return send(200, await this.json(pr, true));
    if (pr && rec.method === "PATCH") return send(...(await this.update(pr, rec)));
    return send(404, { message: "Not Found", documentation_url: DOCS, status: "404" });
  }

  private async create(
    owner: string,
    name: string,
    rec: PullsRequest,
    login: string,
    res: ServerResponse,
  ): Promise<[number, unknown]> {
    const title = this.bodyField(rec.body, "title");
    const headSpec = this.bodyField(rec.body, "head");
    const base = this.bodyField(rec.body, "base");
    const missing = (["title", "head", "base"] as const).filter((f) => !this.bodyField(rec.body, f));
    if (missing.length) {
      return [
        422,
        validation(missing.map((field) => ({ resource: "PullRequest", code: "missing_field", field }))),
      ];
    }
    if (!title || !headSpec || !base) return [422, validation([])];
    const [headOwner, head] = headSpec.includes(":") ? headSpec.split(":", 2) : [owner, headSpec];
    if (
      !head ||
      headOwner?.toLowerCase() !== owner.toLowerCase() ||
      !(await this.git.sha(owner, name, head))
    ) {
      return [422, validation([{ resource: "PullRequest", field: "head", code: "invalid" }])];
    }
    if (!(await this.git.sha(owner, name, base))) {
      return [422, validation([{ resource: "PullRequest", field: "base", code: "invalid" }])];
    }
    const open = this.pulls.find(
      (p) => this.same(p, owner, name) && p.state === "open" && p.head === head && p.base === base,
    );
    if (open) {
      const message = `A pull request already exists for ${owner}:${head}.`;
      return [422, validation([{ resource: "PullRequest", code: "custom", message }])];
    }
    if ((await this.git.ahead(owner, name, base, head)) === 0) {
      return [
        422,
        validation([
          { resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${head}` },
        ]),
      ];
    }
    const body = isRecord(rec.body) ? rec.body : {};
    const now = new Date().toISOString();
    const pr: PullRequest = {
      owner,
      repo: name,
      number: this.pulls.filter((p) => this.same(p, owner, name)).length + 1,
      title,
      body: typeof body.body === "string" ? body.body : null,
      head,
      base,
      state: "open",
      draft: body.draft === true,
      headSha: (await this.git.sha(owner, name, head)) ?? "",
      login,
      createdAt: now,
      updatedAt: now,
    };
    this.pulls.push(pr);
    res.setHeader("Location", `https://api.github.com/repos/${owner}/${name}/pulls/${pr.number}`);
    return [201, await this.json(pr, true)];
  }

  private async update(pr: PullRequest, rec: PullsRequest): Promise<[number, unknown]> {
    const body = isRecord(rec.body) ? rec.body : {};
    const state = body.state;
    if (state !== undefined && state !== "open" && state !== "closed") {
      return [422, validation([{ resource: "PullRequest", code: "invalid", field: "state" }])];
    }
    const base = typeof body.base === "string" ? body.base : pr.base;
    if (!(await this.git.sha(pr.owner, pr.repo, base))) {
      return [422, validation([{ resource: "PullRequest", field: "base", code: "invalid" }])];
    }
    if (state === "open" && pr.state === "closed") {
      if (!(await this.git.sha(pr.owner, pr.repo, pr.head))) {
        return [422, validation([{ resource: "PullRequest", code: "invalid", field: "state" }])];
      }
      const other = this.pulls.find(
        (p) =>
          p !== pr &&
          this.same(p, pr.owner, pr.repo) &&
          p.state === "open" &&
          p.head === pr.head &&
          p.base === base,
      );
      if (other) {
        const message = `A pull request already exists for ${pr.owner}:${pr.head}.`;
        return [422, validation([{ resource: "PullRequest", code: "custom", message }])];
      }
    }
    if (typeof body.title === "string") pr.title = body.title;
    if (typeof body.body === "string") pr.body = body.body;
    if (state === "open" || state === "closed") pr.state = state;
    pr.base = base;
    pr.updatedAt = new Date().toISOString();
    return [200, await this.json(pr, true)];
  }

  private async list(owner: string, name: string, query: Record<string, string>): Promise<unknown[]> {
    const state = query.state ?? "open";
    const head = query.head?.includes(":") ? query.head : undefined;
    const perPage = Math.min(Number(query.per_page ?? 30) || 30, 100);
    const found = this.pulls
      .filter((p) => this.same(p, owner, name))
      .filter((p) => state === "all" || p.state === state)
      .filter((p) => !head || `${p.owner}:${p.head}`.toLowerCase() === head.toLowerCase())
      .filter((p) => !query.base || p.base === query.base)
      .reverse()
      .slice(0, perPage);
    return Promise.all(found.map((p) => this.json(p, false)));
  }

  /** The pull request's JSON, with its head's current commit (kept when the branch is gone). */
  private async json(pr: PullRequest, full: boolean): Promise<Record<string, unknown>> {
    pr.headSha = (await this.git.sha(pr.owner, pr.repo, pr.head)) ?? pr.headSha;
    const baseSha = (await this.git.sha(pr.owner, pr.repo, pr.base)) ?? "";
    return pullJson(pr, baseSha, full);
  }

  private bodyField(body: unknown, field: string): string | undefined {
    const v = isRecord(body) ? body[field] : undefined;
    return typeof v === "string" && v ? v : undefined;
  }

  private same(p: PullRequest, owner: string, name: string): boolean {
    return p.owner.toLowerCase() === owner.toLowerCase() && p.repo.toLowerCase() === name.toLowerCase();
  }
}

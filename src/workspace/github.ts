/**
 * `Publisher` for GitHub and GitHub Enterprise Server: pushes a session's branch over HTTPS and opens
 * (or updates) its pull request through the REST API. The token is handed to git in the child's
 * environment only (see github-push.ts) and to the API in a header; it is in no URL, argument list,
 * config file, log line or error message.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import type { Logger } from "../core/log.js";
import { PublishError } from "../core/ports/workspace.js";
import {
  type Env,
  type GitResult,
  gitAuthEnv,
  pushFailure,
  runGit,
  scrub,
  secretsOf,
} from "./github-push.js";
import { type CallContext, GitHubRest, RestError } from "./github-rest.js";
import { apiBase, fullName, gitUrl, parseRemoteUrl } from "./github-url.js";
import type { GitHubRepo, Publisher, PullRequestRef, PullRequestSpec } from "./remote.js";

export interface GitHubPublisherOptions {
  /** GitHub hosts the bridge knows. Default `["github.com"]`; an Enterprise host's API is `https://<host>/api/v3`. */
  hosts?: string[];
  log: Logger;
  /** The environment for git and for the API's proxy and CA settings. Default `process.env`. */
  env?: Env;
  /** Limit for one `git push`. Default 120 s. */
  pushTimeoutMs?: number;
  /** Limit for one API call. Default 30 s. */
  apiTimeoutMs?: number;
}

const pullRequest = z.object({
  number: z.number().int().positive(),
  html_url: z.string(),
  state: z.string(),
});
type Pull = z.output<typeof pullRequest>;

function parsePull(json: unknown, call: string): Pull {
  const parsed = pullRequest.safeParse(Array.isArray(json) ? json[0] : json);
  if (!parsed.success) throw new PublishError("other", `GitHub's answer to ${call} is not a pull request`);
  return parsed.data;
}

export class GitHubPublisher implements Publisher {
  private readonly hosts: string[];
  private readonly env: Env;
  private readonly log: Logger;
  private readonly pushTimeoutMs: number;
  private readonly rest: GitHubRest;

  constructor(opts: GitHubPublisherOptions) {
    this.hosts = (opts.hosts ?? ["github.com"]).map((h) => h.toLowerCase());
    this.env = opts.env ?? process.env;
    this.log = opts.log;
    this.pushTimeoutMs = opts.pushTimeoutMs ?? 120_000;
    this.rest = new GitHubRest({
      env: this.env,
      log: opts.log,
      userAgent: "copilot-chat-bridge",
      timeoutMs: opts.apiTimeoutMs ?? 30_000,
    });
  }

  repoOf(remoteUrl: string): GitHubRepo | undefined {
    return parseRemoteUrl(remoteUrl, this.hosts);
  }

  async push(cwd: string, remoteUrl: string, branch: string, token: string): Promise<void> {
    if (!token) throw new PublishError("no-token", "no GitHub token to push with: set GITHUB_TOKEN");
    const repo = this.repoOf(remoteUrl);
    if (!repo) {
      throw new PublishError(
        "not-github",
        `the remote ${scrub(this.redactUrl(remoteUrl), secretsOf(token))} is not a repository on ${this.hosts.join(", ")}: pull requests need a GitHub remote`,
      );
    }
    const url = gitUrl(repo);
    const plain = plainEnv(this.env);
    const check = await runGit(cwd, ["check-ref-format", `refs/heads/${branch}`], plain, this.pushTimeoutMs);
    if (check.code !== 0 || branch.startsWith("-")) {
      throw new PublishError("other", `"${branch}" is not a branch name git accepts`);
    }
    const ref = `refs/heads/${branch}`;
    const head = await runGit(
      cwd,
      ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`],
      plain,
      this.pushTimeoutMs,
    );
    const commit = head.stdout.trim();
    if (head.code !== 0 || !/^[0-9a-f]{40,64}$/.test(commit)) {
      throw new PublishError("other", `the branch ${branch} has no commit to push`);
    }
    // The token goes out from a repository of the bridge's own making: the agent can write the
    // worktree's repository config (an http.proxy, a url.insteadOf, sslVerify=false) and the user's
    // global one, and either could send the token elsewhere. The objects are read from the worktree's
    // repository through an alternate; no config of it, the user's or the system's is read.
    const objects = (
      await runGit(
        cwd,
        ["rev-parse", "--path-format=absolute", "--git-common-dir"],
        plain,
        this.pushTimeoutMs,
      )
    ).stdout.trim();
    const clean = await mkdtemp(join(tmpdir(), "ccb-push-"));
    try {
      const isolated: Env = { ...this.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };
      const bare = await runGit(
        clean,
        ["init", "--quiet", "--bare", "."],
        plainEnv(isolated),
        this.pushTimeoutMs,
      );
      if (bare.code !== 0)
        throw new PublishError("other", `could not prepare the push: ${bare.stderr.trim()}`);
      await writeFile(join(clean, "objects", "info", "alternates"), `${join(objects, "objects")}\n`);
      const env = { ...gitAuthEnv(isolated, url, token), GIT_DIR: clean };
      this.log.info("pushing branch", { repo: fullName(repo), host: repo.host, branch });
      const result = await runGit(clean, ["push", url, `${commit}:${ref}`], env, this.pushTimeoutMs);
      this.checkPush(result, repo, branch, token);
    } finally {
      await rm(clean, { recursive: true, force: true });
    }
    this.log.info("pushed branch", { repo: fullName(repo), branch });
  }

  private checkPush(result: GitResult, repo: GitHubRepo, branch: string, token: string): void {
    if (result.code !== 0 || result.timedOut) {
      const error = pushFailure(result, repo, branch, secretsOf(token));
      this.log.warn("push failed", {
        repo: fullName(repo),
        branch,
        reason: error.reason,
        error: error.message,
      });
      throw error;
    }
  }

  async openOrUpdate(
    repo: GitHubRepo,
    spec: PullRequestSpec,
    token: string,
    existing?: number,
  ): Promise<PullRequestRef & { created: boolean }> {
    if (!token)
      throw new PublishError("no-token", "no GitHub token to open the pull request with: set GITHUB_TOKEN");
    const pulls = `${apiBase(repo.host)}/repos/${repo.owner}/${repo.name}/pulls`;
    const ctx: CallContext = { repo: fullName(repo), head: spec.head, base: spec.base };
    if (existing !== undefined) {
      const current = await this.current(pulls, existing, token, ctx);
      if (current?.state === "open") return this.update(pulls, current.number, spec, token, ctx);
      this.log.info(`pull request #${existing} ${current ? "was closed" : "is gone"}; opening a new one`, {
        repo: ctx.repo,
        number: existing,
      });
    }
    try {
      const { json } = await this.rest.call("POST", pulls, token, ctx, {
        title: spec.title,
        head: spec.head,
        base: spec.base,
        body: spec.body,
      });
      const pr = parsePull(json, `POST ${pulls}`);
      this.log.info("opened pull request", { repo: ctx.repo, number: pr.number, head: spec.head });
      return { number: pr.number, url: pr.html_url, created: true };
    } catch (err) {
      if (!(err instanceof RestError && err.status === 422 && /already exists/i.test(err.detail))) throw err;
    }
    const list = `${pulls}?head=${encodeURIComponent(`${repo.owner}:${spec.head}`)}&base=${encodeURIComponent(spec.base)}&state=open`;
    const { json } = await this.rest.call("GET", list, token, ctx);
    if (!Array.isArray(json) || json.length === 0) {
      throw new PublishError(
        "other",
        `GitHub says a pull request for ${spec.head} exists on ${ctx.repo}, but lists none (GET ${list})`,
      );
    }
    return this.update(pulls, parsePull(json, `GET ${list}`).number, spec, token, ctx);
  }

  /** The pull request `number`, or undefined when GitHub has none by that number. */
  private async current(
    pulls: string,
    number: number,
    token: string,
    ctx: CallContext,
  ): Promise<Pull | undefined> {
    const url = `${pulls}/${number}`;
    try {
      return parsePull((await this.rest.call("GET", url, token, ctx)).json, `GET ${url}`);
    } catch (err) {
      if (err instanceof RestError && err.status === 404) return undefined;
      throw err;
    }
  }

  private async update(
    pulls: string,
    number: number,
    spec: PullRequestSpec,
    token: string,
    ctx: CallContext,
  ): Promise<PullRequestRef & { created: boolean }> {
    const url = `${pulls}/${number}`;
    const { json } = await this.rest.call("PATCH", url, token, ctx, { title: spec.title, body: spec.body });
    const pr = parsePull(json, `PATCH ${url}`);
    this.log.info("updated pull request", { repo: ctx.repo, number: pr.number });
    return { number: pr.number, url: pr.html_url, created: false };
  }

  /** Closes the API connections. */
  async close(): Promise<void> {
    await this.rest.close();
  }

  /** A remote URL without any user name or password in it. */
  private redactUrl(url: string): string {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1");
  }
}

/** The environment with its unset entries dropped, as a child process takes it. */
function plainEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

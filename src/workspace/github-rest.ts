/**
 * GitHub's REST API over undici's fetch: through the environment's HTTPS_PROXY / NO_PROXY
 * (`EnvHttpProxyAgent`; Node's global fetch ignores them) and trusting NODE_EXTRA_CA_CERTS as Node
 * does. Failures become `PublishError`s naming the method and URL, never the token.
 */
import type { EnvHttpProxyAgent } from "undici";
import { fetch } from "undici";
import { z } from "zod";
import type { Logger } from "../core/log.js";
import { PublishError, type PublishFailure } from "../core/ports/workspace.js";
import { proxyAgentFromEnv } from "../net/proxy-agent.js";
import { type Env, scrub, secretsOf } from "./github-push.js";

const errorBody = z.object({
  message: z.string().optional(),
  errors: z
    .array(
      z.union([
        z.string(),
        z.object({
          message: z.string().optional(),
          code: z.string().optional(),
          field: z.string().optional(),
        }),
      ]),
    )
    .optional(),
});

/** What a failed call was about, for the messages: `octo/demo`, the head and base branches. */
export interface CallContext {
  repo: string;
  head: string;
  base: string;
}

export class RestError extends PublishError {
  constructor(
    reason: PublishFailure,
    message: string,
    readonly status: number,
    /** GitHub's message and the errors' messages, joined. */
    readonly detail: string,
  ) {
    super(reason, message);
  }
}

/** GitHub's own words: `message` and each error's message (or code and field). */
function detailOf(status: number, text: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text.slice(0, 200) || `HTTP ${status}`;
  }
  const parsed = errorBody.safeParse(json);
  if (!parsed.success) return `HTTP ${status}`;
  const parts = [parsed.data.message ?? `HTTP ${status}`];
  for (const e of parsed.data.errors ?? []) {
    if (typeof e === "string") parts.push(e);
    else if (e.message) parts.push(e.message);
    else if (e.code) parts.push([e.field, e.code].filter(Boolean).join(" "));
  }
  return parts.join(": ");
}

function failure(status: number, detail: string, call: string, ctx: CallContext): [PublishFailure, string] {
  const said = `${status} ${detail}; ${call}`;
  if (status === 401)
    return ["unauthorized", `GitHub refused the token (${said}): it may be expired or revoked`];
  if ((status === 403 || status === 429) && /rate limit/i.test(detail)) {
    return ["other", `GitHub's rate limit stopped the call (${said}): try again later`];
  }
  if (status === 403) {
    return [
      "no-push-access",
      `the token cannot open or edit pull requests on ${ctx.repo} (${said}): give it pull_requests:write and contents:write access`,
    ];
  }
  if (status === 404) {
    return [
      "no-push-access",
      `GitHub does not show ${ctx.repo} to the token (${said}): check the repository, and give the token access to it`,
    ];
  }
  if (status === 409) {
    return [
      "conflict",
      `${ctx.head} conflicts with ${ctx.base} on ${ctx.repo} (${said}): merge or rebase ${ctx.base} into the branch, then publish again`,
    ];
  }
  if (status === 422 && /protected branch|branch protection|repository rule|rule violation/i.test(detail)) {
    return [
      "branch-protected",
      `branch protection on ${ctx.repo} ${ctx.base} refused the pull request (${said}): ask a maintainer to allow it, or change the rules`,
    ];
  }
  if (status === 422 && /no commits between/i.test(detail)) {
    return [
      "nothing-to-publish",
      `${ctx.head} has no commits that ${ctx.base} does not (${said}): there is nothing to publish`,
    ];
  }
  if (status === 422 && /head invalid/i.test(detail)) {
    return [
      "other",
      `GitHub does not have the branch ${ctx.head} on ${ctx.repo} (${said}): push it, then publish again`,
    ];
  }
  if (status >= 500) return ["other", `GitHub failed (${said}): try again later`];
  return ["other", `GitHub refused the call (${said})`];
}

export interface RestOptions {
  env: Env;
  log: Logger;
  userAgent: string;
  timeoutMs: number;
}

export class GitHubRest {
  private agent: EnvHttpProxyAgent | undefined;

  constructor(private readonly opts: RestOptions) {}

  private dispatcher(): EnvHttpProxyAgent {
    this.agent ??= proxyAgentFromEnv(this.opts.env, (path, err) =>
      this.opts.log.warn("cannot read NODE_EXTRA_CA_CERTS; using the default certificate authorities", {
        path,
        error: err instanceof Error ? err.message : String(err),
      }),
    );
    return this.agent;
  }

  /** Calls the API; resolves with the status and parsed JSON of a 2xx answer, or throws a `RestError`. */
  async call(
    method: "GET" | "POST" | "PATCH",
    url: string,
    token: string,
    ctx: CallContext,
    body?: Record<string, unknown>,
  ): Promise<{ status: number; json: unknown }> {
    const secrets = secretsOf(token);
    const call = `${method} ${url}`;
    let res: Awaited<ReturnType<typeof fetch>>;
    let text: string;
    try {
      res = await fetch(url, {
        method,
        dispatcher: this.dispatcher(),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/vnd.github+json",
          "X-GitHub-Api-Version": "2022-11-28",
          "User-Agent": this.opts.userAgent,
          ...(body ? { "Content-Type": "application/json" } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      text = await res.text();
    } catch (err) {
      const cause =
        err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      throw new RestError("other", scrub(`could not reach GitHub (${call}): ${cause}`, secrets), 0, cause);
    }
    this.opts.log.debug("github api", { method, url, status: res.status });
    if (res.ok) {
      try {
        return { status: res.status, json: text ? JSON.parse(text) : undefined };
      } catch {
        throw new RestError(
          "other",
          `GitHub answered with something that is not JSON (${res.status}; ${call})`,
          res.status,
          "",
        );
      }
    }
    const detail = scrub(detailOf(res.status, text), secrets);
    const [reason, message] = failure(res.status, detail, call, ctx);
    throw new RestError(reason, scrub(message, secrets), res.status, detail);
  }

  async close(): Promise<void> {
    await this.agent?.close();
    this.agent = undefined;
  }
}

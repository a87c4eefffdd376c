/**
 * GitHub's OAuth device flow, as the bridge runs it to link a person's GitHub account
 * ("Authorizing OAuth apps" → Device flow; "Refreshing user access tokens"; REST "Delete an app token"):
 *
 *   const start = await startDeviceFlow({ clientId, host, scope: ["repo"] });
 *   // show start.userCode and start.verificationUri (and nothing else) to the person
 *   const result = await pollForToken(start, { signal });
 *   if (result.outcome === "approved") { const { login } = await fetchLogin(result.token.accessToken, { host }); }
 *
 * `pollForToken` waits `interval` seconds before every poll, adds 5 s (or takes GitHub's larger
 * `interval`) on `slow_down`, and ends with a typed outcome: approved, expired, denied or cancelled.
 * Anything else GitHub answers is an `IdentityError` carrying GitHub's error code, the method and the
 * URL, never a token, refresh token, device code or client secret.
 *
 * On github.com the endpoints are `https://github.com/login/…` and `https://api.github.com`; on a GitHub
 * Enterprise Server host `https://<host>/login/…` and `https://<host>/api/v3`.
 */
import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import {
  type HttpAnswer,
  type HttpOptions,
  IdentityError,
  type IdentityHttp,
  scrub,
  withHttp,
} from "./http.js";

export type { Env, HttpAnswer, HttpOptions, HttpRequest, IdentityErrorCode, Transport } from "./http.js";
export { IdentityError, IdentityHttp } from "./http.js";

export const DEVICE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";
/** What RFC 8628 and GitHub add to the interval on every `slow_down`. */
export const SLOW_DOWN_SECONDS = 5;

const API_VERSION = "2022-11-28";

// ---- where ----

export interface GitHubEndpoints {
  /** `github.com` or the Enterprise host (lower case, with a port when it has one). */
  host: string;
  /** `https://github.com` or `https://<host>`: the device flow's `/login/…` endpoints. */
  web: string;
  /** `https://api.github.com` or `https://<host>/api/v3`. */
  api: string;
}

const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/;

/** The endpoints of `host` (default github.com); throws a TypeError for anything but a host name. */
export function gitHubEndpoints(host = "github.com"): GitHubEndpoints {
  const h = host.trim().toLowerCase();
  if (!HOST_NAME.test(h)) {
    throw new TypeError(
      `not a GitHub host: ${JSON.stringify(host)} (give a host name such as github.com or ghe.example.com, without scheme or path)`,
    );
  }
  if (h === "github.com") return { host: h, web: "https://github.com", api: "https://api.github.com" };
  return { host: h, web: `https://${h}`, api: `https://${h}/api/v3` };
}

/** What every call accepts: the host, the HTTP client (or how to make one), a clock and a signal. */
export interface ClientOptions extends HttpOptions {
  /** `github.com` (default) or a GitHub Enterprise Server host. */
  host?: string;
  /** A client to reuse (left open); otherwise one is made from these options and closed after. */
  http?: IdentityHttp;
  /** Epoch ms; expiry times are computed with it. Default `Date.now`. */
  now?: () => number;
  signal?: AbortSignal;
}

// ---- GitHub's answers ----

const seconds = z.coerce.number().int().nonnegative();

const deviceCodeAnswer = z.object({
  device_code: z.string().min(1),
  user_code: z.string().min(1),
  verification_uri: z.string().min(1),
  expires_in: seconds,
  interval: seconds,
});

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  scope: z.string().optional(),
  expires_in: seconds.optional(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: seconds.optional(),
});

const errorAnswer = z.object({
  error: z.string().min(1),
  error_description: z.string().optional(),
  interval: seconds.optional(),
});

const apiMessage = z.object({ message: z.string() });

const userAnswer = z.object({
  login: z.string().min(1),
  id: z.number().int().positive(),
  name: z.string().nullable().optional(),
});

/** The fields of an OAuth answer: JSON (asked for), or form-encoded (GitHub's default). */
function oauthFields(answer: HttpAnswer): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(answer.text);
    if (typeof json === "object" && json !== null && !Array.isArray(json)) return { ...json };
    return undefined;
  } catch {
    if (!/x-www-form-urlencoded/i.test(answer.contentType)) return undefined;
    return Object.fromEntries(new URLSearchParams(answer.text));
  }
}

/** GitHub's `message` from a REST error, or the status. */
function apiDetail(answer: HttpAnswer): string {
  try {
    const parsed = apiMessage.safeParse(JSON.parse(answer.text));
    if (parsed.success) return `${answer.status} ${parsed.data.message}`;
  } catch {
    // not JSON: the status says it
  }
  return `HTTP ${answer.status}`;
}

function oauthError(fields: Record<string, unknown> | undefined): z.output<typeof errorAnswer> | undefined {
  const parsed = errorAnswer.safeParse(fields);
  return parsed.success ? parsed.data : undefined;
}

const FORM = { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" };

// ---- start ----

export interface StartOptions extends ClientOptions {
  /** The OAuth app's (or GitHub App's) client ID. */
  clientId: string;
  /** Scopes to ask for (space-delimited, or a list). GitHub Apps ignore them. */
  scope?: string | readonly string[];
}

/**
 * A device authorization in progress. `deviceCode` is what polling redeems: keep it out of messages
 * and logs like a token. Only `userCode` and `verificationUri` are for the person.
 */
export interface DeviceFlowStart {
  host: string;
  clientId: string;
  deviceCode: string;
  /** `XXXX-XXXX`, to type at `verificationUri`. */
  userCode: string;
  /** `https://<host>/login/device` (checked to be on the host). */
  verificationUri: string;
  /** When the codes expire (epoch ms, by `now`). */
  expiresAt: number;
  /** Minimum seconds between polls. */
  interval: number;
}

/** `POST /login/device/code`: a user code for the person and a device code to poll with. */
export async function startDeviceFlow(opts: StartOptions): Promise<DeviceFlowStart> {
  const ep = gitHubEndpoints(opts.host);
  const now = opts.now ?? Date.now;
  const url = `${ep.web}/login/device/code`;
  const call = `POST ${url}`;
  const form = new URLSearchParams({ client_id: opts.clientId });
  const scope = typeof opts.scope === "string" ? opts.scope : (opts.scope ?? []).join(" ");
  if (scope.trim()) form.set("scope", scope.trim());
  const answer = await withHttp(opts, (http) =>
    http.send(
      {
        method: "POST",
        url,
        headers: FORM,
        body: form.toString(),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      [],
    ),
  );
  const fail = (code: string, message: string) =>
    new IdentityError(code, message, "POST", url, answer.status);
  if (answer.status === 404) {
    throw fail(
      "unknown_client",
      `GitHub (${ep.host}) does not know the OAuth app ${opts.clientId} (404; ${call}): check the client ID`,
    );
  }
  const fields = oauthFields(answer);
  const error = oauthError(fields);
  if (error) {
    const hint =
      error.error === "device_flow_disabled"
        ? ": enable Device Flow in the app's settings on GitHub"
        : error.error === "incorrect_client_credentials"
          ? ": check the client ID"
          : "";
    throw fail(
      error.error,
      `GitHub refused to start the device flow (${answer.status} ${describe(error)}; ${call})${hint}`,
    );
  }
  if (answer.status !== 200) {
    throw fail("http", `GitHub refused to start the device flow (HTTP ${answer.status}; ${call})`);
  }
  const parsed = deviceCodeAnswer.safeParse(fields);
  if (!parsed.success) {
    throw fail("malformed", `GitHub's answer is not a device code (${answer.status}; ${call})`);
  }
  const d = parsed.data;
  let origin: string;
  try {
    origin = new URL(d.verification_uri).origin;
  } catch {
    origin = "";
  }
  if (origin !== ep.web) {
    throw fail(
      "malformed",
      `GitHub's verification URL is not on ${ep.host} (${scrub(d.verification_uri, [d.device_code])}; ${call}): not showing it`,
    );
  }
  return {
    host: ep.host,
    clientId: opts.clientId,
    deviceCode: d.device_code,
    userCode: d.user_code,
    verificationUri: d.verification_uri,
    expiresAt: now() + d.expires_in * 1000,
    interval: d.interval,
  };
}

function describe(e: z.output<typeof errorAnswer>): string {
  return e.error_description ? `${e.error}: ${e.error_description}` : e.error;
}

// ---- tokens ----

/** A user access token, with its refresh token and expiry times when the app issues expiring ones. */
export interface DeviceToken {
  accessToken: string;
  /** What GitHub granted (`repo,gist`; empty for GitHub Apps). */
  scope: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt?: number;
  refreshExpiresAt?: number;
}

function tokenOf(t: z.output<typeof tokenAnswer>, at: number): DeviceToken {
  return {
    accessToken: t.access_token,
    scope: t.scope ?? "",
    ...(t.refresh_token === undefined ? {} : { refreshToken: t.refresh_token }),
    ...(t.expires_in === undefined ? {} : { expiresAt: at + t.expires_in * 1000 }),
    ...(t.refresh_token_expires_in === undefined
      ? {}
      : { refreshExpiresAt: at + t.refresh_token_expires_in * 1000 }),
  };
}

// ---- poll ----

/** What one poll got: GitHub's error code, or `token`. */
export interface ClientPoll {
  /** By `now`, when the answer came. */
  at: number;
  outcome: "authorization_pending" | "slow_down" | "expired_token" | "access_denied" | "token";
  /** Seconds the next poll waits. */
  interval: number;
}

export type PollResult =
  | { outcome: "approved"; token: DeviceToken; polls: number }
  /** The codes expired (GitHub said `expired_token`, or `expiresAt` passed): start again. */
  | { outcome: "expired"; polls: number }
  /** The person clicked Cancel (`access_denied`). */
  | { outcome: "denied"; polls: number }
  /** `signal` was aborted. */
  | { outcome: "cancelled"; polls: number };

export interface PollOptions extends HttpOptions {
  http?: IdentityHttp;
  signal?: AbortSignal;
  /** Epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Waits `ms` (rejecting when `signal` aborts). Default a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told about every poll's answer (never the token). */
  onPoll?: (poll: ClientPoll) => void;
}

const timerSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : {});

/**
 * Polls `POST /login/oauth/access_token` until GitHub issues a token, the codes expire, the person
 * denies, or `signal` aborts. Waits `interval` seconds before each poll; on `slow_down` the interval
 * grows by 5 s (or to GitHub's `interval`, if larger) for this and every later poll.
 */
export async function pollForToken(start: DeviceFlowStart, opts: PollOptions = {}): Promise<PollResult> {
  const ep = gitHubEndpoints(start.host);
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? timerSleep;
  const url = `${ep.web}/login/oauth/access_token`;
  const call = `POST ${url}`;
  const secrets = [start.deviceCode];
  const body = new URLSearchParams({
    client_id: start.clientId,
    device_code: start.deviceCode,
    grant_type: DEVICE_GRANT_TYPE,
  }).toString();
  const signal = opts.signal;
  let interval = start.interval;
  let polls = 0;
  const cancelled = (): PollResult => ({ outcome: "cancelled", polls });
  return withHttp(opts, async (http) => {
    for (;;) {
      if (signal?.aborted) return cancelled();
      if (now() + interval * 1000 >= start.expiresAt) return { outcome: "expired", polls };
      try {
        await sleep(interval * 1000, signal);
      } catch (err) {
        if (signal?.aborted) return cancelled();
        throw err;
      }
      if (signal?.aborted) return cancelled();
      let answer: HttpAnswer;
      try {
        answer = await http.send(
          { method: "POST", url, headers: FORM, body, ...(signal ? { signal } : {}) },
          secrets,
        );
      } catch (err) {
        if (signal?.aborted) return cancelled();
        throw err;
      }
      polls++;
      const at = now();
      const fields = oauthFields(answer);
      const token = tokenAnswer.safeParse(fields);
      if (token.success) {
        opts.onPoll?.({ at, outcome: "token", interval });
        return { outcome: "approved", token: tokenOf(token.data, at), polls };
      }
      const error = oauthError(fields);
      const fail = (code: string, message: string) =>
        new IdentityError(code, scrub(message, secrets), "POST", url, answer.status);
      if (!error) {
        throw answer.status === 200
          ? fail("malformed", `GitHub's answer is neither a token nor an error (${answer.status}; ${call})`)
          : fail("http", `GitHub refused the poll (HTTP ${answer.status}; ${call})`);
      }
      switch (error.error) {
        case "authorization_pending":
          opts.onPoll?.({ at, outcome: "authorization_pending", interval });
          continue;
        case "slow_down":
          interval = Math.max(interval + SLOW_DOWN_SECONDS, error.interval ?? 0);
          opts.onPoll?.({ at, outcome: "slow_down", interval });
          continue;
        case "expired_token":
          opts.onPoll?.({ at, outcome: "expired_token", interval });
          return { outcome: "expired", polls };
        case "access_denied":
          opts.onPoll?.({ at, outcome: "access_denied", interval });
          return { outcome: "denied", polls };
        default: {
          const hint =
            error.error === "device_flow_disabled"
              ? ": enable Device Flow in the app's settings on GitHub"
              : error.error === "incorrect_device_code"
                ? ": start the device flow again"
                : "";
          throw fail(error.error, `GitHub refused the device code (${describe(error)}; ${call})${hint}`);
        }
      }
    }
  });
}

// ---- refresh ----

export interface RefreshOptions extends ClientOptions {
  clientId: string;
  /** Required unless the token came from the device flow (GitHub's rule). */
  clientSecret?: string;
  refreshToken: string;
}

/**
 * `grant_type=refresh_token`: a new access token and refresh token; the old pair stops working.
 * A refresh token that is wrong, used or expired is an IdentityError `bad_refresh_token` (link again).
 */
export async function refreshToken(opts: RefreshOptions): Promise<DeviceToken> {
  const ep = gitHubEndpoints(opts.host);
  const now = opts.now ?? Date.now;
  const url = `${ep.web}/login/oauth/access_token`;
  const call = `POST ${url}`;
  const secrets = [opts.refreshToken, opts.clientSecret ?? ""];
  const form = new URLSearchParams({
    client_id: opts.clientId,
    grant_type: "refresh_token",
    refresh_token: opts.refreshToken,
  });
  if (opts.clientSecret) form.set("client_secret", opts.clientSecret);
  const answer = await withHttp(opts, (http) =>
    http.send(
      {
        method: "POST",
        url,
        headers: FORM,
        body: form.toString(),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      secrets,
    ),
  );
  const at = now();
  const fields = oauthFields(answer);
  const token = tokenAnswer.safeParse(fields);
  if (token.success) return tokenOf(token.data, at);
  const fail = (code: string, message: string) =>
    new IdentityError(code, scrub(message, secrets), "POST", url, answer.status);
  const error = oauthError(fields);
  if (error?.error === "bad_refresh_token") {
    throw fail(
      "bad_refresh_token",
      `GitHub refused the refresh token (${describe(error)}; ${call}): the account must be linked again`,
    );
  }
  if (error) throw fail(error.error, `GitHub refused the refresh (${describe(error)}; ${call})`);
  throw answer.status === 200
    ? fail("malformed", `GitHub's answer is neither a token nor an error (${answer.status}; ${call})`)
    : fail("http", `GitHub refused the refresh (HTTP ${answer.status}; ${call})`);
}

// ---- who ----

export interface GitHubUser {
  login: string;
  id: number;
  name: string | null;
}

/** `GET /user` with the token: whose it is. A refused token is an IdentityError `bad_credentials`. */
export async function fetchLogin(token: string, opts: ClientOptions = {}): Promise<GitHubUser> {
  const ep = gitHubEndpoints(opts.host);
  const url = `${ep.api}/user`;
  const call = `GET ${url}`;
  const secrets = [token];
  const answer = await withHttp(opts, (http) =>
    http.send(
      {
        method: "GET",
        url,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/vnd.github+json",
          "X-GitHub-Api-Version": API_VERSION,
        },
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      secrets,
    ),
  );
  const fail = (code: string, message: string) =>
    new IdentityError(code, scrub(message, secrets), "GET", url, answer.status);
  if (answer.status === 401) {
    throw fail(
      "bad_credentials",
      `GitHub refused the token (${apiDetail(answer)}; ${call}): it was revoked or expired`,
    );
  }
  if (answer.status !== 200) throw fail("http", `GitHub refused the call (${apiDetail(answer)}; ${call})`);
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch {
    json = undefined;
  }
  const parsed = userAnswer.safeParse(json);
  if (!parsed.success) throw fail("malformed", `GitHub's answer is not a user (${answer.status}; ${call})`);
  return { login: parsed.data.login, id: parsed.data.id, name: parsed.data.name ?? null };
}

// ---- revoke ----

/**
 * `DELETE /applications/{client_id}/token` with the app's credentials: the token stops working.
 * 404 (`not_found`): the app has no such token (already revoked, or another app's); 401
 * (`bad_credentials`): the client ID and secret were refused.
 */
export async function revokeToken(
  clientId: string,
  clientSecret: string,
  token: string,
  opts: ClientOptions = {},
): Promise<void> {
  const ep = gitHubEndpoints(opts.host);
  const url = `${ep.api}/applications/${encodeURIComponent(clientId)}/token`;
  const call = `DELETE ${url}`;
  const basic = Buffer.from(`${clientId}:${clientSecret}`).toString("base64");
  const secrets = [token, clientSecret, basic];
  const answer = await withHttp(opts, (http) =>
    http.send(
      {
        method: "DELETE",
        url,
        headers: {
          Authorization: `Basic ${basic}`,
          Accept: "application/vnd.github+json",
          "Content-Type": "application/json",
          "X-GitHub-Api-Version": API_VERSION,
        },
        body: JSON.stringify({ access_token: token }),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      secrets,
    ),
  );
  if (answer.status === 204) return;
  const fail = (code: string, message: string) =>
    new IdentityError(code, scrub(message, secrets), "DELETE", url, answer.status);
  if (answer.status === 404) {
    throw fail(
      "not_found",
      `GitHub has no such token for the app ${clientId} (${apiDetail(answer)}; ${call}): it was already revoked, or the credentials are another app's`,
    );
  }
  if (answer.status === 401) {
    throw fail(
      "bad_credentials",
      `GitHub refused the app's credentials (${apiDetail(answer)}; ${call}): check the client ID and secret`,
    );
  }
  throw fail("http", `GitHub refused to revoke the token (${apiDetail(answer)}; ${call})`);
}

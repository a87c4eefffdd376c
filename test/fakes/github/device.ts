/**
 * Fake OAuth device flow on github.com (and an Enterprise host), as GitHub documents it
 * ("Authorizing OAuth apps", "Refreshing user access tokens", REST "Delete an app token"):
 *
 * - `POST /login/device/code` {client_id, scope?} (form, JSON or query) → 200 {device_code (40 hex),
 *   user_code (`XXXX-XXXX`), verification_uri: `https://<host>/login/device`, expires_in, interval}.
 *   An unknown client_id → 404; an app without the device flow → 400 `device_flow_disabled`.
 * - `POST /login/oauth/access_token` {client_id, device_code, grant_type=urn:ietf:params:oauth:grant-type:device_code}
 *   → 200 with `{error, error_description, error_uri}` while it cannot issue (`authorization_pending`,
 *   `slow_down` + the new `interval`, `expired_token`, `access_denied`, `incorrect_device_code`,
 *   `incorrect_client_credentials`, `unsupported_grant_type`, `device_flow_disabled`), or
 *   {access_token, token_type: "bearer", scope} (+ expires_in, refresh_token, refresh_token_expires_in
 *   for an app issuing expiring tokens). `grant_type=refresh_token` {client_id, refresh_token,
 *   client_secret?} → a new pair; the old access and refresh tokens stop working (`bad_refresh_token`).
 *   Answers are form-encoded unless `Accept` asks for JSON or XML, as on GitHub.
 * - `DELETE https://api.github.com/applications/{client_id}/token` (Basic client_id:client_secret,
 *   {access_token}) → 204 and the token is revoked; see `handleApi` for the refusals.
 *
 * Issued tokens are registered in `FakeTokens` with their login, so the REST API, git and Mission
 * Control know whose they are. Nothing recorded here holds a token, refresh token, device code or
 * client secret: requests keep parameters with those values replaced, issued tokens a fingerprint.
 */
import { createHash, randomBytes, randomInt } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Changes, type RecordedRequest, readBody } from "./http.js";
import { type FakeTokens, redactHeaders, type TokenOptions } from "./tokens.js";

export const DEVICE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";

const DEVICE_ERRORS_URI =
  "https://docs.github.com/developers/apps/authorizing-oauth-apps#error-codes-for-the-device-flow";
const TOKEN_ERRORS_URI =
  "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors";
const DELETE_TOKEN_DOCS = "https://docs.github.com/rest/apps/oauth-applications#delete-an-app-token";

/** Eight hours and six months, GitHub's lifetimes of expiring user tokens and their refresh tokens. */
export const ACCESS_TOKEN_SECONDS = 28_800;
export const REFRESH_TOKEN_SECONDS = 15_897_600;

/** A short, stable, one-way name for a token, safe to record and print. */
export function tokenFingerprint(token: string): string {
  return `sha256:${createHash("sha256").update(token).digest("hex").slice(0, 16)}`;
}

/** An OAuth app (or GitHub App) the fake knows. */
export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  /** Whether the device flow is enabled in the app's settings. Default true. */
  deviceFlow: boolean;
  /**
   * Whether it issues user tokens that expire (with refresh tokens, like a GitHub App that opted in).
   * Undefined: follow `FakeDevice.expiringTokens`.
   */
  expiringTokens?: boolean;
}

export type DeviceCodeState = "pending" | "approved" | "denied" | "expired" | "redeemed";

/** One device authorization, as a test may read it (the device code itself is never exposed). */
export interface DeviceAuthorization {
  userCode: string;
  clientId: string;
  host: string;
  /** As requested: space-delimited. */
  scope: string;
  /** On the fake's clock (epoch ms). */
  createdAt: number;
  expiresAt: number;
  /** The minimum seconds between polls now in force (grows by 5 on every `slow_down`). */
  interval: number;
  state: DeviceCodeState;
  /** Who approved it. */
  login?: string;
  lastPollAt?: number;
  /** Fingerprint of the access token issued for it. */
  issued?: string;
}

/** What one poll of the access token endpoint got. */
export type PollOutcome =
  | "authorization_pending"
  | "slow_down"
  | "expired_token"
  | "access_denied"
  | "incorrect_device_code"
  | "incorrect_client_credentials"
  | "unsupported_grant_type"
  | "device_flow_disabled"
  | "token";

/** One poll (`grant_type` = device code), on the fake's clock. */
export interface DevicePoll {
  at: number;
  host: string;
  clientId: string;
  /** The user code of the device code polled for, when the device code was a known one. */
  userCode?: string;
  outcome: PollOutcome;
  /** The interval in force after this answer (seconds). */
  interval?: number;
  /** Milliseconds since the previous poll for the same device code. */
  sinceLastMs?: number;
}

/** A token the fake issued (never the token itself). */
export interface IssuedToken {
  fingerprint: string;
  login: string;
  clientId: string;
  host: string;
  /** What the answer said (`repo,gist`; empty for an expiring token, as for GitHub Apps). */
  scope: string;
  issuedAt: number;
  via: "device" | "refresh";
  expiresAt?: number;
  refreshFingerprint?: string;
  refreshExpiresAt?: number;
  /** Whether it still works (not revoked, refreshed away or removed from `gh.tokens`). */
  active: boolean;
}

/** A refresh answered `grant_type=refresh_token`. */
export interface RefreshAttempt {
  at: number;
  clientId: string;
  outcome: "token" | "bad_refresh_token" | "incorrect_client_credentials";
}

/** What `approve` accepts besides the login: the token's access (see FakeTokens) and the user's name. */
export interface ApproveOptions extends Omit<TokenOptions, "login"> {
  name?: string;
}

interface Pending {
  deviceCode: string;
  auth: DeviceAuthorization;
  grant: Omit<TokenOptions, "login">;
}

interface Grant {
  token: string;
  refresh?: string;
  record: Omit<IssuedToken, "active">;
  options: TokenOptions & { login: string };
  /** The refresh token was used (or the pair revoked). */
  spent: boolean;
}

type Params = Record<string, string>;
type Format = "json" | "xml" | "form";

const SENSITIVE = new Set(["device_code", "refresh_token", "client_secret", "access_token", "code"]);
const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";

function randomText(n: number, alphabet: string): string {
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export class FakeDevice {
  /** The app registered at start. */
  readonly app: OAuthApp;
  readonly apps = new Map<string, OAuthApp>();
  /** Seconds between polls given to new device codes (GitHub: 5). Tests may set 0. */
  interval = 5;
  /** Lifetime of new device codes in seconds (GitHub: 900). */
  expiresIn = 900;
  /** Apps without their own setting issue expiring tokens with refresh tokens. */
  expiringTokens = false;
  /** The fake's clock (epoch ms): device code expiry, `slow_down` and the poll records use it. */
  clock: () => number = Date.now;
  /** Every request to the device endpoints and the token API, with secrets replaced. */
  readonly requests: RecordedRequest[] = [];
  /** Every device-code poll, in order. */
  readonly polls: DevicePoll[] = [];
  readonly refreshes: RefreshAttempt[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly grants: Grant[] = [];

  constructor(
    private readonly tokens: FakeTokens,
    private readonly changes: Changes,
    /** Called when a login approves, so the REST API's `/user` knows its name. */
    private readonly onUser: (login: string, name?: string) => void = () => undefined,
  ) {
    this.app = this.addApp({ clientId: "Iv1.fake0device0client", clientSecret: "fake_client_secret_0001" });
  }

  /** Whether a github.com path is the device flow's. */
  static matches(path: string): boolean {
    return path === "/login/device/code" || path === "/login/oauth/access_token";
  }

  /** Whether an api.github.com path is the token API's. */
  static matchesApi(path: string): boolean {
    return /^\/applications\/[^/]+\/token$/.test(path);
  }

  addApp(app: {
    clientId: string;
    clientSecret: string;
    deviceFlow?: boolean;
    expiringTokens?: boolean;
  }): OAuthApp {
    const full: OAuthApp = {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      deviceFlow: app.deviceFlow ?? true,
      ...(app.expiringTokens === undefined ? {} : { expiringTokens: app.expiringTokens }),
    };
    this.apps.set(app.clientId, full);
    return full;
  }

  /** Every device authorization, oldest first. */
  get authorizations(): DeviceAuthorization[] {
    return [...this.pending.values()].map((p) => p.auth);
  }

  authorization(userCode: string): DeviceAuthorization | undefined {
    return this.find(userCode)?.auth;
  }

  /** The polls for one user code. */
  pollsFor(userCode: string): DevicePoll[] {
    return this.polls.filter((p) => p.userCode === userCode);
  }

  /** Every token issued, newest last. */
  get issued(): IssuedToken[] {
    return this.grants.map((g) => ({ ...g.record, active: this.tokens.known(g.token) }));
  }

  /** The person enters `userCode` at /login/device and authorizes the app as `login`. */
  approve(userCode: string, login: string, opts: ApproveOptions = {}): void {
    const p = this.open(userCode, "approve");
    const { name, ...grant } = opts;
    p.auth.state = "approved";
    p.auth.login = login;
    p.grant = grant;
    this.onUser(login, name);
    this.changes.emit();
  }

  /** The person clicks Cancel: every later poll gets `access_denied`. */
  deny(userCode: string): void {
    this.open(userCode, "deny").auth.state = "denied";
    this.changes.emit();
  }

  /** The code expires now (as after `expires_in`): polls get `expired_token`. */
  expire(userCode: string): void {
    const p = this.find(userCode);
    if (!p) throw new Error(`FakeDevice.expire: no device code for ${userCode}`);
    p.auth.state = "expired";
    this.changes.emit();
  }

  // ---- github.com (and the Enterprise host): /login/device/code, /login/oauth/access_token ----

  handle = async (req: IncomingMessage, res: ServerResponse, host: string): Promise<void> => {
    const url = new URL(req.url ?? "/", "https://x");
    const raw = await readBody(req);
    const params = parseParams(url, raw, req.headers["content-type"]);
    const rec: RecordedRequest = {
      at: Date.now(),
      method: req.method ?? "GET",
      host,
      path: url.pathname,
      query: redactParams(Object.fromEntries(url.searchParams)),
      headers: redactHeaders(req.headers),
      body: redactParams(params),
    };
    this.requests.push(rec);
    const format = formatOf(req.headers.accept);
    try {
      if (req.method !== "POST") {
        sendOAuth(res, 404, { error: "Not Found" }, format, rec);
      } else if (url.pathname === "/login/device/code") {
        this.deviceCode(params, host, format, res, rec);
      } else {
        this.accessToken(params, host, format, res, rec);
      }
    } finally {
      this.changes.emit();
    }
  };

  private deviceCode(
    params: Params,
    host: string,
    format: Format,
    res: ServerResponse,
    rec: RecordedRequest,
  ) {
    const app = this.apps.get(params.client_id ?? "");
    // GitHub answers 404 for a client_id it does not know (or none): there is nothing to say it to.
    if (!app) return sendOAuth(res, 404, { error: "Not Found" }, format, rec);
    if (!app.deviceFlow) {
      return sendOAuth(
        res,
        400,
        oauthError("device_flow_disabled", "Device Flow must be explicitly enabled for this App"),
        format,
        rec,
      );
    }
    const deviceCode = randomBytes(20).toString("hex");
    let userCode: string;
    do userCode = `${randomText(4, USER_CODE_ALPHABET)}-${randomText(4, USER_CODE_ALPHABET)}`;
    while (this.find(userCode));
    const now = this.clock();
    const auth: DeviceAuthorization = {
      userCode,
      clientId: app.clientId,
      host,
      scope: params.scope ?? "",
      createdAt: now,
      expiresAt: now + this.expiresIn * 1000,
      interval: this.interval,
      state: "pending",
    };
    this.pending.set(deviceCode, { deviceCode, auth, grant: {} });
    sendOAuth(
      res,
      200,
      {
        device_code: deviceCode,
        user_code: userCode,
        verification_uri: `https://${host}/login/device`,
        expires_in: this.expiresIn,
        interval: this.interval,
      },
      format,
      rec,
    );
  }

  private accessToken(
    params: Params,
    host: string,
    format: Format,
    res: ServerResponse,
    rec: RecordedRequest,
  ) {
    const clientId = params.client_id ?? "";
    const app = this.apps.get(clientId);
    const secretWrong = params.client_secret !== undefined && params.client_secret !== app?.clientSecret;
    const grantType = params.grant_type ?? "";
    const answer = (body: Record<string, unknown>) => sendOAuth(res, 200, body, format, rec);
    if (grantType === "refresh_token") {
      if (!app || secretWrong) {
        this.refreshes.push({ at: this.clock(), clientId, outcome: "incorrect_client_credentials" });
        return answer(incorrectClient());
      }
      return answer(this.refresh(app, params.refresh_token ?? "", host));
    }
    const poll: DevicePoll = { at: this.clock(), host, clientId, outcome: "authorization_pending" };
    const reply = (outcome: PollOutcome, body: Record<string, unknown>) => {
      poll.outcome = outcome;
      this.polls.push(poll);
      answer(body);
    };
    if (!app || secretWrong) return reply("incorrect_client_credentials", incorrectClient());
    if (grantType !== DEVICE_GRANT_TYPE) {
      return reply(
        "unsupported_grant_type",
        oauthError(
          "unsupported_grant_type",
          `The grant type must be ${DEVICE_GRANT_TYPE} or refresh_token.`,
          DEVICE_ERRORS_URI,
        ),
      );
    }
    if (!app.deviceFlow) {
      return reply(
        "device_flow_disabled",
        oauthError("device_flow_disabled", "Device Flow must be explicitly enabled for this App"),
      );
    }
    const p = this.pending.get(params.device_code ?? "");
    if (!p || p.auth.clientId !== app.clientId || p.auth.state === "redeemed") {
      return reply(
        "incorrect_device_code",
        oauthError("incorrect_device_code", "The device_code provided is not valid."),
      );
    }
    const auth = p.auth;
    poll.userCode = auth.userCode;
    const now = poll.at;
    if (auth.lastPollAt !== undefined) poll.sinceLastMs = now - auth.lastPollAt;
    if (auth.state === "expired" || now >= auth.expiresAt) {
      auth.state = auth.state === "approved" || auth.state === "pending" ? "expired" : auth.state;
      poll.interval = auth.interval;
      return reply("expired_token", oauthError("expired_token", "The `device_code` has expired."));
    }
    const tooSoon = auth.lastPollAt !== undefined && now - auth.lastPollAt < auth.interval * 1000;
    auth.lastPollAt = now;
    if (tooSoon) {
      auth.interval += 5;
      poll.interval = auth.interval;
      return reply("slow_down", {
        ...oauthError("slow_down", "Too many requests have been made in the same timeframe."),
        interval: auth.interval,
      });
    }
    poll.interval = auth.interval;
    if (auth.state === "denied") {
      return reply("access_denied", oauthError("access_denied", "The authorization request was denied."));
    }
    if (auth.state === "pending") {
      return reply(
        "authorization_pending",
        oauthError("authorization_pending", "The authorization request is still pending."),
      );
    }
    // approved
    auth.state = "redeemed";
    const login = auth.login ?? "octocat";
    const scope = auth.scope
      .split(/[\s,]+/)
      .filter(Boolean)
      .join(",");
    const issued = this.issue(app, { login, ...p.grant }, scope, host, "device");
    auth.issued = issued.fingerprint;
    reply("token", issued.body);
  }

  private refresh(app: OAuthApp, refresh: string, host: string): Record<string, unknown> {
    const now = this.clock();
    const g = refresh ? this.grants.find((x) => x.refresh === refresh) : undefined;
    const valid =
      g !== undefined &&
      !g.spent &&
      g.record.clientId === app.clientId &&
      (g.record.refreshExpiresAt === undefined || now < g.record.refreshExpiresAt);
    if (!g || !valid) {
      this.refreshes.push({ at: now, clientId: app.clientId, outcome: "bad_refresh_token" });
      return oauthError(
        "bad_refresh_token",
        "The refresh token passed is incorrect or expired.",
        TOKEN_ERRORS_URI,
      );
    }
    g.spent = true;
    this.tokens.revoke(g.token);
    this.refreshes.push({ at: now, clientId: app.clientId, outcome: "token" });
    return this.issue(app, g.options, g.record.scope, host, "refresh").body;
  }

  private issue(
    app: OAuthApp,
    options: TokenOptions & { login: string },
    scope: string,
    host: string,
    via: "device" | "refresh",
  ): { body: Record<string, unknown>; fingerprint: string } {
    const expiring = app.expiringTokens ?? this.expiringTokens;
    const now = this.clock();
    const token = `${expiring ? "ghu" : "gho"}_${randomText(36, BASE62)}`;
    this.tokens.add(token, options);
    const grantScope = expiring ? "" : scope;
    const fingerprint = tokenFingerprint(token);
    if (!expiring) {
      this.grants.push({
        token,
        options,
        spent: false,
        record: {
          fingerprint,
          login: options.login,
          clientId: app.clientId,
          host,
          scope: grantScope,
          issuedAt: now,
          via,
        },
      });
      return { body: { access_token: token, token_type: "bearer", scope: grantScope }, fingerprint };
    }
    const refresh = `ghr_${randomText(76, BASE62)}`;
    this.grants.push({
      token,
      refresh,
      options,
      spent: false,
      record: {
        fingerprint,
        login: options.login,
        clientId: app.clientId,
        host,
        scope: grantScope,
        issuedAt: now,
        via,
        expiresAt: now + ACCESS_TOKEN_SECONDS * 1000,
        refreshFingerprint: tokenFingerprint(refresh),
        refreshExpiresAt: now + REFRESH_TOKEN_SECONDS * 1000,
      },
    });
    const body = {
      access_token: token,
      expires_in: ACCESS_TOKEN_SECONDS,
      refresh_token: refresh,
      refresh_token_expires_in: REFRESH_TOKEN_SECONDS,
      scope: grantScope,
      token_type: "bearer",
    };
    return { body, fingerprint };
  }

  // ---- api.github.com: DELETE /applications/{client_id}/token ----

  /**
   * "Delete an app token": Basic client_id:client_secret, JSON body {access_token}.
   * - no Authorization → 401 "Requires authentication";
   * - Basic with an unknown client or a wrong secret → 401 "Bad credentials";
   * - another app's credentials, or a token instead of them → 404 "Not Found";
   * - a body that is not JSON → 400 "Problems parsing JSON"; no `access_token` → 422;
   * - a token this app did not issue, or no longer valid → 404; otherwise 204 and it is revoked.
   */
  handleApi = async (req: IncomingMessage, res: ServerResponse, host: string): Promise<void> => {
    const url = new URL(req.url ?? "/", "https://x");
    const raw = await readBody(req);
    let json: unknown;
    let parsed = true;
    try {
      json = raw ? JSON.parse(raw) : undefined;
    } catch {
      parsed = false;
    }
    const rec: RecordedRequest = {
      at: Date.now(),
      method: req.method ?? "GET",
      host,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: redactHeaders(req.headers),
      body: isRecord(json) ? redactParams(stringValues(json)) : parsed ? json : "[unparsed]",
    };
    this.requests.push(rec);
    try {
      const clientId = decodeURIComponent(url.pathname.split("/")[2] ?? "");
      if (req.method !== "DELETE") return sendApi(res, 404, notFound(), rec);
      const auth = req.headers.authorization;
      if (!auth) {
        return sendApi(
          res,
          401,
          { message: "Requires authentication", documentation_url: DELETE_TOKEN_DOCS, status: "401" },
          rec,
        );
      }
      const basic = parseBasic(auth);
      if (!basic) return sendApi(res, 404, notFound(), rec);
      const caller = this.apps.get(basic.user);
      if (!caller || caller.clientSecret !== basic.password) {
        return sendApi(
          res,
          401,
          { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" },
          rec,
        );
      }
      if (caller.clientId !== clientId) return sendApi(res, 404, notFound(), rec);
      if (!parsed) {
        return sendApi(
          res,
          400,
          { message: "Problems parsing JSON", documentation_url: DELETE_TOKEN_DOCS, status: "400" },
          rec,
        );
      }
      const token = isRecord(json) && typeof json.access_token === "string" ? json.access_token : "";
      if (!token) {
        return sendApi(
          res,
          422,
          {
            message: 'Invalid request.\n\n"access_token" wasn\'t supplied.',
            documentation_url: DELETE_TOKEN_DOCS,
            status: "422",
          },
          rec,
        );
      }
      const g = this.grants.find((x) => x.token === token && x.record.clientId === clientId);
      if (!g || !this.tokens.known(token)) return sendApi(res, 404, notFound(), rec);
      this.tokens.revoke(token);
      g.spent = true;
      rec.status = 204;
      res.writeHead(204);
      res.end();
    } finally {
      this.changes.emit();
    }
  };

  private find(userCode: string): Pending | undefined {
    const wanted = userCode.toUpperCase();
    return [...this.pending.values()].find((p) => p.auth.userCode === wanted);
  }

  private open(userCode: string, what: string): Pending {
    const p = this.find(userCode);
    if (!p) throw new Error(`FakeDevice.${what}: no device code for ${userCode}`);
    if (p.auth.state !== "pending" || this.clock() >= p.auth.expiresAt) {
      throw new Error(
        `FakeDevice.${what}: ${userCode} is ${p.auth.state === "pending" ? "expired" : p.auth.state}`,
      );
    }
    return p;
  }
}

function oauthError(error: string, description: string, uri = DEVICE_ERRORS_URI): Record<string, unknown> {
  return { error, error_description: description, error_uri: uri };
}

function incorrectClient(): Record<string, unknown> {
  return oauthError(
    "incorrect_client_credentials",
    "The client_id and/or client_secret passed are incorrect.",
    TOKEN_ERRORS_URI,
  );
}

function notFound(): Record<string, unknown> {
  return { message: "Not Found", documentation_url: DELETE_TOKEN_DOCS, status: "404" };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function stringValues(o: Record<string, unknown>): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === "string") out[k] = v;
    else if (typeof v === "number" || typeof v === "boolean") out[k] = String(v);
  }
  return out;
}

/** The query string, then the body (JSON or form), the body winning. */
function parseParams(url: URL, raw: string, contentType: string | undefined): Params {
  const params: Params = Object.fromEntries(url.searchParams);
  if (!raw) return params;
  if ((contentType ?? "").includes("json")) {
    try {
      const json: unknown = JSON.parse(raw);
      if (isRecord(json)) Object.assign(params, stringValues(json));
    } catch {
      // GitHub ignores a body it cannot read: the request then lacks its parameters.
    }
    return params;
  }
  for (const [k, v] of new URLSearchParams(raw)) params[k] = v;
  return params;
}

function redactParams(params: Params): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(params)) out[k] = SENSITIVE.has(k) && v ? "[redacted]" : v;
  return out;
}

function parseBasic(header: string): { user: string; password: string } | undefined {
  const m = /^basic\s+(\S+)\s*$/i.exec(header);
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function formatOf(accept: string | undefined): Format {
  const a = (accept ?? "").toLowerCase();
  if (a.includes("application/json")) return "json";
  if (a.includes("application/xml")) return "xml";
  return "form";
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** An OAuth endpoint's answer in the format `Accept` asked for (form-encoded by default). */
function sendOAuth(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  format: Format,
  rec: RecordedRequest,
): void {
  rec.status = status;
  let text: string;
  let type: string;
  if (format === "json") {
    text = JSON.stringify(body);
    type = "application/json; charset=utf-8";
  } else if (format === "xml") {
    const fields = Object.entries(body).map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`);
    text = `<OAuth>${fields.join("")}</OAuth>`;
    type = "application/xml; charset=utf-8";
  } else {
    text = new URLSearchParams(
      Object.entries(body).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    type = "application/x-www-form-urlencoded; charset=utf-8";
  }
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendApi(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  rec: RecordedRequest,
): void {
  rec.status = status;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * HTTP for the identity calls (device flow, token API, `/user`): undici's fetch through the
 * environment's HTTPS_PROXY / NO_PROXY (`EnvHttpProxyAgent`; Node's global fetch ignores them),
 * trusting NODE_EXTRA_CA_CERTS as Node does. Every failure is an `IdentityError` naming the method and
 * URL; no secret it was given (token, refresh token, device code, client secret) is ever in a message.
 */
import type { EnvHttpProxyAgent } from "undici";
import { fetch } from "undici";
import { proxyAgentFromEnv } from "../net/proxy-agent.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** One request, as a transport sends it. */
export interface HttpRequest {
  method: "GET" | "POST" | "DELETE";
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** What a transport answers. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** Sends one request (undici through the proxy by default; a test may give its own). */
export type Transport = (req: HttpRequest) => Promise<HttpAnswer>;

/**
 * What went wrong: GitHub's OAuth error code (`incorrect_client_credentials`, `bad_refresh_token`,
 * `device_flow_disabled`, …), or the bridge's name for a failed call.
 */
export type IdentityErrorCode =
  /** The request did not get an answer (DNS, TLS, proxy, timeout). */
  | "network"
  /** GitHub does not know the OAuth app's client ID (404 from /login/device/code). */
  | "unknown_client"
  /** 401 from the REST API: the token (or the app's credentials) was refused. */
  | "bad_credentials"
  /** 404 from the REST API. */
  | "not_found"
  /** An answer that is not what GitHub documents. */
  | "malformed"
  /** Any other HTTP status. */
  | "http"
  | "incorrect_client_credentials"
  | "incorrect_device_code"
  | "unsupported_grant_type"
  | "device_flow_disabled"
  | "bad_refresh_token"
  | (string & {});

export class IdentityError extends Error {
  override readonly name = "IdentityError";
  constructor(
    readonly code: IdentityErrorCode,
    message: string,
    readonly method: string,
    readonly url: string,
    /** The HTTP status, when there was an answer. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Replaces every secret, as given and URL-encoded (a Basic credential is the caller's to list). */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    out = out.split(s).join("[redacted]");
    const encoded = encodeURIComponent(s);
    if (encoded !== s) out = out.split(encoded).join("[redacted]");
  }
  return out;
}

export interface HttpOptions {
  /** Where HTTPS_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS are read. Default `process.env`. */
  env?: Env;
  /** Replaces undici (tests). */
  transport?: Transport;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  userAgent?: string;
}

export class IdentityHttp {
  private agent: EnvHttpProxyAgent | undefined;
  private readonly timeoutMs: number;
  readonly userAgent: string;

  constructor(private readonly opts: HttpOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.userAgent = opts.userAgent ?? "copilot-chat-bridge";
  }

  private dispatcher(): EnvHttpProxyAgent {
    this.agent ??= proxyAgentFromEnv(this.opts.env ?? process.env);
    return this.agent;
  }

  private readonly undici: Transport = async (req) => {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      signal: req.signal,
      dispatcher: this.dispatcher(),
      ...(req.body === undefined ? {} : { body: req.body }),
    });
    return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() };
  };

  /**
   * Sends one request with a timeout (and `signal`). A failure to get an answer is an IdentityError
   * `network`; if `signal` was aborted, its reason is thrown instead.
   */
  async send(
    req: Omit<HttpRequest, "signal" | "headers"> & { headers?: Record<string, string>; signal?: AbortSignal },
    secrets: readonly string[],
  ): Promise<HttpAnswer> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const transport = this.opts.transport ?? this.undici;
    try {
      return await transport({
        method: req.method,
        url: req.url,
        headers: { "User-Agent": this.userAgent, ...req.headers },
        signal,
        ...(req.body === undefined ? {} : { body: req.body }),
      });
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason;
      const cause =
        err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      const why = timeout.aborted ? `no answer within ${this.timeoutMs} ms` : cause;
      throw new IdentityError(
        "network",
        scrub(`could not reach GitHub (${req.method} ${req.url}): ${why}`, secrets),
        req.method,
        req.url,
      );
    }
  }

  async close(): Promise<void> {
    const agent = this.agent;
    this.agent = undefined;
    await agent?.close();
  }
}

/**
 * Runs `fn` with `opts.http` when given (left open: it is the caller's), else with a client of its own
 * made from `opts`, closed afterwards.
 */
export async function withHttp<T>(
  opts: HttpOptions & { http?: IdentityHttp },
  fn: (http: IdentityHttp) => Promise<T>,
): Promise<T> {
  if (opts.http) return fn(opts.http);
  const http = new IdentityHttp(opts);
  try {
    return await fn(http);
  } finally {
    await http.close();
  }
}

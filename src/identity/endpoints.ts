/**
 * Where GitHub's device flow and REST API live: github.com, or a GitHub Enterprise Server host; and
 * what every identity call accepts.
 */
import type { HttpOptions, IdentityHttp } from "./http.js";

/** The REST API version the identity calls ask for. */
export const API_VERSION = "2022-11-28";

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

/**
 * Opt-in enforcement of Discord's documented REST rate limits ("Rate Limits" page): a global limit
 * of 50 requests per second per bot (interaction endpoints exempt), and per-route buckets keyed by
 * the route's top-level resource (channel_id, guild_id, webhook_id + token), announced on every
 * answer with X-RateLimit-Limit / -Remaining / -Reset / -Reset-After / -Bucket.
 *
 * Windows are fixed, as Discord's are: one starts at the first request and `reset_after` counts
 * down to its end; the global window works the same way (1 s from the first request), which is
 * also how @discordjs/rest counts its own 50/s. A rejected request is not applied.
 */

import { RateTally } from "../base.js";

export interface WindowSpec {
  limit: number;
  windowMs: number;
}

export interface DiscordRateLimitProfile {
  /** Default 50 per 1000 ms; `null` = no global limit. */
  global?: WindowSpec | null;
  /** Per route key ("PATCH /channels/:id/messages/:id"); `null` = not limited. */
  routes?: Partial<Record<string, WindowSpec | null>>;
  /** Routes without a rule of their own. Default 10 per 10 s. */
  defaultRoute?: WindowSpec | null;
  /** Clock in ms (default Date.now). */
  now?: () => number;
}

export interface DiscordRateLimitStats {
  /** 429s answered per route key (global ones included). */
  limited: Record<string, number>;
  /** Every request per route key, rejected ones included (not unknown routes, not injected faults). */
  calls: Record<string, number>;
  /** How many of the 429s were the global limit. */
  globalLimited: number;
}

export const GLOBAL_LIMIT: WindowSpec = { limit: 50, windowMs: 1000 };
export const DEFAULT_ROUTE_LIMIT: WindowSpec = { limit: 10, windowMs: 10_000 };

interface Rule {
  /** Routes with the same bucket share one window (per major parameter) and one X-RateLimit-Bucket. */
  bucket: string;
  spec: WindowSpec | null;
}

const THREADS: Rule = { bucket: "thread-create", spec: { limit: 5, windowMs: 5000 } };
const WEBHOOK: Rule = { bucket: "webhook", spec: { limit: 5, windowMs: 2000 } };

/** Route keys with their own numbers; everything else gets DEFAULT_ROUTE_LIMIT, a bucket per route. */
export const ROUTE_RULES: Readonly<Record<string, Rule>> = {
  "POST /channels/:id/messages": { bucket: "message-create", spec: { limit: 5, windowMs: 5000 } },
  "PATCH /channels/:id/messages/:id": { bucket: "message-edit", spec: { limit: 5, windowMs: 5000 } },
  "DELETE /channels/:id/messages/:id": { bucket: "message-delete", spec: { limit: 5, windowMs: 1000 } },
  "POST /channels/:id/threads": THREADS,
  "POST /channels/:id/messages/:id/threads": THREADS,
  "POST /webhooks/:id/:token": WEBHOOK,
  "GET /webhooks/:id/:token/messages/:id": WEBHOOK,
  "PATCH /webhooks/:id/:token/messages/:id": WEBHOOK,
  "DELETE /webhooks/:id/:token/messages/:id": WEBHOOK,
  "POST /interactions/:id/:token/callback": { bucket: "interaction-callback", spec: null },
};

/** "PATCH /channels/:channel/messages/:message" → "PATCH /channels/:id/messages/:id". */
export function routeKey(method: string, pattern: string): string {
  return `${method} ${pattern.replace(/:(?!token\b)\w+/g, ":id")}`;
}

/**
 * "Interaction endpoints are not bound to the bot's Global Rate Limit": the callback and the
 * interaction webhook (follow-ups, original response), which are the only webhooks the fake serves.
 */
const exemptFromGlobal = (key: string): boolean =>
  key === "POST /interactions/:id/:token/callback" || key.includes(" /webhooks/:id/:token");

/** The top-level resource the route's bucket is counted per: channel, guild, webhook + token. */
function majorParameter(pattern: string, params: Record<string, string>): string {
  if (pattern.startsWith("/channels/:channel")) return `channel:${params.channel}`;
  if (pattern.startsWith("/guilds/:guild")) return `guild:${params.guild}`;
  if (pattern.startsWith("/webhooks/:app/:token")) return `webhook:${params.app}/${params.token}`;
  return "global";
}

/** A stable opaque hash per bucket, the same for every channel (what X-RateLimit-Bucket carries). */
function bucketHash(bucket: string): string {
  let h = 0x811c9dc5;
  for (const ch of bucket) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `fakerl${h.toString(16).padStart(8, "0")}`;
}

class FixedWindow {
  count = 0;
  resetAt = 0;

  constructor(readonly spec: WindowSpec) {}

  /** Starts a new window at this request when the last one is over. */
  roll(now: number): void {
    if (now >= this.resetAt) {
      this.count = 0;
      this.resetAt = now + this.spec.windowMs;
    }
  }

  get full(): boolean {
    return this.count >= this.spec.limit;
  }
}

export type Verdict =
  | { ok: true; headers?: Record<string, string> }
  | { ok: false; global: boolean; retryAfter: number; headers: Record<string, string> };

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

export class DiscordRateLimiter {
  private enabled = false;
  private profile: DiscordRateLimitProfile = {};
  private global: FixedWindow | undefined;
  private readonly windows = new Map<string, FixedWindow>();
  private readonly tally = new RateTally();
  private globalLimited = 0;

  /** `true` = the documented numbers, a profile = those with overrides, `false` = off. Windows start empty. */
  configure(setting: boolean | DiscordRateLimitProfile): void {
    this.enabled = setting !== false;
    this.profile = typeof setting === "object" ? setting : {};
    this.windows.clear();
    const g = this.profile.global === undefined ? GLOBAL_LIMIT : this.profile.global;
    this.global = g === null ? undefined : new FixedWindow(g);
  }

  /**
   * Counts the request and, when enabled, decides it. `headers` (when set) are the X-RateLimit-*
   * headers to answer with; without them the caller keeps its defaults.
   */
  check(method: string, pattern: string, params: Record<string, string>): Verdict {
    const key = routeKey(method, pattern);
    this.tally.call(key);
    if (!this.enabled) return { ok: true };
    const now = (this.profile.now ?? Date.now)();
    if (this.global !== undefined && !exemptFromGlobal(key)) {
      // Every request the bot sends counts, as @discordjs/rest counts them.
      this.global.roll(now);
      if (this.global.full) return this.reject(key, true, this.global.resetAt - now, {});
      this.global.count += 1;
    }
    const rule = this.ruleFor(key);
    if (rule.spec === null) return { ok: true };
    const windowKey = `${rule.bucket}|${majorParameter(pattern, params)}`;
    let w = this.windows.get(windowKey);
    if (w === undefined) {
      w = new FixedWindow(rule.spec);
      this.windows.set(windowKey, w);
    }
    w.roll(now);
    const hash = bucketHash(rule.bucket);
    if (w.full) return this.reject(key, false, w.resetAt - now, this.headers(w, now, hash));
    w.count += 1;
    return { ok: true, headers: this.headers(w, now, hash) };
  }

  rateLimitStats(): DiscordRateLimitStats {
    return { ...this.tally.snapshot(), globalLimited: this.globalLimited };
  }

  resetStats(): void {
    this.tally.reset();
    this.globalLimited = 0;
  }

  private ruleFor(key: string): Rule {
    const override = this.profile.routes?.[key];
    const base = ROUTE_RULES[key];
    const fallback =
      this.profile.defaultRoute === undefined ? DEFAULT_ROUTE_LIMIT : this.profile.defaultRoute;
    return {
      bucket: base?.bucket ?? key,
      spec: override !== undefined ? override : base !== undefined ? base.spec : fallback,
    };
  }

  private headers(w: FixedWindow, now: number, hash: string): Record<string, string> {
    return {
      "x-ratelimit-limit": String(w.spec.limit),
      "x-ratelimit-remaining": String(Math.max(0, w.spec.limit - w.count)),
      "x-ratelimit-reset": seconds(w.resetAt),
      "x-ratelimit-reset-after": seconds(w.resetAt - now),
      "x-ratelimit-bucket": hash,
    };
  }

  private reject(key: string, global: boolean, waitMs: number, headers: Record<string, string>): Verdict {
    this.tally.limit(key);
    if (global) this.globalLimited += 1;
    const retryAfter = Math.max(0.001, waitMs / 1000);
    return {
      ok: false,
      global,
      retryAfter,
      headers: {
        ...headers,
        "retry-after": String(Math.max(1, Math.ceil(retryAfter))),
        "x-ratelimit-scope": global ? "global" : "user",
        ...(global ? { "x-ratelimit-global": "true" } : {}),
      },
    };
  }
}

/** Discord's 429 body. */
export function rateLimitedBody(v: { global: boolean; retryAfter: number }): Record<string, unknown> {
  return {
    message: "You are being rate limited.",
    retry_after: Number(v.retryAfter.toFixed(3)),
    global: v.global,
  };
}

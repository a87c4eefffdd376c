/**
 * Opt-in enforcement of Slack's documented Web API rate limits ("Rate limits" page: per API method
 * per app per workspace; Tier 2 20+/min, Tier 3 50+/min, Tier 4 100+/min; chat.postMessage "Special
 * tier": about one message per second per channel with short bursts, plus a workspace-wide limit).
 *
 * Each limit is a token bucket (capacity = burst, refilled continuously). The fake has one app in
 * one workspace, so a tier bucket is per method and the postMessage buckets are per channel plus
 * one for the workspace. A rejected call is answered like Slack's edge: HTTP 429,
 * `Retry-After: <whole seconds>`, `{"ok":false,"error":"ratelimited"}`.
 */

import { RateTally } from "../base.js";

export interface BucketSpec {
  /** Burst size: how many calls an idle bucket accepts at once. */
  capacity: number;
  /** Tokens added per second (continuously). */
  perSecond: number;
}

export interface SlackRateLimitProfile {
  /** Per-method overrides of the tier bucket; `null` = unlimited. */
  tiers?: Partial<Record<string, BucketSpec | null>>;
  /** Methods not in the tier table. Default Tier 3. */
  unknownMethods?: BucketSpec;
  /** chat.postMessage, per channel. Default capacity 3, 1 per second. */
  postMessagePerChannel?: BucketSpec;
  /** chat.postMessage, whole workspace. Default capacity 30, 5 per second (300/min). */
  postMessageWorkspace?: BucketSpec;
  /** Clock in ms (default Date.now), for tests that move time themselves. */
  now?: () => number;
}

export interface SlackRateLimitStats {
  /** 429s answered, per method. */
  limited: Record<string, number>;
  /** Every Web API call, per method, rejected ones included (not those an injected fault answered). */
  calls: Record<string, number>;
}

export const TIER_2: BucketSpec = { capacity: 20, perSecond: 20 / 60 };
export const TIER_3: BucketSpec = { capacity: 50, perSecond: 50 / 60 };
export const TIER_4: BucketSpec = { capacity: 100, perSecond: 100 / 60 };
export const POST_MESSAGE_PER_CHANNEL: BucketSpec = { capacity: 3, perSecond: 1 };
export const POST_MESSAGE_WORKSPACE: BucketSpec = { capacity: 30, perSecond: 5 };

/** The methods the bridge uses, by their documented tier. `null` = not limited by the fake. */
export const METHOD_TIERS: Readonly<Record<string, BucketSpec | null>> = {
  "chat.update": TIER_3,
  "chat.delete": TIER_3,
  "chat.postEphemeral": TIER_4,
  "chat.getPermalink": TIER_4,
  "reactions.add": TIER_3,
  "reactions.remove": TIER_3,
  "views.open": TIER_4,
  "views.update": TIER_4,
  "views.push": TIER_4,
  "files.getUploadURLExternal": TIER_4,
  "files.completeUploadExternal": TIER_4,
  "conversations.info": TIER_3,
  "conversations.open": TIER_3,
  "conversations.replies": TIER_3,
  "conversations.history": TIER_3,
  "users.info": TIER_4,
  "auth.test": TIER_4,
  // Streaming (docs.slack.dev/reference/methods/chat.{start,append,stop}Stream, "Rate Limits"):
  // start and stop Tier 2, append Tier 4.
  "chat.startStream": TIER_2,
  "chat.appendStream": TIER_4,
  "chat.stopStream": TIER_2,
  // Documented as "Special rate limits apply" with no number (reference page, rate_limit "t5");
  // the fake uses Tier 3, as for methods it does not know.
  "assistant.threads.setStatus": TIER_3,
  // The reference page found gives no tier; Tier 3, the tier slack-morphism 2.29 assumes for it.
  "agents.sessions.setStatus": TIER_3,
  // The Socket Mode handshake: not limited here.
  "apps.connections.open": null,
};

class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly spec: BucketSpec,
    now: number,
  ) {
    this.tokens = spec.capacity;
    this.at = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.at) / 1000;
    this.tokens = Math.min(this.spec.capacity, this.tokens + elapsed * this.spec.perSecond);
    this.at = now;
  }

  /** Ms until one token is available (0 = now). */
  waitMs(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    if (this.spec.perSecond <= 0) return Number.POSITIVE_INFINITY;
    return ((1 - this.tokens) / this.spec.perSecond) * 1000;
  }

  take(): void {
    this.tokens -= 1;
  }
}

/** The answer for one call: go ahead, or 429 with this Retry-After (whole seconds, ≥ 1). */
export type Verdict = { ok: true } | { ok: false; retryAfter: number };

export class SlackRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly tally = new RateTally();
  private enabled = false;
  private profile: SlackRateLimitProfile = {};

  /** `true` = the documented numbers, a profile = those with overrides, `false` = off. Buckets start full. */
  configure(setting: boolean | SlackRateLimitProfile): void {
    this.enabled = setting !== false;
    this.profile = typeof setting === "object" ? setting : {};
    this.buckets.clear();
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Counts the call and, when enabled, takes its tokens or says how long to wait. */
  check(method: string, args: Record<string, unknown>): Verdict {
    this.tally.call(method);
    if (!this.enabled) return { ok: true };
    const now = (this.profile.now ?? Date.now)();
    const needed = this.bucketsFor(method, args, now);
    const waitMs = Math.max(0, ...needed.map((b) => b.waitMs(now)));
    if (waitMs > 0) {
      this.tally.limit(method);
      return { ok: false, retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    for (const b of needed) b.take();
    return { ok: true };
  }

  rateLimitStats(): SlackRateLimitStats {
    return this.tally.snapshot();
  }

  resetStats(): void {
    this.tally.reset();
  }

  private bucketsFor(method: string, args: Record<string, unknown>, now: number): TokenBucket[] {
    const p = this.profile;
    if (method === "chat.postMessage") {
      const channel = typeof args.channel === "string" ? args.channel : "";
      return [
        this.bucket(`chat.postMessage#${channel}`, p.postMessagePerChannel ?? POST_MESSAGE_PER_CHANNEL, now),
        this.bucket("chat.postMessage", p.postMessageWorkspace ?? POST_MESSAGE_WORKSPACE, now),
      ];
    }
    const override = p.tiers?.[method];
    const spec =
      override !== undefined
        ? override
        : method in METHOD_TIERS
          ? METHOD_TIERS[method]
          : (p.unknownMethods ?? TIER_3);
    return spec === null || spec === undefined ? [] : [this.bucket(method, spec, now)];
  }

  private bucket(key: string, spec: BucketSpec, now: number): TokenBucket {
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = new TokenBucket(spec, now);
      this.buckets.set(key, b);
    }
    return b;
  }
}

import { RateDeferred } from "../../src/core/errors.js";

/** A token bucket: up to `capacity` calls at once, refilled continuously at `perSecond`. */
export interface BucketSpec {
  capacity: number;
  perSecond: number;
}

/** No budget (BRIDGE_RATE_LIMITS=off: an app whose limits are not the documented ones). */
const unlimited: BucketSpec = { capacity: 1e9, perSecond: 1e9 };

export interface RateLimiterOptions {
  /** The bucket behind a key (for example `chat.update`, or `post:C123` for one channel). */
  spec(key: string): BucketSpec;
  /** `false`: every bucket is unlimited (the calls still go through, 429s still pause them). */
  enabled?: boolean;
  /**
   * Share of each bucket kept for calls that must go out (final text, cards): interim updates
   * only take a token when more than this share is left.
   */
  reserve?: number;
  now?: () => number;
  /** Full, idle buckets are dropped this often, so keys for old channels do not pile up. */
  sweepMs?: number;
}

class Bucket {
  private tokens: number;
  private updatedAt: number;
  private pausedUntil = 0;
  waiters = 0;

  constructor(
    readonly spec: BucketSpec,
    private readonly now: () => number,
  ) {
    this.tokens = spec.capacity;
    this.updatedAt = now();
  }

  /** Milliseconds until `need` tokens are there (0: now). */
  waitFor(need: number): number {
    const t = this.now();
    this.tokens = Math.min(
      this.spec.capacity,
      this.tokens + ((t - this.updatedAt) / 1000) * this.spec.perSecond,
    );
    this.updatedAt = t;
    const paused = Math.max(0, this.pausedUntil - t);
    const missing = need - this.tokens;
    const fill = missing <= 0 ? 0 : Math.ceil((missing / this.spec.perSecond) * 1000);
    return Math.max(paused, fill);
  }

  take(): void {
    this.tokens -= 1;
  }

  /** The platform said "too many": nothing goes out before `ms` from now. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.tokens = 0;
  }

  get idle(): boolean {
    return this.waiters === 0 && this.waitFor(this.spec.capacity) === 0;
  }
}

interface Waiter {
  keys: string[];
  resolve: () => void;
}

/**
 * Keeps a platform adapter inside the platform's rate limits before it calls, so limits are not
 * found out by 429s. Calls that must go out wait for a token, first come first served; interim
 * updates never wait: they are told how long until they may try again (and show fresher content then).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly waiting: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly sweeper: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly reserve: number;
  private readonly spec: (key: string) => BucketSpec;

  constructor(options: RateLimiterOptions) {
    this.now = options.now ?? (() => performance.now());
    this.reserve = options.reserve ?? 0.2;
    this.spec = options.enabled === false ? () => unlimited : options.spec;
    this.sweeper = setInterval(() => this.sweep(), options.sweepMs ?? 60_000);
    this.sweeper.unref();
  }

  /**
   * Takes a token from every key before a call: a call that must go out waits for them; an interim
   * one is refused with `RateDeferred` when they are short (see tryAcquire).
   */
  async admit(keys: string[], options: { interim?: boolean; guards?: string[] } = {}): Promise<void> {
    if (!options.interim) return this.acquire(keys);
    const wait = this.tryAcquire(keys, options.guards);
    if (wait > 0) throw new RateDeferred(wait);
  }

  /** Waits until every key has a token, then takes one from each. */
  acquire(keys: string[]): Promise<void> {
    if (this.waiting.length === 0 && this.delay(keys, 1) === 0) {
      this.take(keys);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      for (const key of keys) this.bucket(key).waiters++;
      this.waiting.push({ keys, resolve });
      this.pump();
    });
  }

  /**
   * Takes a token from every key if an interim update may have one now (nobody is waiting for
   * them and more than the reserve is left): returns 0. Otherwise takes nothing and returns the
   * milliseconds after which to ask again. `guards` are buckets the update will need later (a
   * message posted now needs an edit when its content is final): they must be at least half full,
   * and are not spent.
   */
  tryAcquire(keys: string[], guards: string[] = []): number {
    let wait = 0;
    for (const key of guards) {
      const bucket = this.bucket(key);
      wait = Math.max(wait, bucket.waitFor(Math.ceil(bucket.spec.capacity / 2)));
    }
    for (const key of keys) {
      const bucket = this.bucket(key);
      // An interim update never takes a bucket's last token (unless the bucket holds only one).
      const share = Math.max(1, Math.floor(bucket.spec.capacity * this.reserve));
      const reserve = Math.min(bucket.spec.capacity - 1, share);
      wait = Math.max(wait, bucket.waitFor(1 + reserve));
      if (bucket.waiters > 0) wait = Math.max(wait, Math.ceil(1000 / bucket.spec.perSecond));
    }
    if (wait === 0) this.take(keys);
    return wait;
  }

  /** The platform answered 429 for `key`: hold every call on it for `ms`. */
  pause(key: string, ms: number): void {
    this.bucket(key).pause(ms);
    this.pump();
  }

  /** Calls waiting for a token. */
  get queued(): number {
    return this.waiting.length;
  }

  stop(): void {
    clearInterval(this.sweeper);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private bucket(key: string): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new Bucket(this.spec(key), this.now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private delay(keys: string[], need: number): number {
    let wait = 0;
    for (const key of keys) wait = Math.max(wait, this.bucket(key).waitFor(need));
    return wait;
  }

  private take(keys: string[]): void {
    for (const key of keys) this.bucket(key).take();
  }

  /** Lets through every waiter whose keys all have a token, in order; sleeps until the next one can go. */
  private pump(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let soonest = Number.POSITIVE_INFINITY;
    let kept = 0;
    for (const waiter of this.waiting) {
      const wait = this.delay(waiter.keys, 1);
      if (wait === 0) {
        this.take(waiter.keys);
        for (const key of waiter.keys) this.bucket(key).waiters--;
        waiter.resolve();
      } else {
        soonest = Math.min(soonest, wait);
        this.waiting[kept++] = waiter;
      }
    }
    this.waiting.length = kept;
    if (kept > 0) this.timer = setTimeout(() => this.pump(), soonest);
  }

  private sweep(): void {
    for (const [key, bucket] of this.buckets) if (bucket.idle) this.buckets.delete(key);
  }
}

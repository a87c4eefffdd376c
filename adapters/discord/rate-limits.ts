import type { BucketSpec } from "../common/rate-limiter.js";

/**
 * Discord's documented limits ("Rate Limits", discord.com/developers): 50 requests a second per
 * bot across all routes, and per-route buckets announced in `X-RateLimit-*` headers, which
 * discord.js follows by itself (it queues a call until its bucket resets). What discord.js cannot
 * know is which calls may be dropped: interim edits of a streaming message. They get their own
 * budget, a third of a channel's 5 messages per 5 s, so a final edit or a card in that channel
 * finds its bucket open instead of queued behind them.
 */
/**
 * At most 45 requests in any one second (burst + refill), leaving room for discord.js's own calls:
 * with a burst of 40 the bridge sent up to 80 in a second and drew global 429s, which stop every
 * request of the bot, in a 100-session burst.
 */
const global: BucketSpec = { capacity: 10, perSecond: 35 };
const interimPerChannel: BucketSpec = { capacity: 1, perSecond: 0.6 };

export function discordBucket(key: string): BucketSpec {
  return key.startsWith("interim:") ? interimPerChannel : global;
}

/** The buckets one message post or edit spends a token of. */
export function discordKeys(channel: string, interim: boolean): string[] {
  return interim ? ["global", `interim:${channel}`] : ["global"];
}

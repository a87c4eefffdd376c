import type { BucketSpec } from "../common/rate-limiter.js";

/**
 * Slack's documented Web API limits ("Rate limits", docs.slack.dev), per method per workspace:
 * Tier 2 20+/min, Tier 3 50+/min, Tier 4 100+/min; chat.postMessage about one message per second
 * per channel with short bursts, plus a workspace-wide limit of several hundred per minute.
 * The bridge stays inside them (the "+" is Slack's headroom, not ours to spend) with a margin: a
 * call takes its token when it leaves, and a busy event loop or network can make two calls arrive
 * closer together than they left. So large buckets keep a tenth of their burst as slack and refill
 * 5 % slower; a channel's small bucket keeps its burst (a session's header, card and reply go out
 * at once) and refills 20 % slower. Measured in a 100-session burst: 25 of 225 posts got a 429
 * with no margin.
 */
const bucket = (capacity: number, perSecond: number): BucketSpec =>
  capacity >= 10
    ? { capacity: capacity - Math.floor(capacity / 10), perSecond: perSecond * 0.95 }
    : { capacity, perSecond: perSecond * 0.8 };
const perMinute = (n: number): BucketSpec => bucket(n, n / 60);
const tier2 = perMinute(20);
const tier3 = perMinute(50);
const tier4 = perMinute(100);

const tiers: Record<string, BucketSpec> = {
  "chat.update": tier3,
  "chat.delete": tier3,
  "chat.postEphemeral": tier4,
  "chat.getPermalink": tier4,
  "views.open": tier4,
  "views.update": tier4,
  "views.push": tier4,
  "files.getUploadURLExternal": tier4,
  "files.completeUploadExternal": tier4,
  "files.uploadV2": tier2, // two calls (one of each above) per upload; counted once, conservatively
  "conversations.info": tier3,
  "conversations.open": tier3, // the IM of a direct message (sendPrivately)
  "users.info": tier4,
  "auth.test": tier4,
  // "Special rate limits apply" (docs); a thread's status changes with each tool call, so it is
  // kept to Tier 3 and sent as interim (skipped, never queued, when the budget is short).
  "assistant.threads.setStatus": tier3,
  // No tier published; a third-party client assumes Tier 3.
  "agents.sessions.setStatus": tier3,
};

/** chat.postMessage, per channel: one a second, bursts of 3. */
const postPerChannel = bucket(3, 1);
/** chat.postMessage, whole workspace: 300 a minute. */
const postPerWorkspace = bucket(30, 5);

export function slackBucket(key: string): BucketSpec {
  if (key.startsWith("post:")) return postPerChannel;
  if (key === "chat.postMessage") return postPerWorkspace;
  return tiers[key] ?? tier3;
}

/**
 * Buckets an interim call needs half full without spending them: posting a streaming reply early
 * commits to editing it later, so only when edits are plentiful. Otherwise the reply is posted
 * once, complete, from the larger chat.postMessage budget.
 */
export function slackGuards(method: string): string[] {
  return method === "chat.postMessage" ? ["chat.update"] : [];
}

/** The buckets one call spends a token of. */
export function slackKeys(method: string, channel: string | undefined): string[] {
  if (method === "chat.postMessage" && channel) return [`post:${channel}`, method];
  return [method];
}

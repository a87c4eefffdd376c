import { LiveMessage, type LiveMessageDeps } from "./live-message.js";
import { sameUser, userKey } from "./policy.js";
import type { Inline, Message } from "./types.js";
import type { UserRef } from "./vocabulary/refs.js";

/**
 * Keeping one person from flooding a session: a per-person message budget in a thread, and what a
 * thread shows and sends for the messages queued while a turn runs (one notice, one prompt).
 */

/** At most `count` messages per `windowMs` (BRIDGE_USER_RATE, e.g. `5/minute`). */
export interface RateRule {
  count: number;
  windowMs: number;
}

export const defaultUserRate: RateRule = { count: 5, windowMs: 60_000 };
export const defaultMaxQueued = 20;

export type RateVerdict =
  | { allowed: true }
  | {
      allowed: false;
      /** When the person may send again. */
      retryInMs: number;
      /** The first refusal of this window: the only one worth a notice (a notice per refusal is a flood too). */
      first: boolean;
    };

/** A fixed window per person: the first message opens it, `count` messages fit in it. */
export class RateWindows {
  private readonly windows = new Map<string, { start: number; count: number; refused: boolean }>();

  constructor(
    private readonly rule: RateRule,
    private readonly now: () => number,
  ) {}

  /** Counts a message from `user`; whether it is within the budget. */
  take(user: UserRef): RateVerdict {
    const t = this.now();
    this.sweep(t);
    const key = userKey(user);
    const window = this.windows.get(key);
    if (!window || t - window.start >= this.rule.windowMs) {
      this.windows.set(key, { start: t, count: 1, refused: false });
      return { allowed: true };
    }
    if (window.count < this.rule.count) {
      window.count++;
      return { allowed: true };
    }
    const first = !window.refused;
    window.refused = true;
    return { allowed: false, retryInMs: window.start + this.rule.windowMs - t, first };
  }

  private sweep(t: number): void {
    if (this.windows.size < 100) return;
    for (const [key, w] of this.windows) if (t - w.start >= this.rule.windowMs) this.windows.delete(key);
  }
}

/** Why a message over the budget was not sent, and when to try again. */
export function rateRefusal(rule: RateRule, retryInMs: number): string {
  const seconds = Math.max(1, Math.ceil(retryInMs / 1000));
  return (
    `You have sent ${rule.count} messages in this thread in the last ${windowName(rule.windowMs)}, the most ` +
    "anyone but the session's owner and approvers may. This one was not sent to Copilot; " +
    `try again in ${seconds} s.`
  );
}

/** Why a message was not queued. */
export function queueFullRefusal(waiting: number): string {
  return (
    `This session's queue is full: ${waiting} messages are waiting for Copilot's current turn to end. ` +
    "Your message was not sent; try again when the turn ends."
  );
}

function windowName(ms: number): string {
  if (ms === 60_000) return "minute";
  if (ms === 3_600_000) return "hour";
  return `${Math.round(ms / 1000)} s`;
}

/** A message waiting for the running turn to end. */
export interface Queued {
  text: string;
  /** Unknown for messages queued before a restart (the store keeps only their text). */
  from: UserRef | undefined;
}

/**
 * The prompt for the first messages of `queue`: as many as fit in `maxChars` (at least one), in
 * order, separated by blank lines; each named with its sender when the senders differ.
 */
export function nextBatch(
  queue: readonly Queued[],
  owner: UserRef,
  maxChars: number,
): { prompt: string; taken: number } {
  for (let taken = queue.length; taken > 1; taken--) {
    const prompt = combine(queue.slice(0, taken), owner);
    if (prompt.length <= maxChars) return { prompt, taken };
  }
  return { prompt: queue[0]?.text ?? "", taken: Math.min(1, queue.length) };
}

function combine(items: readonly Queued[], owner: UserRef): string {
  const senders = new Set(items.map((i) => (i.from ? userKey(i.from) : "")));
  if (senders.size <= 1) return items.map((i) => i.text).join("\n\n");
  return items.map((i) => `${from(i.from, owner)}:\n${i.text}`).join("\n\n");
}

function from(user: UserRef | undefined, owner: UserRef): string {
  if (!user) return "From someone in the thread";
  return `From ${user.platform} user ${user.id}${sameUser(user, owner) ? " (the session owner)" : ""}`;
}

type NoticeState = "waiting" | "sent" | "dropped";

/**
 * The one thread message that says what is queued during a turn: posted for the first queued
 * message, edited (at most once per stream interval) as more arrive, and finally to say what became of them.
 */
export class QueueNotice {
  private readonly live: LiveMessage;
  private readonly senders: UserRef[] = [];
  private count = 0;
  private state: NoticeState = "waiting";

  constructor(deps: LiveMessageDeps) {
    this.live = new LiveMessage(deps, () => [this.render()]);
  }

  /** One more message waits; `waiting` in all. */
  added(user: UserRef | undefined, waiting: number): void {
    if (user && !this.senders.some((s) => sameUser(s, user))) this.senders.push(user);
    this.count = waiting;
    this.live.changed();
  }

  /** The turn ended: `count` of the messages went to Copilot as one prompt. */
  sent(count: number): void {
    this.finish("sent", count);
  }

  /** The turn was stopped: the queued messages were dropped. */
  dropped(count: number): void {
    this.finish("dropped", count);
  }

  private finish(state: NoticeState, count: number): void {
    this.state = state;
    this.count = count;
    this.live.complete();
  }

  private render(): Message {
    const n = this.count;
    const who: Inline[] = this.senders.length > 0 ? [" from ", ...names(this.senders)] : [];
    let text: Inline[];
    if (this.state === "waiting") {
      text =
        n === 1
          ? [
              "⏳ Copilot is still working; the message",
              ...who,
              " is queued (1 waiting) and will be sent when this turn ends.",
            ]
          : [
              "⏳ Copilot is still working; messages",
              ...who,
              ` are queued (${n} waiting) and will be sent together, as one message, when this turn ends.`,
            ];
    } else {
      const subject = n === 1 ? "The queued message" : `${n} queued messages`;
      const outcome =
        this.state === "sent"
          ? n === 1
            ? " was sent to Copilot."
            : " were sent to Copilot together."
          : `${n === 1 ? " was" : " were"} not sent: the turn was stopped.`;
      text = [`${this.state === "sent" ? "📨" : "🗑️"} ${subject}`, ...who, outcome];
    }
    return {
      blocks: [{ type: "context", inline: text }],
      summary: n === 1 ? "Message queued" : `${n} messages queued`,
    };
  }
}

/** `@a`, `@a and @b`, `@a, @b, @c and 2 others`. */
function names(users: readonly UserRef[]): Inline[] {
  const shown = users.slice(0, 3);
  const others = users.length - shown.length;
  const out: Inline[] = [];
  shown.forEach((user, i) => {
    if (i > 0) out.push(i === shown.length - 1 && others === 0 ? " and " : ", ");
    out.push({ user });
  });
  if (others > 0) out.push(` and ${others} other${others === 1 ? "" : "s"}`);
  return out;
}

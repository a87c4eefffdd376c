/**
 * When the store loses records: writing back what the live sessions still know, and answering a
 * message in a thread of the bot's whose record is gone (instead of silence).
 */

import { errorText } from "./errors.js";
import type { Logger } from "./log.js";
import type { AccessPolicy } from "./policy.js";
import type { ThreadMessageEvent } from "./ports/chat.js";
import type { BridgeStore } from "./ports/store.js";
import type { ThreadSession } from "./session.js";

export const lostThreadNotice =
  "This thread's Copilot session is no longer known to the bridge (its record was lost). Nothing was sent. Start a new session with /copilot <prompt>.";

/** Most (thread, person) pairs remembered as told; the oldest are forgotten first. */
const maxTold = 10_000;

/** Writes every live session's thread record and pending cards into a store that starts afresh. */
export async function rewriteRecords(
  sessions: ThreadSession[],
  store: BridgeStore,
  log: Logger,
): Promise<void> {
  let threads = 0;
  let cards = 0;
  for (const session of sessions) {
    try {
      await store.putThread(session.record);
      threads++;
      for (const card of session.desk.pending()) {
        await store.putCard(card);
        cards++;
      }
    } catch (error) {
      log.warn("could not write a thread back into the store", {
        thread: session.record.thread.key,
        error: errorText(error),
      });
    }
  }
  log.info("wrote the live threads back into the store", { threads, cards });
}

/** Who has been told that a thread's record is lost: each person once per thread. */
export class LostThreads {
  private readonly told = new Set<string>();

  /**
   * Whether to tell `event`'s author: the thread is one the bot started, the message would have
   * gone to its session had the author been its owner (the owner is not known any more), and this
   * person has not been told in this thread yet.
   */
  shouldTell(event: ThreadMessageEvent, policy: AccessPolicy): boolean {
    if (event.botThread !== true) return false;
    if (!policy.forwards(event.user, event.user, event.mentionsBot)) return false;
    const key = `${event.thread.key} ${event.user.platform}:${event.user.id}`;
    if (this.told.has(key)) return false;
    if (this.told.size >= maxTold) {
      const oldest = this.told.values().next().value;
      if (oldest !== undefined) this.told.delete(oldest);
    }
    this.told.add(key);
    return true;
  }
}

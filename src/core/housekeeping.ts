import type { Uses } from "./context.js";
import { errorText } from "./errors.js";
import { endSession, lastActivity } from "./session-end.js";
import type { CardRecord } from "./vocabulary/records.js";

const dayMs = 24 * 3600 * 1000;

/**
 * What keeps the bridge from growing without bound, at start-up and then every hour: sessions idle
 * longer than BRIDGE_SESSION_IDLE_DAYS end; de-duplication records and cards past their time, and
 * audit entries older than BRIDGE_AUDIT_DAYS, leave the store.
 */
export class Housekeeping {
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly ctx: Uses<"sessions" | "chats" | "store" | "log" | "now" | "settings" | "workspaces">,
  ) {}

  /**
   * Sweeps now and then every hour (an unref'd timer: it never keeps the process up). Idle sessions
   * leave the registry before this returns: whatever is resumed next does not include them.
   */
  start(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.ctx.settings.sweepEveryMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await Promise.all([this.endIdle(), this.cleanStore()]);
    } finally {
      this.sweeping = false;
    }
  }

  /** Ends every session without a prompt for longer than the limit (they leave the registry at once). */
  private async endIdle(): Promise<void> {
    const { store, log, now, settings } = this.ctx;
    const limit = settings.sessionIdleMs;
    const at = now();
    const idle = this.ctx.sessions.all().filter((s) => at - lastActivity(s) >= limit);
    if (idle.length === 0) return;
    // The store's pending cards, read once for all of them.
    const cards: Promise<CardRecord[]> = store.pendingCards().catch(() => []);
    const ending = idle.map((session) =>
      endSession(
        this.ctx,
        session,
        { reason: "idle", days: Math.floor((at - lastActivity(session)) / dayMs) },
        cards,
      ).catch((error: unknown) => {
        log.warn("could not end an idle session", {
          thread: session.record.thread.key,
          error: errorText(error),
        });
      }),
    );
    log.info("ending idle sessions", { sessions: idle.length });
    await Promise.all(ending);
  }

  private async cleanStore(): Promise<void> {
    const { store, log, now, settings } = this.ctx;
    try {
      const removed = await store.sweep({
        auditBefore: now() - settings.auditRetentionMs,
      });
      log.debug("store swept", { ...removed });
    } catch (error) {
      log.warn("could not sweep the store", { error: errorText(error) });
    }
  }
}

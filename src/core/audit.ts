import { errorText } from "./errors.js";
import type { Logger } from "./log.js";
import type { BridgeStore } from "./ports/store.js";
import type { AuditEntry, CardRecord } from "./vocabulary/records.js";

/** Writes an audit entry without holding up what is being audited (a failure is logged). */
export function record(ctx: { store: BridgeStore; log: Logger }, entry: AuditEntry): void {
  ctx.store.audit(entry).catch((error: unknown) => {
    ctx.log.warn("audit write failed", { kind: entry.kind, error: errorText(error) });
  });
}

/**
 * A card closed by an answer given somewhere other than its thread (a terminal or another client
 * on the session, or GitHub): recorded. Closings nobody answered (stopped, lost, ended) are not.
 */
export function answeredElsewhere(
  ctx: { store: BridgeStore; log: Logger; now(): number },
  card: CardRecord,
): void {
  const state = card.state;
  if (state.status !== "decided" || state.surface === "thread") return;
  if (!["permission", "question", "plan", "form"].includes(state.outcome.kind)) return;
  record(ctx, {
    kind: "answer-elsewhere",
    at: state.at,
    threadKey: card.threadKey,
    requestId: card.requestId,
    surface: state.surface,
    outcome: state.outcome,
  });
}

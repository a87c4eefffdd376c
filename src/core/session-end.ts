import { record } from "./audit.js";
import type { Uses } from "./context.js";
import { errorText } from "./errors.js";
import { sessionEndedMessage, sessionHeader } from "./messages.js";
import type { ThreadSession } from "./session.js";
import type { CardRecord, SessionEnding } from "./vocabulary/records.js";
import type { UserRef } from "./vocabulary/refs.js";
import { retiredLine } from "./workspace-messages.js";

/** Why a session ends: a person (`end`, the header's button), or too long without a prompt. */
export type EndCause = { reason: "user"; by: UserRef } | { reason: "idle"; days: number };

/**
 * Ends a session for good. It leaves the registry at once (a later message in the thread is told
 * it has ended, and reaches no model), its record is marked ended in the store (a restart does not
 * resume it), every card still waiting closes as "Closed (the session ended)", a running turn is
 * aborted and what was queued is dropped, the Copilot session is let go, the header shows how it
 * ended (no more buttons), and the thread says so.
 *
 * `storedCards`: the pending cards of the store, read once when many sessions end together (a session
 * not resumed yet knows its cards only from there). Returns false when the session had ended already.
 */
export async function endSession(
  ctx: Uses<"sessions" | "chats" | "store" | "log" | "now" | "workspaces">,
  session: ThreadSession,
  cause: EndCause,
  storedCards?: Promise<CardRecord[]>,
): Promise<boolean> {
  const key = session.record.thread.key;
  if (ctx.sessions.get(key) !== session) return false;
  ctx.sessions.remove(key);
  const { store, log } = ctx;
  const at = ctx.now();
  const ended: SessionEnding =
    cause.reason === "user"
      ? { reason: "user", by: { platform: cause.by.platform, id: cause.by.id }, at }
      : { reason: "idle", days: cause.days, at };
  const dropped = session.record.queue.length;
  // Written first: whatever the session still persists from now on keeps it ended.
  session.record = { ...session.record, state: "ended", ended };
  const warn = (what: string) => (error: unknown) =>
    log.warn(`ending a session: ${what}`, { thread: key, error: errorText(error) });
  await store.putThread(session.record).catch(warn("could not store it as ended"));

  // Cards the desk does not hold (a session not resumed yet, a card still being posted) are in the store.
  const waiting = new Set(session.desk.pending().map((c) => c.requestId));
  const stored = await (storedCards ?? store.pendingCards()).catch(() => []);
  for (const card of stored) if (card.threadKey === key) waiting.add(card.requestId);
  for (const requestId of waiting) session.desk.completed(requestId, { kind: "ended" });

  const agent = session.agent;
  if (agent && session.working) await session.stop().catch(warn("could not abort the turn"));
  await agent?.disconnect().catch(warn("could not disconnect the Copilot session"));
  session.record = { ...session.record, queue: [], working: false };
  await store.putThread(session.record).catch(warn("could not store it as ended"));

  record(ctx, {
    kind: "end",
    at,
    threadKey: key,
    ...(ended.reason === "user" ? { user: ended.by } : { idleDays: ended.days }),
  });
  const chat = ctx.chats.chatFor(session);
  chat.showActivity?.(session.record.thread, { state: "ended" });
  await chat
    .edit(session.record.header, sessionHeader(session.record))
    .catch(warn("could not edit the header"));
  session.sayNow(sessionEndedMessage(ended, waiting.size, dropped));
  await retireWorktree(ctx, session);
  log.info("session ended", { thread: key, reason: cause.reason });
  return true;
}

/**
 * The worktree goes, the work stays: what is uncommitted is committed to the session's branch, which
 * is kept while it holds commits that are not pushed.
 */
async function retireWorktree(ctx: Uses<"workspaces" | "log">, session: ThreadSession): Promise<void> {
  const ws = session.record.workspace;
  if (!ws?.git) return;
  const title = session.record.title.split("\n")[0]?.trim().slice(0, 60) || "the session";
  try {
    const { branchKept } = await ctx.workspaces.retire(ws, `Work in progress: ${title}`);
    session.sayNow(retiredLine(ws, branchKept));
  } catch (error) {
    ctx.log.warn("could not remove a worktree", { path: ws.path, error: errorText(error) });
  }
}

/** When a session last had a prompt (or started). */
export function lastActivity(session: ThreadSession): number {
  return session.record.lastActivityAt ?? session.record.createdAt;
}

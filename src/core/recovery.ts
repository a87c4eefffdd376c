import type { Uses } from "./context.js";
import { errorText } from "./errors.js";
import { said } from "./messages.js";
import type { ThreadSession } from "./session.js";
import { connectAs } from "./session-identity.js";
import type { CardRecord } from "./vocabulary/records.js";

/**
 * Resumes sessions after a start or a reconnection to the runtime, and tells each thread the truth
 * about what survived: cards still pending keep working, requests that died with the runtime are
 * closed as lost, a turn that died is reported, and what was queued is sent at once, in order.
 */
export async function resumeAll(
  ctx: Uses<"sessions" | "store" | "gateway" | "log" | "settings" | "identity" | "now">,
  sessions: ThreadSession[],
): Promise<void> {
  const { gateway, store, log } = ctx;
  const { resumeConcurrency } = ctx.settings;
  const cards = new Map<string, CardRecord[]>();
  for (const card of await store.pendingCards()) {
    const list = cards.get(card.threadKey);
    if (list) list.push(card);
    else cards.set(card.threadKey, [card]);
  }
  const work = [...sessions];
  const worker = async () => {
    for (let session = work.shift(); session; session = work.shift()) {
      if (session.record.cloud && !gateway.runtimeOutlivesBridge) {
        await cloudLost(ctx, session);
        continue;
      }
      // Known lost before this restart: the thread was told; the next message starts a new session.
      if (session.record.lost !== undefined && !gateway.runtimeOutlivesBridge) {
        lost(ctx, session, session.record.lost);
        continue;
      }
      try {
        await resumeOne(ctx, session, cards.get(session.record.thread.key) ?? []);
        log.info("session resumed", { thread: session.record.thread.key });
      } catch (error) {
        log.warn("could not resume a session", {
          thread: session.record.thread.key,
          error: errorText(error),
        });
        if (session.record.cloud) await cloudLost(ctx, session);
        else lost(ctx, session, errorText(error));
      }
    }
  };
  await Promise.all(Array.from({ length: resumeConcurrency }, worker));
}

async function resumeOne(
  ctx: Uses<"gateway" | "log" | "store" | "identity" | "settings" | "now">,
  session: ThreadSession,
  shown: CardRecord[],
): Promise<void> {
  const { gateway, log } = ctx;
  // A session that runs as its owner goes back to the owner's runtime, with their current token;
  // without a usable link it is resumed on the bridge's, and a prompt asks the owner to link again.
  const runAs = await connectAs(ctx, session);
  const agent = await gateway.resumeSession(session.record.sessionId, session.onEvent, {
    ...(session.record.cloud ? { cloud: true } : {}),
    ...(runAs ? { runAs } : {}),
  });
  session.attach(agent, false);
  session.runAs = runAs;
  if (session.record.cloud) return;
  const [pending, history] = await Promise.all([agent.pendingPermissions(), agent.history()]);
  const runtimeRestarted = !gateway.runtimeOutlivesBridge;
  session.desk.reconcile(shown, pending, { runtimeRestarted, history });
  // A permission the runtime kept pending holds its turn open; on a runtime that outlived the bridge
  // an unfinished turn may still be running. Otherwise the turn died with the runtime.
  session.resumed(pending.length > 0 || (!runtimeRestarted && history.openTurn));
  // A runtime started afresh is no longer connected to Mission Control: share the session again.
  if (runtimeRestarted && session.record.remoteUrl) {
    agent.enableRemote().catch((error: unknown) => {
      log.warn("could not share a resumed session again", { error: errorText(error) });
    });
  }
}

/**
 * A session the runtime no longer has: the thread is told once; what is queued goes to a new session
 * in the same thread at once, and otherwise the next message starts one.
 */
function lost(
  ctx: Uses<"log" | "gateway" | "store" | "identity" | "settings" | "now">,
  session: ThreadSession,
  reason: string,
): void {
  session.markLost(reason.replace(/^Request [\w.]+ failed with message: /, ""));
  if (session.record.queue.length > 0) {
    reopen(ctx, session).catch((error: unknown) => {
      ctx.log.warn("could not start a new session in a thread", { error: errorText(error) });
    });
  }
}

/** Starts a new Copilot session for a thread whose session was lost, and drains its queue into it. */
export async function reopen(
  ctx: Uses<"gateway" | "store" | "identity" | "settings" | "log" | "now">,
  session: ThreadSession,
): Promise<void> {
  const runAs = await connectAs(ctx, session);
  const agent = await ctx.gateway.createSession(
    { workingDirectory: session.record.workingDirectory, ...(runAs ? { runAs } : {}) },
    session.onEvent,
  );
  session.record = { ...session.record, sessionId: agent.id, working: false };
  session.attach(agent, false);
  session.runAs = runAs;
  await ctx.store.putThread(session.record);
  session.say(
    said(
      [
        "🔄 Started a new Copilot session in this thread. It does not know the earlier conversation: say what it needs to know.",
      ],
      "New Copilot session",
    ),
  );
  session.resumed(false);
}

/**
 * A runtime started afresh does not reliably know the cloud sessions an earlier one created: after
 * kill -9 the bundled runtime answered "Session not found", resumed one that then never answered,
 * or did not answer the resume within 30 s. The agent keeps working on GitHub; the thread says where.
 */
async function cloudLost(ctx: Uses<"sessions" | "store">, session: ThreadSession): Promise<void> {
  // Ended before the thread is told, so a reply to the notice already gets the ended answer.
  session.record = { ...session.record, state: "ended" };
  await ctx.store.putThread(session.record);
  ctx.sessions.remove(session.record.thread.key);
  const url = session.record.remoteUrl;
  session.say(
    said(
      [
        "☁️ The bridge restarted and cannot reconnect to this cloud session; it keeps running on GitHub",
        ...(url ? [": ", { link: url, label: "open it there" }] : ["."]),
        " (An external runtime, COPILOT_RUNTIME_URL, keeps cloud sessions across bridge restarts.)",
      ],
      "Cloud session continues on GitHub",
    ),
  );
}

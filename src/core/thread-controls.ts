import { Actions } from "./actions.js";
import { record } from "./audit.js";
import type { Uses } from "./context.js";
import { reconnectWaitMs } from "./context.js";
import { BridgeError, errorText } from "./errors.js";
import { describeMode, said, statusMessage, threadHelp } from "./messages.js";
import type { ActionEvent, Notice } from "./ports/chat.js";
import type { ThreadSession } from "./session.js";
import { endSession } from "./session-end.js";
import { turnContinues } from "./turn.js";
import type { AgentMode } from "./vocabulary/mode.js";
import type { UserRef } from "./vocabulary/refs.js";

/** What the header controls and thread keywords use. */
type ControlDeps = Uses<
  "sessions" | "chats" | "policy" | "store" | "log" | "now" | "settings" | "workspaces"
>;

export type Control =
  | { kind: "stop" }
  | { kind: "mode"; mode: AgentMode | undefined }
  | { kind: "remote"; on: boolean }
  | { kind: "end" }
  | { kind: "status" }
  | { kind: "help" };

const promptTitles = {
  question: "A question from Copilot",
  plan: "Copilot's plan",
  form: "A form from Copilot",
};

const modes: readonly AgentMode[] = ["interactive", "plan", "autopilot"];

/** A thread message that is a control keyword on its own (`stop`, `status`, `help`, `mode plan`, `end`). */
export function parseControl(text: string): Control | undefined {
  const words = text
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/, "")
    .split(/\s+/);
  const [first, second, ...rest] = words;
  if (rest.length > 0) return undefined;
  if (first === "stop" && second === undefined) return { kind: "stop" };
  if (first === "status" && second === undefined) return { kind: "status" };
  if (first === "help" && second === undefined) return { kind: "help" };
  if (first === "end" && (second === undefined || second === "session")) return { kind: "end" };
  if (first === "remote" && (second === "on" || second === "off"))
    return { kind: "remote", on: second === "on" };
  if (first === "mode") {
    if (second === undefined) return { kind: "mode", mode: undefined };
    const mode = modes.find((m) => m === second);
    return mode ? { kind: "mode", mode } : undefined;
  }
  return undefined;
}

export const controlActions: ReadonlySet<string> = new Set([Actions.stop, Actions.mode, Actions.end]);

/** A click on a session header's controls. */
export async function onControlAction(ctx: ControlDeps, event: ActionEvent): Promise<void> {
  const session = event.thread && ctx.sessions.get(event.thread.key);
  if (!session) {
    await event.reply("This session is not active here any more. Nothing was changed.");
    return;
  }
  const mode = modes.find((m) => m === event.payload);
  const control: Control =
    event.action === Actions.stop
      ? { kind: "stop" }
      : event.action === Actions.end
        ? { kind: "end" }
        : { kind: "mode", mode };
  if (control.kind === "mode" && !mode) {
    await event.reply("That button is not one this bridge knows. Nothing was changed.");
    return;
  }
  await runControl(ctx, session, event.user, control, event.reply);
}

/**
 * Runs a control. Who may: `status` and `help` anyone; `stop`, `mode`, `remote` and `end` the owner
 * or an approver (autopilot included, and it is announced in the thread). What they do is audited.
 */
export async function runControl(
  ctx: ControlDeps,
  session: ThreadSession,
  user: UserRef,
  control: Control,
  reply: (notice: Notice) => Promise<void>,
): Promise<void> {
  if (control.kind === "help") {
    session.sayNow(said([threadHelp], "Help"));
    return;
  }
  if (control.kind === "status") {
    const chat = ctx.chats.chatFor(session);
    const pending = await Promise.all(
      session.desk.pending().map(async (card) => ({
        title: card.prompt.kind === "permission" ? card.prompt.view.title : promptTitles[card.prompt.kind],
        link: await chat.linkTo(session.record.thread, card.message).catch(() => undefined),
      })),
    );
    session.sayNow(
      statusMessage({
        record: session.record,
        state: session.agent
          ? session.working
            ? "working"
            : "idle"
          : session.lost !== undefined
            ? "not resumed"
            : "reconnecting",
        model: ctx.settings.model ?? "the runtime's default",
        pending,
        queued: session.record.queue.length,
        ...(session.record.remoteUrl ? { remoteUrl: session.record.remoteUrl } : {}),
      }),
    );
    return;
  }
  if (!ctx.policy.canDecide(user, session.record.owner)) {
    await reply([
      "Only ",
      { user: session.record.owner },
      " or an approver can do that. Nothing was changed.",
    ]);
    return;
  }
  if (control.kind === "end") {
    await endSession(ctx, session, { reason: "user", by: user });
    return;
  }
  if (control.kind === "mode" && control.mode === undefined) {
    await reply(
      `This session is in ${describeMode(session.record.mode)} mode. Use: mode plan | interactive | autopilot`,
    );
    return;
  }
  const agent = await session.connected(reconnectWaitMs);
  if (!agent) {
    await reply(
      session.lost !== undefined
        ? "This session could not be resumed after a restart; reply in the thread to start a new one."
        : "This session is reconnecting to Copilot; try again in a moment.",
    );
    return;
  }
  const audit = { at: ctx.now(), threadKey: session.record.thread.key, user: plain(user) };
  try {
    if (control.kind === "stop") {
      const dropped = await session.stop();
      record(ctx, { kind: "stop", ...audit, dropped });
      const also =
        dropped === 0
          ? ""
          : ` ${dropped === 1 ? "1 queued message was" : `${dropped} queued messages were`} dropped.`;
      session.sayNow(said(["⏹️ Stopped by ", { user }, `.${also}${turnContinues}`], "Stopped"));
      return;
    }
    if (control.kind === "remote") {
      if (control.on) await turnOnRemote(session);
      else {
        await agent.disableRemote();
        session.forgetRemote();
        session.sayNow(
          said(
            ["Remote control turned off by ", { user }, ". The session keeps working here."],
            "Remote off",
          ),
        );
      }
      record(ctx, { kind: "remote", ...audit, on: control.on });
      return;
    }
    if (control.kind === "mode" && control.mode) {
      await agent.setMode(control.mode);
      record(ctx, { kind: "mode", ...audit, mode: control.mode });
      const warn = control.mode === "autopilot" ? "⚠️ " : "";
      session.sayNow(
        said([`${warn}Mode set to ${describeMode(control.mode)} by `, { user }, "."], "Mode changed"),
      );
    }
  } catch (error) {
    if (error instanceof BridgeError) session.sayNow(said([`⚠️ ${error.userMessage}`], error.userMessage));
    else await reply(`Copilot did not accept that: ${errorText(error)}`);
  }
}

/** Shares a session through Mission Control; failures are explained in the thread. */
export async function turnOnRemote(session: ThreadSession): Promise<void> {
  const agent = session.agent;
  if (!agent) return;
  const asked = Date.now();
  try {
    const { url } = await agent.enableRemote();
    if (url) session.showRemote(url);
    else
      session.sayNow(
        said(["Remote control is on; the link follows as soon as GitHub confirms it."], "Remote on"),
      );
  } catch (error) {
    // The runtime usually explains the cause in a warning of its own (403, unreachable, policy) right
    // after the generic failure: give it a moment, and only speak when it stays silent.
    await new Promise((done) => setTimeout(done, remoteExplanationWaitMs));
    if (session.remoteWarnedAt >= asked) return;
    const text = error instanceof BridgeError ? error.userMessage : errorText(error);
    session.sayNow(said([`⚠️ ${text}`], text));
  }
}

const remoteExplanationWaitMs = 1500;

/** Who, as the store keeps people (roles are never persisted). */
function plain(user: UserRef): UserRef {
  return { platform: user.platform, id: user.id };
}

import type { Uses } from "./context.js";
import { errorText } from "./errors.js";
import { failure, sessionHeader } from "./messages.js";
import type { CommandEvent } from "./ports/chat.js";
import type { AgentSession, RunAs } from "./ports/gateway.js";
import type { ThreadSession } from "./session.js";
import type { RunsAs } from "./vocabulary/identity.js";
import type { ThreadRecord } from "./vocabulary/records.js";
import type { WorkspaceInfo } from "./vocabulary/workspace.js";

/** What a new thread's session is: its header's fields, and how it connects to Copilot. */
export interface NewSession {
  title: string;
  workingDirectory: string;
  /** The session id when it is known before connecting (an attached session). */
  sessionId?: string;
  /** `owner/repo[@branch]` of a cloud session. */
  cloud?: string;
  /** The worktree made for the session (its path is `workingDirectory`). */
  workspace?: WorkspaceInfo;
  /** Whose GitHub account it runs as (the header says so), and the token it connects with. */
  runsAs?: RunsAs;
  runAs?: RunAs;
  /** Undoes what was prepared before the thread (the worktree) when the session does not start. */
  abandon?(): Promise<void>;
  /** What the thread says (before the error) when the session cannot start. */
  failureLead: string;
  /** Connects the registered session to Copilot; its events go to `session.onEvent`. */
  connect(session: ThreadSession): Promise<AgentSession>;
  /** Runs once the session is attached and saved (first prompt, cards, audit). */
  started?(session: ThreadSession, agent: AgentSession): Promise<void>;
}

/**
 * Starts a session in a new thread, the one way every command does it: opens the thread under a
 * header, registers the record, connects to Copilot, attaches, saves, then runs `started`. If the
 * thread cannot be opened the person who ran the command is told privately; if anything after that
 * fails the session leaves the registry and the thread says why. Returns the session once started.
 */
export async function startInNewThread(
  ctx: Uses<"chats" | "sessions" | "store" | "log" | "now">,
  event: CommandEvent,
  spec: NewSession,
): Promise<ThreadSession | undefined> {
  const chat = ctx.chats.adapter(event.channel.platform);
  if (!chat) return undefined;
  const base = {
    owner: { platform: event.user.platform, id: event.user.id },
    title: spec.title,
    workingDirectory: spec.workingDirectory,
    mode: "interactive" as const,
    ...(spec.workspace ? { workspace: spec.workspace } : {}),
    ...(spec.runsAs ? { runsAs: spec.runsAs } : {}),
  };
  const abandon = async () => {
    await spec.abandon?.().catch((error: unknown) => {
      ctx.log.warn("could not undo a session's preparation", { error: errorText(error) });
    });
  };
  let opened: Awaited<ReturnType<typeof chat.openThread>>;
  try {
    opened = await chat.openThread(event.channel, sessionHeader(base));
  } catch (error) {
    ctx.log.warn("could not open a thread", { error: errorText(error) });
    await event.reply(
      `Could not post in this channel (${errorText(error)}). Is the bot a member? Try /invite @Copilot. Nothing was started.`,
    );
    await abandon();
    return undefined;
  }
  const { platform, channel, workspace } = event.channel;
  const record: ThreadRecord = {
    ...base,
    thread: opened.thread,
    origin: { platform, channel, workspace },
    header: opened.header,
    sessionId: spec.sessionId ?? "",
    state: "active",
    createdAt: ctx.now(),
    lastActivityAt: ctx.now(),
    queue: [],
    ...(spec.cloud ? { cloud: spec.cloud } : {}),
  };
  const session = ctx.sessions.add(record);
  if (!session) {
    await abandon();
    return undefined;
  }
  try {
    const agent = await spec.connect(session);
    session.record = { ...session.record, sessionId: agent.id };
    session.attach(agent, false);
    session.runAs = spec.runAs;
    await ctx.store.putThread(session.record);
    await spec.started?.(session, agent);
    return session;
  } catch (error) {
    ctx.log.warn("could not start a session", { lead: spec.failureLead, error: errorText(error) });
    ctx.sessions.remove(record.thread.key);
    await abandon();
    await chat.post(record.thread, failure(spec.failureLead, errorText(error)));
    return undefined;
  }
}

/** Who ran a command, where, and the thread it opened: for the audit log. */
export function commandAudit(ctx: Uses<"now">, event: CommandEvent, threadKey: string) {
  const { platform, channel, workspace } = event.channel;
  return {
    at: ctx.now(),
    threadKey,
    user: { platform: event.user.platform, id: event.user.id },
    channel: { platform, channel, workspace },
  };
}

import { randomUUID } from "node:crypto";
import { record } from "./audit.js";
import { showAudit } from "./audit-command.js";
import type { Uses } from "./context.js";
import { errorText } from "./errors.js";
import { sessionIdentity } from "./identities.js";
import { linkAccount, showIdentity, unlinkAccount } from "./identity-commands.js";
import { said, usage } from "./messages.js";
import type { Act } from "./policy.js";
import type { CommandEvent } from "./ports/chat.js";
import { channelRepository, listRepositories, parseIn } from "./repo-commands.js";
import { commandAudit, startInNewThread } from "./session-start.js";
import { turnOnRemote } from "./thread-controls.js";
import type { Inline } from "./types.js";
import type { WorkspaceInfo } from "./vocabulary/workspace.js";
import { unknownRepository } from "./workspace-messages.js";

/** `/copilot …` in a channel (or a mention of the bot there): help, sessions, or a new session. */
export async function onCommand(
  ctx: Uses<
    | "chats"
    | "gateway"
    | "sessions"
    | "settings"
    | "store"
    | "log"
    | "now"
    | "policy"
    | "workspaces"
    | "identity"
    | "links"
    | "qrCode"
  >,
  event: CommandEvent,
): Promise<void> {
  const text = event.text.trim();
  const word = text.toLowerCase();
  if (text === "" || word === "help") {
    await event.reply(usage);
    return;
  }
  const refused = (act: Act, nothing = "Nothing was started.") => {
    const verdict = ctx.policy.check(event.user, act, event.channel);
    return verdict.allowed ? undefined : `${verdict.reason} ${nothing}`;
  };
  const notHere = refused({ kind: "start" });
  if (notHere) {
    await event.reply(notHere);
    return;
  }
  if (word === "sessions") {
    await event.reply(await listSessions(ctx, event));
    return;
  }
  if (word === "login") {
    await linkAccount(ctx, event);
    return;
  }
  if (word === "whoami") {
    await showIdentity(ctx, event);
    return;
  }
  if (word === "logout") {
    await unlinkAccount(ctx, event);
    return;
  }
  if (word === "repos") {
    await listRepositories(ctx, event);
    return;
  }
  const repo = /^repo(?:\s+(\S+))?$/i.exec(text);
  if (repo) {
    await channelRepository(ctx, event, repo[1]);
    return;
  }
  const audit = /^audit(?:\s+(\d+))?$/i.exec(text);
  if (audit) {
    await showAudit(ctx, event, audit[1]);
    return;
  }
  if (/^cloud\b/i.test(text)) {
    const denied = refused({ kind: "cloud" });
    if (denied) await event.reply(denied);
    else await startCloudSession(ctx, event, text);
    return;
  }
  const attach = /^attach(?:\s+(\S+))?$/i.exec(text);
  if (attach) {
    const denied = refused({ kind: "attach" }, "Nothing was attached.");
    if (denied) await event.reply(denied);
    else await attachSession(ctx, event, attach[1]);
    return;
  }
  const chosen = parseIn(text);
  if (chosen && "usage" in chosen) {
    await event.reply(
      "Usage: `/copilot in <repository>[@branch] <what Copilot should do>`. Nothing was started.",
    );
    return;
  }
  const prompt = chosen?.prompt ?? text;
  if (prompt.length > ctx.settings.maxPromptChars) {
    await event.reply(
      `That prompt is ${prompt.length} characters long; the limit is ${ctx.settings.maxPromptChars}. Nothing was started.`,
    );
    return;
  }
  await startSession(ctx, event, prompt, chosen?.repo, chosen?.base);
}

async function listSessions(
  ctx: Uses<"sessions" | "chats">,
  event: CommandEvent,
): Promise<Inline[] | string> {
  const sessions = ctx.sessions.inChannel(event.channel.platform, event.channel.channel);
  if (sessions.length === 0) return "No active Copilot sessions were started in this channel.";
  const out: Inline[] = [`${sessions.length} active session(s) in this channel:`];
  for (const s of sessions.slice(0, 20)) {
    const title = s.record.title.split("\n")[0]?.slice(0, 80) ?? "";
    out.push("\n• ", { italic: title }, " — ", { user: s.record.owner }, ` · ${s.record.mode}`);
    out.push(s.working ? " · working" : " · idle");
    const pending = s.desk.pending().length;
    if (pending > 0) out.push(` · ${pending} waiting for an answer`);
    const link = await ctx.chats
      .chatFor(s)
      .linkTo(s.record.thread, s.record.header)
      .catch(() => undefined);
    out.push(" · ", link ? { link, label: "open thread" } : { code: s.record.thread.thread });
  }
  return out;
}

/**
 * `/copilot attach <session-id>`: binds a session the runtime already has (one a developer started in
 * a terminal on the shared runtime) to a new thread; its pending permission requests become cards.
 */
async function attachSession(
  ctx: Uses<"chats" | "gateway" | "sessions" | "settings" | "store" | "log" | "now">,
  event: CommandEvent,
  id: string | undefined,
): Promise<void> {
  if (!id || !/^[A-Za-z0-9_-]{6,80}$/.test(id)) {
    await event.reply("Usage: `/copilot attach <session-id>` (the id a terminal shows for its session).");
    return;
  }
  const bound = ctx.sessions.all().find((s) => s.record.sessionId === id);
  if (bound) {
    const link = await ctx.chats
      .chatFor(bound)
      .linkTo(bound.record.thread, bound.record.header)
      .catch(() => undefined);
    await event.reply([
      "That session is already in a thread",
      ...(link ? [": ", { link, label: "open it" }] : ["."]),
    ]);
    return;
  }
  const found = await ctx.gateway.findSession(id).catch(() => undefined);
  if (!found) {
    await event.reply(`No session ${id} is known to this Copilot runtime. Nothing was attached.`);
    return;
  }
  await startInNewThread(ctx, event, {
    title: `Attached session ${id}${found.summary ? `: ${found.summary}` : ""}`,
    workingDirectory: found.workingDirectory ?? ctx.settings.workingDirectory,
    sessionId: id,
    failureLead: "Could not attach the session:",
    connect: (session) => ctx.gateway.resumeSession(id, session.onEvent),
    started: async (session, agent) => {
      session.adoptMode(await agent.getMode().catch(() => session.record.mode));
      await ctx.store.putThread(session.record);
      const [pending, history] = await Promise.all([agent.pendingPermissions(), agent.history()]);
      session.desk.reconcile([], pending, { runtimeRestarted: false, history });
      record(ctx, { kind: "attach", ...commandAudit(ctx, event, session.record.thread.key), sessionId: id });
      // The terminal's turn may still be running: messages from the thread wait for it.
      session.resumed(pending.length > 0 || history.openTurn);
    },
  });
}

const cloudStartTimeoutMs = 60_000;

/**
 * `/copilot cloud owner/repo[@branch] <prompt>`: a session on GitHub's compute and models. The cloud
 * agent answers its own prompts on GitHub; the thread shows its work and links there.
 */
async function startCloudSession(
  ctx: Uses<"chats" | "gateway" | "sessions" | "store" | "log" | "now" | "identity" | "settings">,
  event: CommandEvent,
  text: string,
): Promise<void> {
  const m = /^cloud\s+([\w.-]+)\/([\w.-]+)(?:@(\S+))?\s+([\s\S]+)$/i.exec(text);
  const [, owner, name, branch, prompt] = m ?? [];
  if (!owner || !name || !prompt?.trim()) {
    await event.reply(
      "Usage: `/copilot cloud owner/repo[@branch] <what Copilot should do>`. Nothing was started.",
    );
    return;
  }
  const who = await sessionIdentity(ctx, event.user, "cloud");
  if ("refusal" in who) {
    await event.reply(who.refusal);
    return;
  }
  const where = `${owner}/${name}${branch ? `@${branch}` : ""}`;
  await startInNewThread(ctx, event, {
    title: prompt.trim(),
    workingDirectory: `github.com/${where} (GitHub's compute and models)`,
    cloud: where,
    ...who,
    failureLead: "Could not start the cloud session:",
    connect: async (session) => {
      session.say(
        said(
          ["☁️ Starting a cloud session on ", { code: where }, "; waiting for the Copilot agent…"],
          "Starting",
        ),
      );
      const repository = { owner, name, ...(branch ? { branch } : {}) };
      return withTimeout(
        ctx.gateway.createCloudSession(repository, session.onEvent, who.runAs ? { runAs: who.runAs } : {}),
        cloudStartTimeoutMs,
        `the cloud agent did not start within ${cloudStartTimeoutMs / 1000} s`,
      );
    },
    started: async (session) => {
      record(ctx, {
        kind: "cloud",
        ...commandAudit(ctx, event, session.record.thread.key),
        repository: where,
      });
      await session.prompt(prompt.trim(), event.user);
    },
  });
}

/**
 * `/copilot [in <repo>[@base]] <prompt>`: a new session in its own worktree of the chosen repository
 * (the one named, else the channel's default, else the first configured), answering the prompt.
 */
async function startSession(
  ctx: Uses<
    "chats" | "gateway" | "sessions" | "settings" | "store" | "log" | "now" | "workspaces" | "identity"
  >,
  event: CommandEvent,
  text: string,
  named: string | undefined,
  base: string | undefined,
): Promise<void> {
  const repos = ctx.workspaces.repositories();
  if (named !== undefined && !repos.some((r) => r.name === named)) {
    await event.reply(unknownRepository(named, repos));
    return;
  }
  const who = await sessionIdentity(ctx, event.user, "local");
  if ("refusal" in who) {
    await event.reply(who.refusal);
    return;
  }
  const channelDefault = named
    ? undefined
    : (await ctx.store.getChannel(event.channel.platform, event.channel.channel).catch(() => undefined))
        ?.repo;
  const repo = named ?? (repos.some((r) => r.name === channelDefault) ? channelDefault : undefined);
  let workspace: WorkspaceInfo;
  try {
    workspace = await ctx.workspaces.create({ repo, base, slug: text, id: randomUUID().slice(0, 8) });
  } catch (error) {
    ctx.log.warn("could not prepare a workspace", { repo, error: errorText(error) });
    await event.reply(`Could not prepare a workspace: ${errorText(error)}. Nothing was started.`);
    return;
  }
  await startInNewThread(ctx, event, {
    title: text,
    workingDirectory: workspace.path,
    workspace,
    ...who,
    failureLead: "Could not start a Copilot session:",
    abandon: async () => {
      await ctx.workspaces.retire(workspace, "Work of a session that did not start");
    },
    connect: (session) =>
      ctx.gateway.createSession(
        { workingDirectory: session.record.workingDirectory, ...(who.runAs ? { runAs: who.runAs } : {}) },
        session.onEvent,
      ),
    started: async (session) => {
      if (ctx.settings.remoteByDefault) await turnOnRemote(session);
      await session.prompt(text, event.user);
    },
  });
}

/** Rejects with `message` when `work` takes longer than `ms`. */
async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

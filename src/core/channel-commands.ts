import { record } from "./audit.js";
import { showAudit } from "./audit-command.js";
import { errorText } from "./errors.js";
import { failure, said, sessionHeader, usage } from "./messages.js";
import type { Act } from "./policy.js";
import type { ChatAdapter, CommandEvent } from "./ports/chat.js";
import type { SessionRegistry } from "./registry.js";
import { turnOnRemote } from "./thread-controls.js";
import type { Inline } from "./types.js";
import type { ThreadRecord } from "./vocabulary/records.js";

/** `/copilot …` in a channel (or a mention of the bot there): help, sessions, or a new session. */
export async function onCommand(reg: SessionRegistry, event: CommandEvent): Promise<void> {
  const text = event.text.trim();
  const word = text.toLowerCase();
  if (text === "" || word === "help") {
    await event.reply(usage);
    return;
  }
  const refused = (act: Act, nothing = "Nothing was started.") => {
    const verdict = reg.options.policy.check(event.user, act, event.channel);
    return verdict.allowed ? undefined : `${verdict.reason} ${nothing}`;
  };
  const notHere = refused({ kind: "start" });
  if (notHere) {
    await event.reply(notHere);
    return;
  }
  if (word === "sessions") {
    await event.reply(await listSessions(reg, event));
    return;
  }
  const audit = /^audit(?:\s+(\d+))?$/i.exec(text);
  if (audit) {
    await showAudit(reg, event, audit[1]);
    return;
  }
  if (/^cloud\b/i.test(text)) {
    const denied = refused({ kind: "cloud" });
    if (denied) await event.reply(denied);
    else await startCloudSession(reg, event, text);
    return;
  }
  const attach = /^attach(?:\s+(\S+))?$/i.exec(text);
  if (attach) {
    const denied = refused({ kind: "attach" }, "Nothing was attached.");
    if (denied) await event.reply(denied);
    else await attachSession(reg, event, attach[1]);
    return;
  }
  if (text.length > reg.options.maxPromptChars) {
    await event.reply(
      `That prompt is ${text.length} characters long; the limit is ${reg.options.maxPromptChars}. Nothing was started.`,
    );
    return;
  }
  await startSession(reg, event, text);
}

async function listSessions(reg: SessionRegistry, event: CommandEvent): Promise<Inline[] | string> {
  const sessions = reg.inChannel(event.channel.platform, event.channel.channel);
  if (sessions.length === 0) return "No active Copilot sessions were started in this channel.";
  const out: Inline[] = [`${sessions.length} active session(s) in this channel:`];
  for (const s of sessions.slice(0, 20)) {
    const title = s.record.title.split("\n")[0]?.slice(0, 80) ?? "";
    out.push("\n• ", { italic: title }, " — ", { user: s.record.owner }, ` · ${s.record.mode}`);
    out.push(s.working ? " · working" : " · idle");
    const pending = s.desk.pending().length;
    if (pending > 0) out.push(` · ${pending} waiting for an answer`);
    const link = await reg
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
  reg: SessionRegistry,
  event: CommandEvent,
  id: string | undefined,
): Promise<void> {
  if (!id || !/^[A-Za-z0-9_-]{6,80}$/.test(id)) {
    await event.reply("Usage: `/copilot attach <session-id>` (the id a terminal shows for its session).");
    return;
  }
  const bound = reg.all().find((s) => s.record.sessionId === id);
  if (bound) {
    const link = await reg
      .chatFor(bound)
      .linkTo(bound.record.thread, bound.record.header)
      .catch(() => undefined);
    await event.reply([
      "That session is already in a thread",
      ...(link ? [": ", { link, label: "open it" }] : ["."]),
    ]);
    return;
  }
  const found = await reg.options.gateway.findSession(id).catch(() => undefined);
  if (!found) {
    await event.reply(`No session ${id} is known to this Copilot runtime. Nothing was attached.`);
    return;
  }
  const chat = reg.adapter(event.channel.platform);
  if (!chat) return;
  const base = {
    owner: { platform: event.user.platform, id: event.user.id },
    title: `Attached session ${id}${found.summary ? `: ${found.summary}` : ""}`,
    workingDirectory: found.workingDirectory ?? reg.options.workingDirectory,
    mode: "interactive" as const,
  };
  const opened = await openThread(reg, chat, event, base);
  if (!opened) return;
  const session = reg.add(newRecord(reg, event, base, opened, id));
  if (!session) return;
  try {
    const agent = await reg.options.gateway.resumeSession(id, session.onEvent);
    session.attach(agent, false);
    session.adoptMode(await agent.getMode().catch(() => base.mode));
    await reg.options.store.putThread(session.record);
    const [pending, history] = await Promise.all([agent.pendingPermissions(), agent.history()]);
    session.desk.reconcile([], pending, { runtimeRestarted: false, history });
    record(reg.options, {
      kind: "attach",
      ...commandAudit(reg, event, opened.thread.key),
      sessionId: id,
    });
    // The terminal's turn may still be running: messages from the thread wait for it.
    session.resumed(pending.length > 0 || history.openTurn);
  } catch (error) {
    reg.remove(opened.thread.key);
    await chat.post(opened.thread, failure("Could not attach the session:", errorText(error)));
  }
}

const cloudStartTimeoutMs = 60_000;

/**
 * `/copilot cloud owner/repo[@branch] <prompt>`: a session on GitHub's compute and models. The cloud
 * agent answers its own prompts on GitHub; the thread shows its work and links there.
 */
async function startCloudSession(reg: SessionRegistry, event: CommandEvent, text: string): Promise<void> {
  const m = /^cloud\s+([\w.-]+)\/([\w.-]+)(?:@(\S+))?\s+([\s\S]+)$/i.exec(text);
  const [, owner, name, branch, prompt] = m ?? [];
  if (!owner || !name || !prompt?.trim()) {
    await event.reply(
      "Usage: `/copilot cloud owner/repo[@branch] <what Copilot should do>`. Nothing was started.",
    );
    return;
  }
  const chat = reg.adapter(event.channel.platform);
  if (!chat) return;
  const where = `${owner}/${name}${branch ? `@${branch}` : ""}`;
  const base = {
    owner: { platform: event.user.platform, id: event.user.id },
    title: prompt.trim(),
    workingDirectory: `github.com/${where} (GitHub's compute and models)`,
    mode: "interactive" as const,
  };
  const opened = await openThread(reg, chat, event, base);
  if (!opened) return;
  const session = reg.add({ ...newRecord(reg, event, base, opened, ""), cloud: where });
  if (!session) return;
  session.say(
    said(["☁️ Starting a cloud session on ", { code: where }, "; waiting for the Copilot agent…"], "Starting"),
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(
        () => fail(new Error(`the cloud agent did not start within ${cloudStartTimeoutMs / 1000} s`)),
        cloudStartTimeoutMs,
      );
    });
    const agent = await Promise.race([
      reg.options.gateway.createCloudSession({ owner, name, ...(branch ? { branch } : {}) }, session.onEvent),
      timeout,
    ]);
    session.record = { ...session.record, sessionId: agent.id };
    session.attach(agent, false);
    await reg.options.store.putThread(session.record);
    record(reg.options, { kind: "cloud", ...commandAudit(reg, event, opened.thread.key), repository: where });
    await session.prompt(prompt.trim(), event.user);
  } catch (error) {
    reg.options.log.warn("could not start a cloud session", { error: errorText(error) });
    reg.remove(opened.thread.key);
    await chat.post(opened.thread, failure("Could not start the cloud session:", errorText(error)));
  } finally {
    clearTimeout(timer);
  }
}

function newRecord(
  reg: SessionRegistry,
  event: CommandEvent,
  base: Pick<ThreadRecord, "owner" | "title" | "workingDirectory" | "mode">,
  opened: Awaited<ReturnType<ChatAdapter["openThread"]>>,
  sessionId: string,
): ThreadRecord {
  const { platform, channel, workspace } = event.channel;
  return {
    ...base,
    owner: { platform: event.user.platform, id: event.user.id },
    thread: opened.thread,
    origin: { platform, channel, workspace },
    header: opened.header,
    sessionId,
    state: "active",
    createdAt: reg.now(),
    lastActivityAt: reg.now(),
    queue: [],
  };
}

/** Who ran a command, where, and the thread it opened: for the audit log. */
function commandAudit(reg: SessionRegistry, event: CommandEvent, threadKey: string) {
  const { platform, channel, workspace } = event.channel;
  return {
    at: reg.now(),
    threadKey,
    user: { platform: event.user.platform, id: event.user.id },
    channel: { platform, channel, workspace },
  };
}

async function openThread(
  reg: SessionRegistry,
  chat: ChatAdapter,
  event: CommandEvent,
  base: Pick<ThreadRecord, "owner" | "title" | "workingDirectory" | "mode">,
): Promise<Awaited<ReturnType<ChatAdapter["openThread"]>> | undefined> {
  try {
    return await chat.openThread(event.channel, sessionHeader(base));
  } catch (error) {
    reg.options.log.warn("could not open a thread", { error: errorText(error) });
    await event.reply(
      `Could not post in this channel (${errorText(error)}). Is the bot a member? Try /invite @Copilot. Nothing was started.`,
    );
    return undefined;
  }
}

async function startSession(reg: SessionRegistry, event: CommandEvent, text: string): Promise<void> {
  const chat = reg.adapter(event.channel.platform);
  if (!chat) return;
  const base = {
    owner: event.user,
    title: text,
    workingDirectory: reg.options.workingDirectory,
    mode: "interactive" as const,
  };
  const opened = await openThread(reg, chat, event, base);
  if (!opened) return;
  const record = newRecord(reg, event, base, opened, "");
  const session = reg.add(record);
  if (!session) return;
  try {
    const agent = await reg.options.gateway.createSession(
      { workingDirectory: record.workingDirectory },
      session.onEvent,
    );
    session.record = { ...session.record, sessionId: agent.id };
    session.attach(agent, false);
    await reg.options.store.putThread(session.record);
    if (reg.options.remoteByDefault) await turnOnRemote(session);
    await session.prompt(text, event.user);
  } catch (error) {
    reg.options.log.error("could not start a session", { error: errorText(error) });
    reg.remove(record.thread.key);
    await chat.post(record.thread, failure("Could not start a Copilot session:", errorText(error)));
  }
}

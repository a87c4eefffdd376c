import type { ChatAdapter, CommandEvent } from "./chat.js";
import { errorText } from "./errors.js";
import { failure, sessionHeader, usage } from "./messages.js";
import type { SessionRegistry } from "./registry.js";
import type { ThreadRecord } from "./store.js";
import type { Inline } from "./types.js";

/** `/copilot …` in a channel (or a mention of the bot there): help, sessions, or a new session. */
export async function onCommand(reg: SessionRegistry, event: CommandEvent): Promise<void> {
  const text = event.text.trim();
  const word = text.toLowerCase();
  if (text === "" || word === "help") {
    await event.reply(usage);
    return;
  }
  if (word === "sessions") {
    await event.reply(await listSessions(reg, event));
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

async function startSession(reg: SessionRegistry, event: CommandEvent, text: string): Promise<void> {
  const chat = reg.adapter(event.channel.platform);
  if (!chat) return;
  const base = {
    owner: event.user,
    title: text,
    workingDirectory: reg.options.workingDirectory,
    mode: "interactive" as const,
  };
  let opened: Awaited<ReturnType<ChatAdapter["openThread"]>>;
  try {
    opened = await chat.openThread(event.channel, sessionHeader(base));
  } catch (error) {
    reg.options.log.warn("could not open a thread", { error: errorText(error) });
    await event.reply(
      `Could not post in this channel (${errorText(error)}). Is the bot a member? Try /invite @Copilot. Nothing was started.`,
    );
    return;
  }
  const record: ThreadRecord = {
    ...base,
    owner: { platform: event.user.platform, id: event.user.id },
    thread: opened.thread,
    origin: {
      platform: event.channel.platform,
      channel: event.channel.channel,
      workspace: event.channel.workspace,
    },
    header: opened.header,
    sessionId: "",
    state: "active",
    createdAt: reg.now(),
    queue: [],
  };
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
    await session.prompt(text, event.user);
  } catch (error) {
    reg.options.log.error("could not start a session", { error: errorText(error) });
    reg.remove(record.thread.key);
    await chat.post(record.thread, failure("Could not start a Copilot session:", errorText(error)));
  }
}

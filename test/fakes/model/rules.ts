import { isAbsolute, resolve } from "node:path";
import type { ChatMessage, ChatToolCall, ModelRequest, Reply, Wire } from "./types.js";

// ---------------------------------------------------------------- normalisation

function partsText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return content == null ? "" : JSON.stringify(content);
  return content
    .map((p) => (typeof p === "string" ? p : typeof p?.text === "string" ? p.text : ""))
    .filter((t) => t !== "")
    .join("\n");
}

function resolveToolNames(messages: ChatMessage[]): ChatMessage[] {
  const names = new Map<string, string>();
  for (const m of messages) {
    for (const c of m.toolCalls ?? []) names.set(c.id, c.name);
    if (m.role === "tool" && m.toolCallId && !m.toolName) m.toolName = names.get(m.toolCallId);
  }
  return messages;
}

/** Chat Completions `messages` → ChatMessage[]. */
export function fromChatMessages(raw: unknown): ChatMessage[] {
  if (!Array.isArray(raw)) return [];
  const out = raw.map((m: Wire): ChatMessage => {
    const msg: ChatMessage = { role: String(m?.role ?? ""), content: partsText(m?.content) };
    if (Array.isArray(m?.tool_calls)) {
      msg.toolCalls = m.tool_calls.map(
        (c: Wire): ChatToolCall => ({
          id: String(c?.id ?? ""),
          name: String(c?.function?.name ?? ""),
          arguments: String(c?.function?.arguments ?? ""),
        }),
      );
    }
    if (m?.tool_call_id) msg.toolCallId = String(m.tool_call_id);
    if (m?.name && m?.role === "tool") msg.toolName = String(m.name);
    return msg;
  });
  return resolveToolNames(out);
}

/** Responses API `instructions` + `input` → ChatMessage[]. */
export function fromResponsesInput(instructions: unknown, input: unknown): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (typeof instructions === "string" && instructions) out.push({ role: "system", content: instructions });
  const items =
    typeof input === "string" ? [{ role: "user", content: input }] : Array.isArray(input) ? input : [];
  for (const it of items as Wire[]) {
    const type = it?.type ?? "message";
    if (type === "message") {
      out.push({ role: String(it.role ?? "user"), content: partsText(it.content) });
    } else if (type === "function_call") {
      const call: ChatToolCall = {
        id: String(it.call_id ?? it.id ?? ""),
        name: String(it.name ?? ""),
        arguments: String(it.arguments ?? ""),
      };
      const prev = out[out.length - 1];
      if (prev?.role === "assistant" && prev.toolCalls) prev.toolCalls.push(call);
      else out.push({ role: "assistant", content: "", toolCalls: [call] });
    } else if (type === "function_call_output") {
      out.push({ role: "tool", content: partsText(it.output), toolCallId: String(it.call_id ?? "") });
    }
  }
  return resolveToolNames(out);
}

// ---------------------------------------------------------------- user text

/** A leading or trailing `<tag …>…</tag>` block the runtime wraps around user prompts. */
const LEADING_BLOCK = /^\s*<([A-Za-z_][\w-]*)(?:\s[^>]*)?>[\s\S]*?<\/\1>\s*/;
const TRAILING_BLOCK = /\s*<([A-Za-z_][\w-]*)(?:\s[^>]*)?>[\s\S]*?<\/\1>\s*$/;

/**
 * The user's own text from a runtime-wrapped prompt. The runtime sends
 * `<current_datetime>…</current_datetime>\n\n<prompt>` (and may add other tagged blocks, e.g.
 * `<reminder>`); whole tagged blocks at the start or end are removed.
 */
export function userText(content: string): string {
  let s = content;
  for (let prev = ""; prev !== s; ) {
    prev = s;
    s = s.replace(LEADING_BLOCK, "").replace(TRAILING_BLOCK, "");
  }
  return s.trim();
}

/** User messages that carry text of the user's own (ignores purely synthetic wrapper messages). */
export function userTurns(messages: ChatMessage[]): string[] {
  return messages
    .filter((m) => m.role === "user")
    .map((m) => userText(m.content))
    .filter((t) => t !== "");
}

/** The runtime reports its cwd in the system prompt as "* Current working directory: /abs/path". */
export function sessionCwd(messages: ChatMessage[]): string | undefined {
  for (const m of messages) {
    if (m.role !== "system" && m.role !== "developer") continue;
    const match = /Current working directory:\s*(\S.*)$/m.exec(m.content);
    if (match?.[1]) return match[1].trim();
  }
  return undefined;
}

// ---------------------------------------------------------------- default rules

const DIRECTIVE = /^[ \t]*(RUN|WRITE|ECHO|LONG|SLOW):[ \t]?/m;

export function longText(n: number): string {
  const line = (i: number) => `line ${String(i).padStart(4, "0")} lorem ipsum dolor sit amet\n`;
  const fence = "```js\nconsole.log('fenced block');\n```\n";
  let s = "";
  let i = 1;
  while (s.length < n / 2) s += line(i++);
  s += fence;
  while (s.length < n) s += line(i++);
  return s.slice(0, Math.max(0, n));
}

/**
 * Default behaviour when no responder answers. Looks at the last message: a tool result is echoed
 * back; otherwise the last user text is matched against directives (the earliest one at a line start
 * wins: RUN, WRITE, ECHO, LONG, SLOW), else a "You said" reply with the user turn count.
 */
export function defaultReply(req: ModelRequest): Reply {
  const last = req.messages[req.messages.length - 1];
  if (last?.role === "tool") {
    return { text: `Tool ${last.toolName ?? "unknown"} result: ${last.content.slice(0, 300).trim()}` };
  }
  const turns = userTurns(req.messages);
  const text = turns[turns.length - 1] ?? "";
  const m = DIRECTIVE.exec(text);
  if (m) {
    const rest = text.slice(m.index + m[0].length);
    const line = (rest.split("\n")[0] ?? "").trim();
    switch (m[1]) {
      case "RUN":
        return { tool: "bash", args: { command: line, description: `Run ${line}`.slice(0, 100) } };
      case "WRITE": {
        const sp = /^(\S+)[ \t]?([\s\S]*)$/.exec(rest.replace(/^[ \t]+/, ""));
        const file = sp?.[1] ?? "";
        const cwd = sessionCwd(req.messages) ?? process.cwd();
        const path = isAbsolute(file) ? file : resolve(cwd, file);
        return { tool: "create", args: { path, file_text: sp?.[2] ?? "" } };
      }
      case "ECHO":
        return { text: rest };
      case "LONG":
        return { text: longText(Number.parseInt(line, 10) || 0), chunks: 20 };
      case "SLOW": {
        const ms = Number.parseInt(line, 10) || 0;
        return { text: "slow done", chunks: 10, chunkDelayMs: ms / 10 };
      }
    }
  }
  return { text: `You said: ${text} (user turns: ${turns.length})` };
}

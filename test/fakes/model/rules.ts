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
    if (m.role === "tool" && m.toolCallId && !m.toolName) {
      const name = names.get(m.toolCallId);
      if (name) m.toolName = name;
    }
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
/** In plan mode the runtime prefixes the prompt with `[[PLAN]] `. */
const PLAN_MARKER = /^\s*\[\[PLAN\]\][ \t]*/;

/**
 * The user's own text from a runtime-wrapped prompt. The runtime sends
 * `<current_datetime>…</current_datetime>\n\n<prompt>` (and may add other tagged blocks, e.g.
 * `<reminder>`, `<tools_changed_notice>`); whole tagged blocks at the start or end are removed, and
 * so is the `[[PLAN]] ` prefix the runtime adds in plan mode.
 */
export function userText(content: string): string {
  let s = content;
  for (let prev = ""; prev !== s; ) {
    prev = s;
    s = s.replace(LEADING_BLOCK, "").replace(TRAILING_BLOCK, "").replace(PLAN_MARKER, "");
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

const DIRECTIVE = /^[ \t]*(RUN_AS|RUN|WRITE|READ|FETCH|TOOL|ECHO|LONG|SLOW|STREAM|ASK|PLAN|FORM):[ \t]?/m;

/** The runtime's prompt when an autopilot turn ended without `task_complete`. */
export const AUTOPILOT_NUDGE = "You have not yet marked the task as complete";

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

/** The STREAM text: n words `w0001 w0002 … w<n>` (5n−1 characters; its last word marks the end). */
export function streamText(n: number): string {
  return Array.from({ length: n }, (_, i) => `w${String(i + 1).padStart(4, "0")}`).join(" ");
}

/** An absolute path as given, a relative one resolved against the session's cwd (else this process's). */
function sessionPath(messages: ChatMessage[], file: string): string {
  return isAbsolute(file) ? file : resolve(sessionCwd(messages) ?? process.cwd(), file);
}

/** Where plan mode wants plan.md: its system prompt says "Save the plan to: /abs/plan.md". */
export function planPath(messages: ChatMessage[]): string | undefined {
  for (const m of messages) {
    if (m.role !== "system" && m.role !== "developer") continue;
    const match = /Save the plan to:\s*(\S+)/.exec(m.content);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

/** `a | b | c` → ["a", "b", "c"] (trimmed, empty parts dropped). */
const pipeParts = (line: string) =>
  line
    .split("|")
    .map((p) => p.trim())
    .filter((p) => p !== "");

/** A FORM field spec `name[?][:type]` → [name, JSON schema property, required]. */
function formField(spec: string): [string, Record<string, unknown>, boolean] {
  const [rawName = "", type = "string"] = spec.split(":").map((p) => p.trim());
  const optional = rawName.endsWith("?");
  const name = optional ? rawName.slice(0, -1) : rawName;
  const prop: Record<string, unknown> = { type: "string", title: name };
  if (type === "number" || type === "integer" || type === "boolean") prop.type = type;
  else if (["email", "uri", "date", "date-time"].includes(type)) prop.format = type;
  else if (type.includes("/")) prop.enum = type.split("/").map((v) => v.trim());
  return [name, prop, !optional];
}

/** `FORM: <message> | <field>…` → the arguments of the fake MCP server's `elicit` tool. */
export function formArgs(line: string): { message: string; requestedSchema: Wire } {
  const [message = "", ...specs] = pipeParts(line);
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, prop, req] of (specs.length ? specs : ["answer"]).map(formField)) {
    properties[name] = prop;
    if (req) required.push(name);
  }
  return {
    message,
    requestedSchema: { type: "object", properties, ...(required.length ? { required } : {}) },
  };
}

/**
 * The message that decides the reply: the last one, skipping trailing user messages that carry no
 * text of the user's own (e.g. the `<tools_changed_notice>` the runtime appends after a mode change).
 */
function lastReal(messages: ChatMessage[]): ChatMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === "user" && userText(m.content) === "") continue;
    return m;
  }
  return undefined;
}

/** The arguments of the assistant tool call a tool message answers. */
function callArgs(messages: ChatMessage[], toolCallId: string | undefined): Wire {
  for (const m of messages) {
    const call = m.toolCalls?.find((c) => c.id === toolCallId);
    if (!call) continue;
    try {
      return JSON.parse(call.arguments);
    } catch {
      return {};
    }
  }
  return {};
}

/** The latest user directive (`PLAN`, `RUN`…), with its first line and the lines after it. */
function directive(text: string): { name: string; line: string; rest: string; body: string } | undefined {
  const m = DIRECTIVE.exec(text);
  if (!m?.[1]) return undefined;
  const rest = text.slice(m.index + m[0].length);
  const [first = "", ...more] = rest.split("\n");
  return { name: m[1], line: first.trim(), rest, body: more.join("\n").trim() };
}

/**
 * Default behaviour when no responder answers. Looks at the last message (see lastReal): a tool
 * result is echoed back (except the plan.md write of a multi-line PLAN, which is followed by
 * exit_plan_mode); the autopilot nudge is answered with task_complete; otherwise the last user text
 * is matched against directives (the earliest one at a line start wins: RUN, RUN_AS, WRITE, READ, FETCH,
 * TOOL, ECHO, LONG, SLOW, STREAM, ASK, PLAN, FORM), else a "You said" reply with the user turn count.
 */
export function defaultReply(req: ModelRequest): Reply {
  const last = lastReal(req.messages);
  const turns = userTurns(req.messages);
  const text = turns[turns.length - 1] ?? "";
  const d = directive(text);
  if (last?.role === "tool") {
    const plan = planPath(req.messages);
    if (d?.name === "PLAN" && last.toolName === "create" && plan !== undefined) {
      if (callArgs(req.messages, last.toolCallId).path === plan) return exitPlan(d.line);
    }
    return { text: `Tool ${last.toolName ?? "unknown"} result: ${last.content.slice(0, 300).trim()}` };
  }
  if (text.startsWith(AUTOPILOT_NUDGE)) {
    const task = turns.filter((t) => !t.startsWith(AUTOPILOT_NUDGE)).at(-1) ?? "";
    return { tool: "task_complete", args: { summary: `Done: ${task.split("\n")[0]}`.slice(0, 200) } };
  }
  if (d) {
    const { line, rest } = d;
    switch (d.name) {
      case "RUN":
        return { tool: "bash", args: { command: line, description: `Run ${line}`.slice(0, 100) } };
      case "RUN_AS": {
        // `RUN_AS: <description> | <cmd>`: a description of the model's own choosing (a literal `\n`
        // becomes a line break), e.g. one that imitates the bridge's status lines.
        const bar = line.indexOf("|");
        const command = line.slice(bar + 1).trim();
        const description = line.slice(0, Math.max(bar, 0)).trim().replaceAll("\\n", "\n");
        return { tool: "bash", args: { command, description } };
      }
      case "WRITE": {
        const sp = /^(\S+)[ \t]?([\s\S]*)$/.exec(rest.replace(/^[ \t]+/, ""));
        const path = sessionPath(req.messages, sp?.[1] ?? "");
        return { tool: "create", args: { path, file_text: sp?.[2] ?? "" } };
      }
      case "READ":
        return { tool: "view", args: { path: sessionPath(req.messages, line) } };
      case "FETCH":
        return { tool: "web_fetch", args: { url: line } };
      case "TOOL": {
        // `TOOL: <name> <JSON arguments>`: any tool the runtime offers, e.g. an MCP server's.
        const sp = /^(\S+)[ \t]*([\s\S]*)$/.exec(rest.replace(/^[ \t]+/, ""));
        const args = sp?.[2]?.trim() ? (JSON.parse(sp[2]) as Record<string, unknown>) : {};
        return { tool: sp?.[1] ?? "", args };
      }
      case "ECHO":
        return { text: rest };
      case "LONG":
        return { text: longText(Number.parseInt(line, 10) || 0), chunks: 20 };
      case "SLOW": {
        const ms = Number.parseInt(line, 10) || 0;
        return { text: "slow done", chunks: 10, chunkDelayMs: ms / 10 };
      }
      case "STREAM": {
        const [deltas = 0, ms = 0] = line.split(/\s+/).map((v) => Number.parseInt(v, 10) || 0);
        const n = Math.min(Math.max(deltas, 1), 9999);
        return { text: streamText(n), chunks: n, chunkDelayMs: Math.max(ms, 0) / n };
      }
      case "ASK": {
        const [question = "", ...choices] = pipeParts(line);
        return { tool: "ask_user", args: { question, ...(choices.length ? { choices } : {}) } };
      }
      case "PLAN": {
        const path = planPath(req.messages);
        if (d.body && path) return { tool: "create", args: { path, file_text: `${d.body}\n` } };
        return exitPlan(line);
      }
      case "FORM": {
        const tool = req.tools.find((t) => t.endsWith("-elicit"));
        if (!tool) return { text: "FORM: no *-elicit tool offered (add formMcpServer() to mcpServers)" };
        return { tool, args: formArgs(line) };
      }
    }
  }
  return { text: `You said: ${text} (user turns: ${turns.length})` };
}

/** `exit_plan_mode`; a literal `\n` in the summary becomes a line break. */
function exitPlan(summary: string): Reply {
  return { tool: "exit_plan_mode", args: { summary: summary.replaceAll("\\n", "\n") } };
}

import { chunkMarkdown } from "./chunk.js";
import { LiveMessage, type LiveMessageDeps } from "./live-message.js";
import type { ChatAdapter } from "./ports/chat.js";
import type { SerialQueue } from "./serial.js";
import type { Block, Inline, Message } from "./types.js";
import type { ThreadRef } from "./vocabulary/refs.js";

/** Internal tools whose activity says nothing to a reader. */
const quietTools = new Set(["report_intent", "think", "update_todo"]);
const activityLinesPerMessage = 30;

interface ToolLine {
  name: string;
  summary: string | undefined;
  /** `stopped`: still running when the turn ended (stopped, or cut short by a restart). */
  state: "running" | "ok" | "failed" | "stopped";
  error?: string;
}

/**
 * Shows a session's work in its thread: one message per assistant message, edited as it streams,
 * and compact tool activity lines ("ran `npm test` ✓").
 */
export class Transcript {
  private readonly texts = new Map<string, { text: string; live: LiveMessage }>();
  private activity: { lines: Map<string, ToolLine>; live: LiveMessage } | undefined;
  private readonly deps: LiveMessageDeps;

  constructor(
    private readonly chat: ChatAdapter,
    private readonly thread: ThreadRef,
    private readonly queue: SerialQueue,
    intervalMs: number,
    now: () => number,
  ) {
    this.deps = {
      post: (m, options) => chat.post(thread, m, options),
      edit: (ref, m, options) => chat.edit(ref, m, options),
      schedule: (task) => queue.push(task),
      intervalMs,
      now,
    };
  }

  delta(messageId: string, delta: string): void {
    const entry = this.textEntry(messageId);
    entry.text += delta;
    if (entry.text.trim().length > 0) entry.live.changed();
  }

  message(messageId: string, content: string): void {
    const entry = this.textEntry(messageId);
    entry.text = content;
    if (content.trim().length > 0) entry.live.complete();
    this.texts.delete(messageId);
    if (this.overflows(content)) {
      // Too long to read in the thread: the whole answer follows as a file, after its visible part.
      const bytes = new TextEncoder().encode(content);
      this.queue.push(() =>
        this.chat.upload(this.thread, { name: "copilot-reply.md", title: "Copilot's full reply", bytes }),
      );
    }
  }

  toolStarted(toolCallId: string, name: string, summary: string | undefined): void {
    if (quietTools.has(name)) return;
    const activity = this.currentActivity();
    activity.lines.set(toolCallId, { name, summary, state: "running" });
    activity.live.changed();
  }

  toolCompleted(toolCallId: string, success: boolean, error: string | undefined): void {
    const line = this.activity?.lines.get(toolCallId);
    if (!line || !this.activity) return;
    line.state = success ? "ok" : "failed";
    if (error) line.error = error;
    this.activity.live.changed();
  }

  /** The turn ended: whatever is still streaming is shown in full. */
  settle(): void {
    for (const entry of this.texts.values()) if (entry.text.trim().length > 0) entry.live.complete();
    this.texts.clear();
    for (const line of this.activity?.lines.values() ?? [])
      if (line.state === "running") line.state = "stopped";
    this.activity?.live.complete();
    this.activity = undefined;
  }

  private textEntry(messageId: string): { text: string; live: LiveMessage } {
    let entry = this.texts.get(messageId);
    if (!entry) {
      // Text after tool activity starts a new activity block below it.
      if (this.activity) {
        this.activity.live.complete();
        this.activity = undefined;
      }
      const state = { text: "" };
      const created = Object.assign(state, {
        live: new LiveMessage(this.deps, () => this.renderText(state.text)),
      });
      this.texts.set(messageId, created);
      entry = created;
    }
    return entry;
  }

  private currentActivity(): { lines: Map<string, ToolLine>; live: LiveMessage } {
    if (!this.activity) {
      const lines = new Map<string, ToolLine>();
      this.activity = { lines, live: new LiveMessage(this.deps, () => renderActivity(lines)) };
    }
    return this.activity;
  }

  private overflows(text: string): boolean {
    return text.length > this.chat.limits.messageChars * this.chat.limits.messagesPerReply;
  }

  private renderText(text: string): Message[] {
    const { messageChars, messagesPerReply } = this.chat.limits;
    let chunks = chunkMarkdown(text, messageChars);
    if (chunks.length > messagesPerReply) {
      const hidden = text.length - chunks.slice(0, messagesPerReply).join("").length;
      chunks = chunks.slice(0, messagesPerReply);
      chunks.push(`_… ${hidden} more characters: the whole reply is attached as copilot-reply.md_`);
    }
    return chunks.map((chunk) => ({
      blocks: [{ type: "markdown", text: chunk }],
      summary: chunk.slice(0, 150),
    }));
  }
}

function renderActivity(lines: Map<string, ToolLine>): Message[] {
  const all = [...lines.values()];
  const messages: Message[] = [];
  for (let i = 0; i < all.length; i += activityLinesPerMessage) {
    const blocks: Block[] = all.slice(i, i + activityLinesPerMessage).map(activityLine);
    const running = all.some((l) => l.state === "running");
    // The plain-text summary (Slack's notification and fallback text) follows the lines' state.
    messages.push({ blocks, summary: running ? "Copilot is working…" : `Copilot's steps (${all.length})` });
  }
  return messages;
}

function activityLine(line: ToolLine): Block {
  const icon = { running: "⏳", ok: "✓", failed: "✗", stopped: "⏹" }[line.state];
  const isShell = line.name === "bash" || line.name === "shell";
  const inline: Inline[] = line.summary
    ? [`${icon} ${isShell ? "ran" : line.name} `, { code: line.summary }]
    : [`${icon} `, { code: line.name }];
  if (line.state === "failed" && line.error) inline.push(` — ${line.error.slice(0, 200)}`);
  return { type: "context", inline };
}

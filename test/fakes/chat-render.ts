/**
 * What the fake chat shows of a message: every version of it, and how a reader (or the platform's
 * notifications) would read it. The rendering is the fake's own, like a platform adapter's.
 */
import type { Block, Button, Inline, Message } from "../../src/core/types.js";
import type { MessageRef } from "../../src/core/vocabulary/refs.js";

/** One message as the thread shows it now. */
export class ShownMessage {
  /** Every version shown, oldest first; the last one is `message`. */
  readonly history: Message[];

  constructor(
    readonly ref: MessageRef,
    readonly thread: string,
    message: Message,
  ) {
    this.history = [message];
  }

  get message(): Message {
    return this.history[this.history.length - 1] as Message;
  }

  get edits(): number {
    return this.history.length - 1;
  }

  /** What a reader sees (buttons shown as `[label]`). */
  get text(): string {
    return visible(this.message);
  }

  /** What the fake platform received, in Slack's syntax: the text its notifications are read from. */
  get wire(): { text: string; blocks: { text: string }[] } {
    return wireMessage(this.message);
  }

  get buttons(): Button[] {
    return this.message.blocks.flatMap((b) => (b.type === "buttons" ? b.buttons : []));
  }
}

/** Inline pieces as a reader sees them; mentions as `<@id>`, code in backticks. */
export function inlineText(inline: Inline[]): string {
  return inline
    .map((p) => {
      if (typeof p === "string") return p;
      if ("bold" in p) return p.bold;
      if ("italic" in p) return p.italic;
      if ("code" in p) return `\`${p.code}\``;
      if ("user" in p) return `<@${p.user.id}>`;
      if ("link" in p) return `${p.label} (${p.link})`;
      return new Date(p.time).toISOString();
    })
    .join("");
}

/**
 * The fake's rendering, like a platform adapter's: every text is escaped (`&`, `<`, `>`, bare
 * `@channel` words) so nothing in it can mention anyone; only a `user` piece the bridge names
 * becomes a mention (`<@id>`).
 */
export function wireMessage(message: Message): { text: string; blocks: { text: string }[] } {
  const inline = (pieces: Inline[]) =>
    pieces
      .map((p) => (typeof p !== "string" && "user" in p ? `<@${p.user.id}>` : wireEscape(inlineText([p]))))
      .join("");
  return {
    text: wireEscape(message.summary),
    blocks: message.blocks.map((b) => ({
      text: b.type === "line" || b.type === "context" ? inline(b.inline) : wireEscape(blockText(b)),
    })),
  };
}

function wireEscape(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(channel|here|everyone)\b/gi, "@\u200b$1");
}

/** A whole message as a reader sees it, one block per line. */
export function visible(message: Message): string {
  return message.blocks.map(blockText).join("\n");
}

function blockText(b: Block): string {
  switch (b.type) {
    case "line":
    case "context":
      return inlineText(b.inline);
    case "markdown":
      return b.text;
    case "quote":
      return `${b.label ?? ""}${b.text}`
        .split("\n")
        .map((l) => `> ${l}`)
        .join("\n");
    case "code":
      return `\`\`\`\n${b.text}\n\`\`\``;
    case "buttons":
      return b.buttons.map((x) => `[${x.label}]`).join(" ");
  }
}

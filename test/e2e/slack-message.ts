/** What the end-to-end tests read off a Slack message: its buttons, its text, the request a card answers. */
import type { SlackMessage } from "../fakes/slack/index.js";

export interface ButtonInfo {
  action_id: string;
  value: string;
  text: string;
}

export function buttonsOf(message: SlackMessage): ButtonInfo[] {
  const out: ButtonInfo[] = [];
  for (const block of (message.blocks ?? []) as { type?: string; elements?: unknown[] }[]) {
    if (block.type !== "actions") continue;
    for (const el of (block.elements ?? []) as {
      action_id?: string;
      value?: string;
      text?: { text?: string };
    }[]) {
      out.push({ action_id: el.action_id ?? "", value: el.value ?? "", text: el.text?.text ?? "" });
    }
  }
  return out;
}

/** The id of the request a card answers, from its buttons (`<requestId>` or `<requestId>:<detail>`). */
export function cardRequestId(card: SlackMessage): string {
  const value = buttonsOf(card)[0]?.value;
  if (!value) throw new Error(`no request id in the card's buttons: ${visible(card)}`);
  return value.replace(/:[^:]*$/, "");
}

/** What a person reads: the message text plus every text inside its blocks. */
export function visible(message: { text: string; blocks?: unknown[] }): string {
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      if (typeof o.text === "string") parts.push(o.text);
      for (const [k, v] of Object.entries(o)) if (k !== "text" || typeof v !== "string") walk(v);
    }
  };
  walk(message.blocks ?? []);
  return parts.length > 0 ? parts.join("\n") : message.text;
}

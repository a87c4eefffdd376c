import type { Block, Inline, Message, Modal } from "../../core/types.js";
import { slackLimits } from "./limits.js";
import { codeBlock, codeSpan, escapeText, link, markdownToMrkdwn } from "./mrkdwn.js";

// Block Kit shapes, kept loose on purpose: they are checked by Slack (and by the fake in tests).
export type SlackBlock = Record<string, unknown>;

/** The action of a clicked button, without the position suffix `renderMessage` may add. */
export function actionOf(actionId: string): string {
  return actionId.replace(/#\d+$/, "");
}

export function renderInline(inline: readonly Inline[]): string {
  return inline
    .map((part) => {
      if (typeof part === "string") return escapeText(part);
      if ("bold" in part) return `*${escapeText(part.bold)}*`;
      if ("italic" in part) return `_${escapeText(part.italic)}_`;
      if ("code" in part) return codeSpan(part.code);
      if ("user" in part)
        return /^[UW][A-Z0-9]+$/.test(part.user.id) ? `<@${part.user.id}>` : escapeText(part.user.id);
      if ("link" in part) return link(part.link, part.label);
      const seconds = Math.floor(part.time / 1000);
      const fallback = `${new Date(part.time).toISOString().slice(11, 16)} UTC`;
      return `<!date^${seconds}^{time}|${fallback}>`;
    })
    .join("");
}

/** Renders a neutral message as Block Kit plus the plain `text` Slack uses for notifications. */
export function renderMessage(message: Message): { text: string; blocks: SlackBlock[] } {
  const blocks = message.blocks.flatMap(renderBlock).slice(0, slackLimits.blocksPerMessage);
  const text = escapeText(message.summary).slice(0, slackLimits.fallbackTextChars);
  return { text: text.length > 0 ? text : " ", blocks };
}

function renderBlock(block: Block): SlackBlock[] {
  switch (block.type) {
    case "line":
      return sections(renderInline(block.inline));
    case "markdown":
      return sections(markdownToMrkdwn(block.text));
    case "code":
      return sections(codeBlock(block.text));
    case "context":
      return [
        {
          type: "context",
          elements: [{ type: "mrkdwn", text: cut(renderInline(block.inline), slackLimits.sectionChars) }],
        },
      ];
    case "buttons":
      return [
        {
          type: "actions",
          elements: block.buttons.map((b, i) => ({
            type: "button",
            // Slack wants unique action ids in a message: a repeated action gets its position appended.
            action_id:
              block.buttons.findIndex((o) => o.action === b.action) === i ? b.action : `${b.action}#${i}`,
            text: { type: "plain_text", text: b.label.slice(0, 75), emoji: true },
            value: b.payload,
            ...(b.style ? { style: b.style } : {}),
          })),
        },
      ];
  }
}

/** One section holds at most 3000 characters: longer text becomes several sections, split at lines. */
function sections(mrkdwn: string): SlackBlock[] {
  const out: SlackBlock[] = [];
  let rest = mrkdwn.length > 0 ? mrkdwn : " ";
  while (rest.length > 0) {
    let piece = rest.slice(0, slackLimits.sectionChars);
    if (piece.length < rest.length) {
      const nl = piece.lastIndexOf("\n");
      if (nl > slackLimits.sectionChars / 2) piece = piece.slice(0, nl + 1);
      // Never split inside an escape such as &amp;
      const amp = piece.lastIndexOf("&");
      if (amp > piece.length - 6 && !piece.slice(amp).includes(";")) piece = piece.slice(0, amp);
    }
    rest = rest.slice(piece.length);
    out.push({ type: "section", text: { type: "mrkdwn", text: piece } });
  }
  return out;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function renderModal(modal: Modal): Record<string, unknown> {
  const blocks: SlackBlock[] = [];
  if (modal.intro) blocks.push({ type: "section", text: { type: "mrkdwn", text: escapeText(modal.intro) } });
  for (const field of modal.fields) {
    const element = field.options
      ? {
          type: "static_select",
          action_id: "value",
          options: field.options.slice(0, 100).map((o) => ({
            text: { type: "plain_text", text: o.slice(0, 75) },
            value: o.slice(0, 150),
          })),
        }
      : {
          type: "plain_text_input",
          action_id: "value",
          multiline: field.multiline ?? false,
          ...(field.maxLength ? { max_length: field.maxLength } : {}),
          ...(field.placeholder ? { placeholder: { type: "plain_text", text: field.placeholder } } : {}),
        };
    blocks.push({
      type: "input",
      block_id: field.id,
      optional: field.optional ?? false,
      label: { type: "plain_text", text: field.label.slice(0, 2000) },
      element,
    });
  }
  return {
    type: "modal",
    callback_id: modal.callback,
    private_metadata: modal.meta,
    title: { type: "plain_text", text: modal.title.slice(0, 24) },
    submit: { type: "plain_text", text: modal.submitLabel.slice(0, 24) },
    close: { type: "plain_text", text: "Cancel" },
    blocks,
  };
}

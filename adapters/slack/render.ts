import type {
  ActionsBlock,
  Button,
  ContextBlock,
  InputBlock,
  ModalView,
  PlainTextInput,
  SectionBlock,
  StaticSelect,
} from "@slack/types";
import type { Notice } from "../../src/core/ports/chat.js";
import type { Block, Inline, Message, Modal, ModalField } from "../../src/core/types.js";
import type { UserRef } from "../../src/core/vocabulary/refs.js";
import { slackLimits } from "./limits.js";
import { codeBlock, codeSpan, escapeText, link, markdownToMrkdwn, quoteLines } from "./mrkdwn.js";

/*
 * Block Kit typed with Slack's own types, so a malformed block or view is a compile error. The
 * Web API's argument types accept any `{ type: string }` as a block (`Block`), so the types here are
 * narrower on purpose: only the known blocks this renderer produces.
 */

/** The blocks of a rendered message. */
export type MessageBlock = SectionBlock | ContextBlock | ActionsBlock;

/** A rendered message: Block Kit plus the plain `text` Slack uses for notifications. */
export interface SlackMessage {
  text: string;
  blocks: MessageBlock[];
}

/** The blocks of a rendered modal. */
export type ModalBlock = SectionBlock | InputBlock;

/** A modal view whose blocks are known Block Kit blocks (`ModalView` takes any `{ type: string }`). */
export interface SlackModal extends ModalView {
  blocks: ModalBlock[];
}

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
      if ("user" in part) return mention(part.user);
      if ("link" in part) return link(part.link, part.label);
      const seconds = Math.floor(part.time / 1000);
      const fallback = `${new Date(part.time).toISOString().slice(11, 16)} UTC`;
      return `<!date^${seconds}^{time}|${fallback}>`;
    })
    .join("");
}

/** A notice (an ephemeral note to one person) as mrkdwn text. */
export function renderNotice(notice: Notice): string {
  return typeof notice === "string" ? escapeText(notice) : renderInline(notice);
}

/** A Slack user as a mention; anyone else (a Discord decider, a malformed id) by platform and id. */
function mention(user: UserRef): string {
  if (user.platform === "slack" && /^[UW][A-Z0-9]+$/.test(user.id)) return `<@${user.id}>`;
  return escapeText(`${user.platform === "slack" ? "Slack" : "Discord"} user ${user.id}`);
}

/** Renders a neutral message as Block Kit plus the plain `text` Slack uses for notifications. */
export function renderMessage(message: Message): SlackMessage {
  const blocks = message.blocks.flatMap(renderBlock).slice(0, slackLimits.blocksPerMessage);
  const text = escapeText(message.summary).slice(0, slackLimits.fallbackTextChars);
  return { text: text.length > 0 ? text : " ", blocks };
}

function renderBlock(block: Block): MessageBlock[] {
  switch (block.type) {
    case "line":
      return sections(renderInline(block.inline));
    case "markdown":
      return sections(markdownToMrkdwn(block.text));
    case "code":
      return sections(codeBlock(block.text));
    case "quote":
      return quoteSections(`${block.label ?? ""}${block.text}`);
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
          elements: block.buttons.map(
            (b, i): Button => ({
              type: "button",
              // Slack wants unique action ids in a message: a repeated action gets its position appended.
              action_id:
                block.buttons.findIndex((o) => o.action === b.action) === i ? b.action : `${b.action}#${i}`,
              text: { type: "plain_text", text: b.label.slice(0, 75), emoji: true },
              value: b.payload,
              ...(b.style ? { style: b.style } : {}),
            }),
          ),
        },
      ];
  }
}

/** One section holds at most 3000 characters: longer text becomes several sections, split at lines. */
function sections(mrkdwn: string): SectionBlock[] {
  const out: SectionBlock[] = [];
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

/**
 * A quote as sections of whole quoted lines, sent `verbatim` (no automatic links or mentions). A line
 * too long for one section is cut into pieces that each start with the quote mark again, so no section
 * ever starts with text of the quote's own.
 */
function quoteSections(text: string): SectionBlock[] {
  const max = slackLimits.sectionChars;
  const out: SectionBlock[] = [];
  let section = "";
  for (const piece of quoteLines(text).flatMap((line) => splitQuoted(line, max))) {
    if (section.length > 0 && section.length + 1 + piece.length > max) {
      out.push(verbatimSection(section));
      section = "";
    }
    section = section.length > 0 ? `${section}\n${piece}` : piece;
  }
  if (section.length > 0) out.push(verbatimSection(section));
  return out;
}

/** A quoted line (`> …`) longer than `max` as several quoted lines, never splitting an escape. */
function splitQuoted(line: string, max: number): string[] {
  const out: string[] = [];
  let rest = line.slice(2);
  while (rest.length > max - 2) {
    let piece = rest.slice(0, max - 2);
    const amp = piece.lastIndexOf("&");
    if (amp > piece.length - 6 && !piece.slice(amp).includes(";")) piece = piece.slice(0, amp);
    out.push(`> ${piece}`);
    rest = rest.slice(piece.length);
  }
  out.push(`> ${rest}`);
  return out;
}

function verbatimSection(text: string): SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text, verbatim: true } };
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function renderModal(modal: Modal): SlackModal {
  const blocks: ModalBlock[] = [];
  if (modal.intro) blocks.push({ type: "section", text: { type: "mrkdwn", text: escapeText(modal.intro) } });
  for (const field of modal.fields) {
    blocks.push({
      type: "input",
      block_id: field.id,
      optional: field.optional ?? false,
      label: { type: "plain_text", text: field.label.slice(0, 2000) },
      element: fieldElement(field),
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

/** A field's input: a select among its options, else a text input (its value is read as `value`). */
function fieldElement(field: ModalField): StaticSelect | PlainTextInput {
  if (field.options) {
    return {
      type: "static_select",
      action_id: "value",
      options: field.options.slice(0, 100).map((o) => ({
        text: { type: "plain_text", text: o.slice(0, 75) },
        value: o.slice(0, 150),
      })),
    };
  }
  return {
    type: "plain_text_input",
    action_id: "value",
    multiline: field.multiline ?? false,
    ...(field.maxLength ? { max_length: field.maxLength } : {}),
    ...(field.placeholder ? { placeholder: { type: "plain_text", text: field.placeholder } } : {}),
  };
}

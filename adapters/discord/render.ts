import {
  type APIActionRowComponent,
  type APIAllowedMentions,
  type APIButtonComponentWithCustomId,
  type APILabelComponent,
  type APIModalInteractionResponseCallbackData,
  type APITextInputComponent,
  ButtonStyle,
  ComponentType,
  MessageFlags,
  type Snowflake,
  TextInputStyle,
} from "discord-api-types/v10";
import { z } from "zod";
import type { Block, Button, Inline, Message, Modal, ModalField } from "../../src/core/types.js";
import type { UserRef } from "../../src/core/vocabulary/refs.js";
import { discordLimits } from "./limits.js";
import { codeBlock, codeSpan, escapePlain, link, modelMarkdown, quotePlain } from "./markdown.js";

/** A row of the bridge's buttons: each one answers with a `custom_id`, never a link or a SKU. */
export type ButtonRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

/** No mention type is ever parsed from content: only the users listed may be pinged. */
export interface ListedPings extends APIAllowedMentions {
  parse: [];
  users: Snowflake[];
}

/**
 * A rendered message: the same body for a new post and for an edit, so it is a
 * `RESTPostAPIChannelMessageJSONBody` and a `RESTPatchAPIChannelMessageJSONBody` both (the adapter
 * passes it as each), with the fields the bridge always sends made required.
 */
export interface DiscordPayload {
  content: string;
  components: ButtonRow[];
  allowed_mentions: ListedPings;
}

/** A card as a Components V2 message: no `content`; one container with its text and buttons. */
export interface DiscordCardPayload {
  flags: MessageFlags.IsComponentsV2;
  components: [
    {
      type: ComponentType.Container;
      components: [{ type: ComponentType.TextDisplay; content: string }, ...ButtonRow[]];
    },
  ];
  allowed_mentions: ListedPings;
}

export type DiscordBody = DiscordPayload | DiscordCardPayload;

/** A form's row: a text input in an action row (labelled on the input), or a label around a choice. */
type ModalRow = APIActionRowComponent<APITextInputComponent> | APILabelComponent;

export interface DiscordModal extends APIModalInteractionResponseCallbackData {
  components: ModalRow[];
}

const prefix = "ccb";

/** Button custom ids: `ccb:<action>:<payload>`, validated on the way back in. */
export const customId = z
  .string()
  .max(discordLimits.customIdChars)
  .regex(/^ccb:[a-z_.]{1,30}:[A-Za-z0-9_.:-]{1,64}$/);

export function buttonId(button: Button): string {
  return `${prefix}:${button.action}:${button.payload}`;
}

export function parseButtonId(raw: string): { action: string; payload: string } | undefined {
  if (!customId.safeParse(raw).success) return undefined;
  const [, action = "", ...rest] = raw.split(":");
  return { action, payload: rest.join(":") };
}

export function modalId(modal: Modal): string {
  return `${prefix}:m:${modal.callback}:${modal.meta}`.slice(0, discordLimits.customIdChars);
}

export function parseModalId(raw: string): { callback: string; meta: string } | undefined {
  const m = /^ccb:m:([a-z_.]{1,30}):([A-Za-z0-9_.:-]{1,64})$/.exec(raw);
  return m ? { callback: m[1] ?? "", meta: m[2] ?? "" } : undefined;
}

export function renderInline(inline: readonly Inline[], pings: Set<string>): string {
  return inline
    .map((part) => {
      if (typeof part === "string") return escapePlain(part);
      if ("bold" in part) return `**${escapePlain(part.bold)}**`;
      if ("italic" in part) return `*${escapePlain(part.italic)}*`;
      if ("code" in part) return codeSpan(part.code);
      if ("user" in part) return mention(part.user, pings);
      if ("link" in part) return link(part.link, part.label);
      return `<t:${Math.floor(part.time / 1000)}:t>`;
    })
    .join("");
}

/** A Discord user as a mention; anyone else (a Slack decider, a malformed id) by platform and id. */
function mention(user: UserRef, pings: Set<string>): string {
  if (user.platform !== "discord" || !/^\d{1,20}$/.test(user.id)) {
    return escapePlain(`${user.platform === "slack" ? "Slack" : "Discord"} user ${user.id}`);
  }
  pings.add(user.id);
  return `<@${user.id}>`;
}

/**
 * Renders a neutral message as Discord content and button rows, or a card as a Components V2
 * container (its text and buttons in one box). Only users the bridge itself names (the owner on a
 * card) may be pinged, and only when `ping` is set (new posts, not edits).
 */
export function renderMessage(message: Message, ping: boolean): DiscordBody {
  const pings = new Set<string>();
  const lines: string[] = [];
  const rows: ButtonRow[] = [];
  for (const block of message.blocks) {
    const rendered = renderBlock(block, pings);
    if (typeof rendered === "string") lines.push(rendered);
    else rows.push(...rendered);
  }
  const allowed_mentions = { parse: [] as [], users: ping ? [...pings] : [] };
  if (message.layout === "card") {
    let text = lines.join("\n");
    if (text.length > discordLimits.cardTextChars)
      text = `${text.slice(0, discordLimits.cardTextChars - 1)}…`;
    return {
      flags: MessageFlags.IsComponentsV2,
      components: [
        {
          type: ComponentType.Container,
          components: [
            { type: ComponentType.TextDisplay, content: text.trim() === "" ? "\u200b" : text },
            ...rows.slice(0, discordLimits.rowsPerMessage),
          ],
        },
      ],
      allowed_mentions,
    };
  }
  let content = lines.join("\n");
  if (content.length > discordLimits.contentChars)
    content = `${content.slice(0, discordLimits.contentChars - 1)}…`;
  if (content.trim() === "" && rows.length === 0) content = "\u200b";
  return { content, components: rows.slice(0, discordLimits.rowsPerMessage), allowed_mentions };
}

function renderBlock(block: Block, pings: Set<string>): string | ButtonRow[] {
  switch (block.type) {
    case "line":
      return renderInline(block.inline, pings);
    case "markdown":
      return modelMarkdown(block.text);
    case "code":
      return codeBlock(block.text, block.language);
    case "quote":
      return quotePlain(`${block.label ?? ""}${block.text}`);
    case "context":
      return renderInline(block.inline, pings)
        .split("\n")
        .map((l) => `-# ${l}`)
        .join("\n");
    case "buttons": {
      const rows: ButtonRow[] = [];
      for (let i = 0; i < block.buttons.length; i += discordLimits.buttonsPerRow) {
        rows.push({
          type: ComponentType.ActionRow,
          components: block.buttons.slice(i, i + discordLimits.buttonsPerRow).map(renderButton),
        });
      }
      return rows;
    }
  }
}

function renderButton(button: Button): APIButtonComponentWithCustomId {
  return {
    type: ComponentType.Button,
    style:
      button.style === "primary"
        ? ButtonStyle.Primary
        : button.style === "danger"
          ? ButtonStyle.Danger
          : ButtonStyle.Secondary,
    label: button.label.slice(0, discordLimits.buttonLabelChars),
    custom_id: buttonId(button),
  };
}

export function renderModal(modal: Modal): DiscordModal {
  return {
    custom_id: modalId(modal),
    title: modal.title.slice(0, discordLimits.modalTitleChars),
    components: modal.fields.slice(0, 5).map(renderField),
  };
}

/** Discord's radio groups take 2 to 10 options and string selects up to 25 (Components reference). */
const radioOptions = { min: 2, max: 10 };
const selectOptions = 25;

/**
 * One form field: a yes/no field is a checkbox, a choice a radio group (or a select beyond ten
 * options), each in a label; free text is a text input, in its own row as the bridge always sent it.
 */
function renderField(field: ModalField): ModalRow {
  const label = field.label.slice(0, 45);
  const required = !(field.optional ?? false);
  const options = field.options ?? [];
  if (field.boolean) {
    return {
      type: ComponentType.Label,
      label,
      component: { type: ComponentType.Checkbox, custom_id: field.id },
    };
  }
  if (options.length >= radioOptions.min && options.length <= selectOptions) {
    const choices = options.map((o) => ({ label: o.slice(0, 100), value: o.slice(0, 100) }));
    return {
      type: ComponentType.Label,
      label,
      component:
        options.length <= radioOptions.max
          ? { type: ComponentType.RadioGroup, custom_id: field.id, options: choices, required }
          : {
              type: ComponentType.StringSelect,
              custom_id: field.id,
              options: choices,
              required,
              min_values: required ? 1 : 0,
              max_values: 1,
            },
    };
  }
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.TextInput,
        custom_id: field.id,
        label,
        style: field.multiline ? TextInputStyle.Paragraph : TextInputStyle.Short,
        required,
        ...(field.maxLength ? { max_length: Math.min(field.maxLength, 4000) } : {}),
        // A choice Discord cannot list (one option, or too many) lists them in the placeholder.
        ...(options.length > 0
          ? { placeholder: `One of: ${options.join(", ")}`.slice(0, 100) }
          : field.placeholder
            ? { placeholder: field.placeholder.slice(0, 100) }
            : {}),
      },
    ],
  };
}

/** A thread name from a prompt: first line, trimmed to Discord's limit. */
export function threadName(prompt: string): string {
  const first = (prompt.split("\n")[0] ?? "").replace(/<@!?\d+>/g, "").trim();
  const name = first.length > 0 ? first : "Copilot session";
  return name.length > discordLimits.threadNameChars
    ? `${name.slice(0, discordLimits.threadNameChars - 1)}…`
    : name;
}

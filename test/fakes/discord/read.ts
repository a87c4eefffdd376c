/**
 * Reading a stored message the way a person sees it, classic or Components V2 alike: its text and
 * its buttons. Classic messages keep `content` and `components` (action rows) as sent, so the older
 * `m.content` / `m.components[i].components` readers still work for them.
 */
import { buttonsIn, IS_COMPONENTS_V2, textDisplays } from "./components.js";
import type { DiscordMessage } from "./types.js";

/** A button as a person sees it. */
export interface ShownButton {
  label?: string;
  custom_id?: string;
  /** Link buttons (style 5). */
  url?: string;
  style: number;
  disabled: boolean;
  /** The component id (filled in for Components V2 messages). */
  id?: number;
}

/** What a person sees of a message. */
export interface ShownMessage {
  /** Whether it is a Components V2 message (flags & 1 << 15). */
  v2: boolean;
  /** Classic: the content. V2: every text display (in sections and containers too), "\n"-joined. */
  text: string;
  /** The text displays one by one (empty for a classic message). */
  texts: string[];
  /** Every button, in reading order (action rows at any depth, section accessories). */
  buttons: ShownButton[];
  /** Button labels, in reading order (unlabelled ones as ""). */
  labels: string[];
}

export function isComponentsV2(m: Pick<DiscordMessage, "flags">): boolean {
  return ((m.flags ?? 0) & IS_COMPONENTS_V2) !== 0;
}

/** The message's text: its content, or for a Components V2 message its text displays joined by "\n". */
export function messageText(m: Pick<DiscordMessage, "flags" | "content" | "components">): string {
  return isComponentsV2(m) ? textDisplays(m.components).join("\n") : m.content;
}

/** Every button of the message, wherever it sits. */
export function messageButtons(m: Pick<DiscordMessage, "components">): ShownButton[] {
  return buttonsIn(m.components).map((b) => ({
    ...(typeof b.label === "string" ? { label: b.label } : {}),
    ...(typeof b.custom_id === "string" ? { custom_id: b.custom_id } : {}),
    ...(typeof b.url === "string" ? { url: b.url } : {}),
    style: typeof b.style === "number" ? b.style : 0,
    disabled: b.disabled === true,
    ...(typeof b.id === "number" ? { id: b.id } : {}),
  }));
}

/** The button labelled `label`, if any. */
export function buttonByLabel(m: Pick<DiscordMessage, "components">, label: string): ShownButton | undefined {
  return messageButtons(m).find((b) => b.label === label);
}

export function readMessage(m: Pick<DiscordMessage, "flags" | "content" | "components">): ShownMessage {
  const v2 = isComponentsV2(m);
  const buttons = messageButtons(m);
  return {
    v2,
    text: messageText(m),
    texts: v2 ? textDisplays(m.components) : [],
    buttons,
    labels: buttons.map((b) => b.label ?? ""),
  };
}

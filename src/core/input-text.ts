import type { ActionEvent, CommandEvent, ModalSubmitEvent, ThreadMessageEvent } from "./ports/chat.js";

/**
 * Text people send, made safe to forward: a lone UTF-16 surrogate cannot be encoded (the runtime
 * hung for 30 s on one and lost the message), so it becomes U+FFFD; control characters other than
 * tab and newline are dropped (a carriage return becomes a newline); and text with nothing visible
 * in it (whitespace, zero-width and format characters, variation selectors) counts as empty.
 */
export function cleanInput(text: string): string {
  const cleaned = text
    // In a `u` regex a surrogate pair is one code point, so \p{Cs} matches only lone surrogates.
    .replace(/\p{Cs}/gu, "\ufffd")
    .replace(/\r\n?/g, "\n")
    // C0 controls but tab (09) and newline (0A), DEL, and the C1 controls.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are the point
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "");
  return invisible.test(cleaned) ? "" : cleaned;
}

/** Nothing a reader could see: whitespace, default-ignorable code points (zero-width characters,
 * joiners, bidi marks, the BOM, fillers), other format characters and variation selectors. */
const invisible = /^[\s\p{Default_Ignorable_Code_Point}\p{Cf}\p{Variation_Selector}]*$/u;

/** A command or thread message with its text cleaned; other events as they are. */
export function cleanEvent(
  event: CommandEvent | ThreadMessageEvent | ActionEvent,
): CommandEvent | ThreadMessageEvent | ActionEvent {
  return event.type === "action" ? event : { ...event, text: cleanInput(event.text) };
}

/** A modal submission with every field value cleaned. */
export function cleanModal(event: ModalSubmitEvent): ModalSubmitEvent {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.values)) values[key] = cleanInput(value);
  return { ...event, values };
}

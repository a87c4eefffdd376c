import type { ModalData } from "discord.js";

/**
 * A submitted form field as the text the core reads: a text input's value, a radio group's or a
 * single select's choice, `yes`/`no` for a checkbox, and the choices of a multiple one joined by
 * commas. Nothing chosen reads as empty (a required field is then reported by the core).
 */
export function fieldText(field: ModalData): string | undefined {
  if ("value" in field) {
    if (typeof field.value === "boolean") return field.value ? "yes" : "no";
    return field.value ?? "";
  }
  if ("values" in field) return field.values.join(",");
  return undefined;
}

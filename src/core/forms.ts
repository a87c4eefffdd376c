import type { ModalField } from "./types.js";
import type { FormField, FormValue } from "./vocabulary/prompt.js";

const truthy = new Set(["yes", "y", "true", "1", "on"]);
const falsy = new Set(["no", "n", "false", "0", "off"]);

/** The modal fields for a form: enums and booleans as choices, the rest as text. */
export function modalFields(fields: readonly FormField[]): ModalField[] {
  return fields.map((f) => {
    const hint = f.type === "number" || f.type === "integer" ? ` (${f.type})` : "";
    const base = { id: f.name, label: `${f.title}${hint}`.slice(0, 45), optional: !f.required };
    if (f.type === "enum") return { ...base, options: f.options ?? [] };
    if (f.type === "boolean") return { ...base, options: ["yes", "no"], boolean: true };
    return { ...base, ...(f.description ? { placeholder: f.description.slice(0, 100) } : {}) };
  });
}

/** Checks submitted text against the form; typed values, or an error per field a person can fix. */
export function readForm(
  fields: readonly FormField[],
  values: Record<string, string>,
): { content: Record<string, FormValue> } | { errors: Record<string, string> } {
  const content: Record<string, FormValue> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const raw = (values[f.name] ?? "").trim();
    if (raw === "") {
      if (f.required) errors[f.name] = `${f.title} is required.`;
      continue;
    }
    switch (f.type) {
      case "string":
        content[f.name] = raw;
        break;
      case "number":
      case "integer": {
        const n = Number(raw);
        if (!Number.isFinite(n) || (f.type === "integer" && !Number.isInteger(n))) {
          errors[f.name] = `${f.title} must be ${f.type === "integer" ? "a whole number" : "a number"}.`;
        } else content[f.name] = n;
        break;
      }
      case "boolean":
        if (truthy.has(raw.toLowerCase())) content[f.name] = true;
        else if (falsy.has(raw.toLowerCase())) content[f.name] = false;
        else errors[f.name] = `${f.title} must be yes or no.`;
        break;
      case "enum": {
        const match = f.options?.find((o) => o.toLowerCase() === raw.toLowerCase());
        if (match === undefined)
          errors[f.name] = `${f.title} must be one of: ${(f.options ?? []).join(", ")}.`;
        else content[f.name] = match;
        break;
      }
    }
  }
  return Object.keys(errors).length > 0 ? { errors } : { content };
}

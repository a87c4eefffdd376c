import type { FormField } from "../core/vocabulary/prompt.js";

/**
 * Reads an elicitation's JSON schema into form fields. Forms are flat objects of scalars; anything a
 * chat form cannot express (nested objects, arrays, url mode, too many fields) is reported instead.
 */
export function formFromSchema(
  schema: unknown,
  maxFields: number,
): { fields: FormField[]; unsupported?: string } {
  const s = schema as { type?: string; properties?: Record<string, unknown>; required?: unknown } | undefined;
  if (s?.type !== "object" || !s.properties || typeof s.properties !== "object") {
    return { fields: [], unsupported: "This request has no form the bridge can show, so it was declined." };
  }
  const required = new Set(Array.isArray(s.required) ? s.required.filter((r) => typeof r === "string") : []);
  const fields: FormField[] = [];
  for (const [name, raw] of Object.entries(s.properties)) {
    const p = raw as { type?: string; title?: string; description?: string; enum?: unknown; oneOf?: unknown };
    const base = {
      name,
      title: typeof p.title === "string" && p.title ? p.title : name,
      required: required.has(name),
      ...(typeof p.description === "string" ? { description: p.description } : {}),
    };
    const options = Array.isArray(p.enum)
      ? p.enum.filter((o): o is string => typeof o === "string")
      : Array.isArray(p.oneOf)
        ? p.oneOf
            .map((o) => (o as { const?: unknown }).const)
            .filter((o): o is string => typeof o === "string")
        : [];
    if (options.length > 0) fields.push({ ...base, type: "enum", options });
    else if (p.type === "string" || p.type === "number" || p.type === "integer" || p.type === "boolean") {
      fields.push({ ...base, type: p.type });
    } else {
      return {
        fields: [],
        unsupported: `The field "${name}" (${p.type ?? "unknown type"}) cannot be shown in a chat form, so the request was declined.`,
      };
    }
  }
  if (fields.length === 0) return { fields, unsupported: "This form has no fields, so it was declined." };
  if (fields.length > maxFields) {
    return {
      fields: [],
      unsupported: `This form has ${fields.length} fields; a chat form holds at most ${maxFields}, so it was declined.`,
    };
  }
  return { fields };
}

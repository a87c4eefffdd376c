/** Reading request bodies the way Discord accepts them: JSON, or multipart with payload_json + files[n]. */
export { readBody } from "../base.js";

import type { RestFile } from "./types.js";

export interface ParsedBody {
  // biome-ignore lint/suspicious/noExplicitAny: request JSON as the client sent it
  body: any;
  files: RestFile[];
}

export class BodyError extends Error {}

/**
 * JSON bodies are parsed as they are; multipart bodies give `payload_json` (or loose fields) as the
 * body and every file part as a RestFile. Parsed with the platform's own multipart parser.
 */
export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (raw.length === 0) return { body: undefined, files: [] };
  if (type === "multipart/form-data" && contentType !== undefined) {
    const form = await new Response(new Uint8Array(raw), {
      headers: { "content-type": contentType },
    }).formData();
    const files: RestFile[] = [];
    // biome-ignore lint/suspicious/noExplicitAny: loose multipart fields
    let body: any = {};
    for (const [field, value] of form.entries()) {
      if (typeof value === "string") {
        if (field === "payload_json") body = { ...body, ...(parseJson(value) as object) };
        else body[field] = value;
      } else {
        const bytes = Buffer.from(await value.arrayBuffer());
        files.push({ name: value.name, bytes, field, ...(value.type ? { contentType: value.type } : {}) });
      }
    }
    return { body, files };
  }
  return { body: parseJson(raw.toString("utf8")), files: [] };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError("The request body contains invalid JSON.");
  }
}

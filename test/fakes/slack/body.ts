/** Reading and decoding HTTP request bodies the way Slack's servers accept them. */
export { readBody } from "../base.js";

/** Form fields web-api JSON-encodes when it form-encodes a call; parsed back into objects. */
const JSON_FIELDS = new Set([
  "blocks",
  "attachments",
  "view",
  "files",
  "metadata",
  "file_uploads",
  "unfurls",
  "user_auth_blocks",
  "channels",
  // chat.startStream / appendStream / stopStream, assistant.threads.setStatus
  "chunks",
  "loading_messages",
]);

function decodeField(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  const first = value.trimStart()[0];
  if (first !== "[" && first !== "{") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Parses a multipart/form-data body with the platform's own parser (undici's FormData). */
export async function parseMultipart(raw: Buffer, contentType: string): Promise<FormData> {
  return new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
}

/**
 * Decodes a Web API request body: form-encoded (what web-api sends), JSON, or multipart.
 * Files in multipart bodies become Buffers.
 */
export async function parseArgs(
  raw: Buffer,
  contentType: string | undefined,
): Promise<Record<string, unknown>> {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const args: Record<string, unknown> = {};
  if (type === "application/json") {
    if (raw.length === 0) return args;
    const parsed: unknown = JSON.parse(raw.toString("utf8"));
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
    throw new Error("JSON body must be an object");
  }
  if (type === "multipart/form-data" && contentType !== undefined) {
    const form = await parseMultipart(raw, contentType);
    for (const [key, value] of form.entries()) {
      args[key] =
        typeof value === "string" ? decodeField(key, value) : Buffer.from(await value.arrayBuffer());
    }
    return args;
  }
  // application/x-www-form-urlencoded, and Slack is lenient about a missing content type.
  for (const [key, value] of new URLSearchParams(raw.toString("utf8"))) {
    args[key] = decodeField(key, value);
  }
  return args;
}

import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Completion } from "./types.js";

const MODEL = "fake-model";

/** Split text into at most n non-empty pieces of near-equal length (code points, not UTF-16 units). */
export function splitText(text: string, n: number): string[] {
  const cps = Array.from(text);
  const count = Math.max(1, Math.min(Math.floor(n) || 1, cps.length));
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(
      cps.slice(Math.floor((i * cps.length) / count), Math.floor(((i + 1) * cps.length) / count)).join(""),
    );
  }
  return out.filter((p) => p !== "");
}

function usage(c: Completion) {
  const completion = Math.max(1, Math.ceil(c.text.length / 4));
  return { prompt: 10, completion, total: 10 + completion };
}

function sse(res: ServerResponse, data: unknown, event?: string): void {
  if (res.destroyed || res.writableEnded) return;
  res.write(`${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`);
}

function startSse(res: ServerResponse): void {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  res.flushHeaders();
}

async function pause(c: Completion, signal: AbortSignal): Promise<void> {
  if (c.chunkDelayMs > 0) await sleep(c.chunkDelayMs, undefined, { signal });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  const type =
    status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
  json(res, status, { error: { message, type, code: type, param: null } });
}

// ---------------------------------------------------------------- Chat Completions

/** Non-streamed `chat.completion`, or streamed `chat.completion.chunk`s ending in `data: [DONE]`. */
export async function writeChat(
  res: ServerResponse,
  c: Completion,
  stream: boolean,
  id: string,
  signal: AbortSignal,
): Promise<void> {
  const created = Math.floor(Date.now() / 1000);
  const u = usage(c);
  const usageObj = { prompt_tokens: u.prompt, completion_tokens: u.completion, total_tokens: u.total };
  const finish = c.toolCalls.length > 0 ? "tool_calls" : "stop";
  const toolCalls = c.toolCalls.map((t) => ({
    id: t.id,
    type: "function",
    function: { name: t.name, arguments: t.arguments },
  }));
  if (!stream) {
    const message = {
      role: "assistant",
      content: c.text || null,
      ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
    };
    json(res, 200, {
      id,
      object: "chat.completion",
      created,
      model: MODEL,
      choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
      usage: usageObj,
    });
    return;
  }
  const chunk = (delta: unknown, finish_reason: string | null = null, extra: object = {}) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model: MODEL,
    choices: [{ index: 0, delta, finish_reason, logprobs: null }],
    ...extra,
  });
  startSse(res);
  let first = true;
  for (const piece of splitText(c.text, c.chunks)) {
    await pause(c, signal);
    sse(res, chunk(first ? { role: "assistant", content: piece } : { content: piece }));
    first = false;
  }
  c.toolCalls.forEach((t, index) => {
    const head = { index, id: t.id, type: "function", function: { name: t.name, arguments: "" } };
    sse(res, chunk({ ...(first ? { role: "assistant", content: null } : {}), tool_calls: [head] }));
    first = false;
    for (const part of splitText(t.arguments, 2))
      sse(res, chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
  });
  await pause(c, signal);
  sse(res, chunk(first ? { role: "assistant", content: "" } : {}, finish));
  sse(res, { id, object: "chat.completion.chunk", created, model: MODEL, choices: [], usage: usageObj });
  if (!res.destroyed) res.end("data: [DONE]\n\n");
}

// ---------------------------------------------------------------- Responses API

/** Non-streamed `response` object, or the streamed `response.*` event sequence. */
export async function writeResponses(
  res: ServerResponse,
  c: Completion,
  stream: boolean,
  id: string,
  signal: AbortSignal,
): Promise<void> {
  const u = usage(c);
  const base = {
    id: `resp_${id}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    model: MODEL,
    error: null,
    incomplete_details: null,
    parallel_tool_calls: true,
    tool_choice: "auto",
    tools: [],
  };
  const msgId = `msg_${id}`;
  const textPart = { type: "output_text", text: c.text, annotations: [] };
  const output: Record<string, unknown>[] = [];
  if (c.text)
    output.push({ id: msgId, type: "message", status: "completed", role: "assistant", content: [textPart] });
  for (const t of c.toolCalls) {
    output.push({
      id: `fc_${t.id}`,
      type: "function_call",
      status: "completed",
      call_id: t.id,
      name: t.name,
      arguments: t.arguments,
    });
  }
  const done = {
    ...base,
    status: "completed",
    output,
    output_text: c.text,
    usage: {
      input_tokens: u.prompt,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: u.completion,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: u.total,
    },
  };
  if (!stream) {
    json(res, 200, done);
    return;
  }
  let seq = 0;
  const ev = (type: string, data: object) => sse(res, { type, sequence_number: seq++, ...data }, type);
  startSse(res);
  ev("response.created", { response: { ...base, status: "in_progress", output: [] } });
  ev("response.in_progress", { response: { ...base, status: "in_progress", output: [] } });
  let oi = 0;
  if (c.text) {
    const item = { id: msgId, type: "message", status: "in_progress", role: "assistant", content: [] };
    ev("response.output_item.added", { output_index: oi, item });
    const where = { item_id: msgId, output_index: oi, content_index: 0 };
    ev("response.content_part.added", { ...where, part: { ...textPart, text: "" } });
    for (const delta of splitText(c.text, c.chunks)) {
      await pause(c, signal);
      ev("response.output_text.delta", { ...where, delta, logprobs: [] });
    }
    ev("response.output_text.done", { ...where, text: c.text, logprobs: [] });
    ev("response.content_part.done", { ...where, part: textPart });
    ev("response.output_item.done", { output_index: oi, item: output[oi] });
    oi++;
  }
  for (const t of c.toolCalls) {
    const itemId = `fc_${t.id}`;
    const item = {
      id: itemId,
      type: "function_call",
      status: "in_progress",
      call_id: t.id,
      name: t.name,
      arguments: "",
    };
    ev("response.output_item.added", { output_index: oi, item });
    for (const delta of splitText(t.arguments, 2)) {
      ev("response.function_call_arguments.delta", { item_id: itemId, output_index: oi, delta });
    }
    ev("response.function_call_arguments.done", {
      item_id: itemId,
      output_index: oi,
      arguments: t.arguments,
    });
    ev("response.output_item.done", { output_index: oi, item: output[oi] });
    oi++;
  }
  await pause(c, signal);
  ev("response.completed", { response: done });
  if (!res.destroyed) res.end();
}

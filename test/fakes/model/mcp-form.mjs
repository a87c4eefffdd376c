#!/usr/bin/env node
/**
 * Minimal MCP stdio server (no dependencies) with one tool, `elicit`, that forwards its arguments
 * as an MCP `elicitation/create` request to the client (the Copilot runtime) and returns the
 * user's answer as JSON text. The runtime turns that request into an `elicitation.requested`
 * session event. Used by the fake model's `FORM:` rule; see README.md.
 *
 * Tool arguments: { message: string, requestedSchema: { type: "object", properties, required? } }.
 * Result text: JSON of the elicitation result, e.g. {"action":"accept","content":{"name":"x"}}.
 */
import { createInterface } from "node:readline";

const PROTOCOL = "2025-06-18";
let nextId = 1;
const waiting = new Map();

const send = (msg) => process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", ...msg })}\n`);

function request(method, params) {
  const id = `srv-${nextId++}`;
  send({ id, method, params });
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}

const TOOL = {
  name: "elicit",
  description: "Show the user a form (MCP elicitation) and return what they entered.",
  inputSchema: {
    type: "object",
    properties: {
      message: { type: "string", description: "What the form is for." },
      requestedSchema: { type: "object", description: "Flat JSON schema of the form's fields." },
    },
    required: ["message", "requestedSchema"],
  },
};

async function callTool(params) {
  if (params?.name !== TOOL.name) throw new Error(`unknown tool ${params?.name}`);
  const { message, requestedSchema } = params.arguments ?? {};
  try {
    const result = await request("elicitation/create", { message, requestedSchema });
    return { content: [{ type: "text", text: JSON.stringify(result) }] };
  } catch (err) {
    return { content: [{ type: "text", text: `elicitation failed: ${err.message}` }], isError: true };
  }
}

async function handle(msg) {
  switch (msg.method) {
    case "initialize":
      return {
        protocolVersion: msg.params?.protocolVersion ?? PROTOCOL,
        capabilities: { tools: {} },
        serverInfo: { name: "fake-form", version: "1.0.0" },
      };
    case "ping":
      return {};
    case "tools/list":
      return { tools: [TOOL] };
    case "tools/call":
      return callTool(msg.params);
    default:
      throw Object.assign(new Error(`method not found: ${msg.method}`), { code: -32601 });
  }
}

createInterface({ input: process.stdin }).on("line", (line) => {
  if (!line.trim()) return;
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    return;
  }
  if (msg.method === undefined) {
    // A response to one of our requests.
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.error) w.reject(new Error(msg.error.message ?? "error"));
    else w.resolve(msg.result);
    return;
  }
  if (msg.id === undefined) return; // notification
  handle(msg).then(
    (result) => send({ id: msg.id, result }),
    (err) => send({ id: msg.id, error: { code: err.code ?? -32603, message: err.message } }),
  );
});
process.stdin.on("end", () => process.exit(0));

/**
 * Scripted OpenAI-compatible model server for driving the real Copilot runtime through BYOK.
 *
 *   const fake = await FakeModel.start();
 *   const session = await client.createSession({ ...fake.sessionConfig(), onPermissionRequest });
 *
 * Serves POST /v1/chat/completions (default wire API) and POST /v1/responses
 * (`provider.wireApi: "responses"`), streamed (SSE) or not. Every other route answers 404 JSON.
 * Replies come from the responder, else from the default rules in rules.ts (see README.md).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { defaultReply, fromChatMessages, fromResponsesInput } from "./rules.js";
import type { ChatToolCall, Completion, ModelRequest, Reply, Responder, Wire } from "./types.js";
import { sendError, writeChat, writeResponses } from "./wire.js";

export {
  AUTOPILOT_NUDGE,
  defaultReply,
  formArgs,
  longText,
  planPath,
  sessionCwd,
  userText,
  userTurns,
} from "./rules.js";
export type {
  ChatMessage,
  ChatToolCall,
  ModelRequest,
  Reply,
  Responder,
  ToolCallSpec,
  Wire,
} from "./types.js";

const CHAT = "/v1/chat/completions";
const RESPONSES = "/v1/responses";

/** Path of the dependency-free MCP stdio server whose `elicit` tool raises an MCP elicitation. */
export const FORM_MCP_SERVER = fileURLToPath(new URL("./mcp-form.mjs", import.meta.url));

/**
 * `mcpServers` entry for the fake form server (used by the `FORM:` rule): the model sees its tool
 * as `<name>-elicit`. Spread it into a session config: `mcpServers: formMcpServer()`.
 */
export function formMcpServer(
  name = "fakeform",
): Record<string, { type: "stdio"; command: string; args: string[]; tools: string[] }> {
  return { [name]: { type: "stdio", command: process.execPath, args: [FORM_MCP_SERVER], tools: ["*"] } };
}

export class FakeModel {
  readonly baseUrl: string;
  readonly requests: ModelRequest[] = [];
  private responder: Responder | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly abort = new AbortController();
  private callSeq = 0;

  private constructor(
    private readonly server: Server,
    responder: Responder | undefined,
  ) {
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}/v1`;
    this.responder = responder;
  }

  static async start(opts: { responder?: Responder } = {}): Promise<FakeModel> {
    let self: FakeModel | undefined;
    const server = createServer((req, res) => {
      self?.handle(req, res).catch((err: unknown) => {
        // 400, not 500: the runtime retries 5xx for ~15 s before giving up.
        if (!res.headersSent) sendError(res, 400, `fake model crashed: ${String(err)}`);
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    self = new FakeModel(server, opts.responder);
    return self;
  }

  setResponder(r: Responder | undefined): void {
    this.responder = r;
  }

  /** Resolves once at least n requests have arrived (counting from the start). */
  waitForRequests(n: number, timeoutMs = 10_000): Promise<void> {
    if (this.requests.length >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.requests.length < n) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`FakeModel: ${this.requests.length}/${n} requests after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Closes the server, cuts open streams and cancels pending stalls/delays. */
  async stop(): Promise<void> {
    this.abort.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  sessionConfig(): {
    model: string;
    provider: { type: "openai"; baseUrl: string; apiKey: string };
    streaming: boolean;
  } {
    // Not "x": the runtime masks the API key's text in resumed tool output ("exit" became "e******it").
    const provider = { type: "openai" as const, baseUrl: this.baseUrl, apiKey: "fake-model-key" };
    return { model: "fake-model", provider, streaming: true };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const raw = await readBody(req);
    if (req.method !== "POST" || (path !== CHAT && path !== RESPONSES)) {
      sendError(res, 404, `fake model: no route ${req.method} ${path}`);
      return;
    }
    let body: Wire;
    try {
      body = JSON.parse(raw);
    } catch {
      sendError(res, 400, "fake model: body is not JSON");
      return;
    }
    const isChat = path === CHAT;
    const request: ModelRequest = {
      body,
      messages: isChat
        ? fromChatMessages(body?.messages)
        : fromResponsesInput(body?.instructions, body?.input),
      tools: toolNames(body?.tools),
      stream: body?.stream === true,
      at: Date.now(),
      path,
      headers: { ...req.headers },
    };
    const index = this.requests.push(request) - 1;
    for (const w of [...this.waiters]) w();

    const gone = new AbortController();
    res.on("close", () => gone.abort());
    const signal = AbortSignal.any([this.abort.signal, gone.signal]);
    let reply: Reply = this.responder?.(request, index) ?? defaultReply(request);
    try {
      while ("stallMs" in reply) {
        await sleep(reply.stallMs, undefined, { signal });
        reply = reply.then;
      }
      if ("error" in reply) {
        sendError(res, reply.error, reply.message ?? `fake model error ${reply.error}`);
        return;
      }
      const completion = this.toCompletion(reply);
      const id = `fake${index}`;
      if (isChat) await writeChat(res, completion, request.stream, `chatcmpl-${id}`, signal);
      else await writeResponses(res, completion, request.stream, id, signal);
    } catch (err) {
      if (signal.aborted) {
        res.destroy();
        return;
      }
      throw err;
    }
  }

  private toCompletion(reply: Exclude<Reply, { stallMs: number } | { error: number }>): Completion {
    const call = (tool: string, args: Record<string, unknown>): ChatToolCall => ({
      id: `call_${++this.callSeq}`,
      name: tool,
      arguments: JSON.stringify(args),
    });
    if ("tools" in reply) {
      return {
        text: "",
        toolCalls: reply.tools.map((t) => call(t.tool, t.args)),
        chunks: 1,
        chunkDelayMs: 0,
      };
    }
    if ("tool" in reply) {
      return {
        text: reply.text ?? "",
        toolCalls: [call(reply.tool, reply.args)],
        chunks: 1,
        chunkDelayMs: 0,
      };
    }
    return {
      text: reply.text,
      toolCalls: [],
      chunks: reply.chunks ?? 3,
      chunkDelayMs: reply.chunkDelayMs ?? 0,
    };
  }
}

function toolNames(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  return tools
    .map((t: Wire) => String(t?.function?.name ?? t?.name ?? t?.type ?? ""))
    .filter((n) => n !== "");
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

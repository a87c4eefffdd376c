/** A tool call as the model emitted it (normalised from either wire format). */
export interface ChatToolCall {
  id: string;
  name: string;
  /** JSON text, exactly as sent on the wire. */
  arguments: string;
}

/**
 * One conversation message, normalised from Chat Completions `messages` or Responses `input`.
 * `content` is always a string (text parts joined with "\n").
 */
export interface ChatMessage {
  role: "system" | "developer" | "user" | "assistant" | "tool" | (string & {});
  content: string;
  /** assistant messages: the tool calls the model made. */
  toolCalls?: ChatToolCall[];
  /** tool messages: which call this answers, and that call's tool name (resolved from history). */
  toolCallId?: string;
  toolName?: string;
}

/** Untyped JSON as it came off (or goes onto) the wire. */
// biome-ignore lint/suspicious/noExplicitAny: parsed request JSON is untyped by nature
export type Wire = any;

export interface ModelRequest {
  /** Parsed JSON request body, untouched. */
  body: Wire;
  messages: ChatMessage[];
  /** Names of the tools offered to the model. */
  tools: string[];
  stream: boolean;
  /** Date.now() when the request arrived. */
  at: number;
  /** "/v1/chat/completions" or "/v1/responses". */
  path: string;
  /** Lower-cased request headers (e.g. `x-initiator: user|agent`). */
  headers: Record<string, string | string[] | undefined>;
}

export interface ToolCallSpec {
  tool: string;
  args: Record<string, unknown>;
}

export type Reply =
  | { text: string; chunks?: number; chunkDelayMs?: number }
  | { tool: string; args: Record<string, unknown>; text?: string }
  | { tools: ToolCallSpec[] }
  | { error: number; message?: string }
  | { stallMs: number; then: Reply };

/** Return undefined to fall back to the default rules. `index` is the request's position in `requests`. */
export type Responder = (req: ModelRequest, index: number) => Reply | undefined;

/** What a wire encoder needs: a final, non-stalling, non-error reply. */
export interface Completion {
  text: string;
  toolCalls: ChatToolCall[];
  chunks: number;
  chunkDelayMs: number;
}

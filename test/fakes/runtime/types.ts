import type { MessageConnection } from "vscode-jsonrpc/node.js";

export type Params = Record<string, unknown>;

/** One request a client sent to the fake, in arrival order. */
export interface RuntimeCall {
  method: string;
  params: Params;
  /** Which client connection sent it (1 for the first accepted socket). */
  connection: number;
  at: number;
}

/** A session the fake knows: created or resumed by a client, or added with `addSession`. */
export interface FakeRuntimeSession {
  id: string;
  mode: string;
  workingDirectory: string | undefined;
  remote: boolean;
  /** Every event sent for it (well-formed or not), in order; what `session.getMessages` returns. */
  events: unknown[];
  /** Prompts received through `session.send`, in order. */
  prompts: string[];
}

/** A `session.send` being answered: the script emits the turn's events through it. */
export interface Turn {
  session: FakeRuntimeSession;
  prompt: string;
  messageId: string;
  /** A well-formed event: `{type, data, id, timestamp, parentId}`. */
  emit(type: string, data?: unknown, extra?: { ephemeral?: boolean }): void;
  /** Whatever `event` is (null, a string, an object without `type`…), sent as the notification's `event`. */
  emitRaw(event: unknown): void;
  /** `assistant.message {messageId, content}` (streamed as one delta first when `stream` is set). */
  reply(text: string, opts?: { stream?: boolean }): void;
  /** `session.idle {}`: the turn is over. */
  idle(): void;
}

/** Runs one turn. It starts after the `session.send` answer has been written, as the real runtime does. */
export type TurnScript = (turn: Turn) => void | Promise<void>;

/** Answers one request; throw a `ResponseError` for a JSON-RPC error. */
export type MethodHandler = (params: Params, ctx: { connection: number }) => unknown;

export interface FaultOptions {
  /** Only requests whose params match (default: every request of the method). */
  when?: (params: Params) => boolean;
  /** How many matching requests it applies to (default: all of them). */
  times?: number;
}

export type FaultAction =
  | { kind: "stall" }
  | { kind: "error"; code: number; message: string; data?: unknown }
  /** Destroys the connection the request came on, without answering. */
  | { kind: "drop" };

export interface Fault extends FaultOptions {
  method: string;
  action: FaultAction;
  /** How many requests it has hit so far. */
  hits: number;
}

/** A request held by a `stall` fault; `release` answers it as the fake normally would. */
export interface StalledCall extends RuntimeCall {
  release(): void;
}

export interface ClientConnection {
  id: number;
  rpc: MessageConnection;
  destroy(): void;
  /** Writes a raw frame (`Content-Length` header added) to the socket, bypassing JSON-RPC. */
  writeFrame(body: string): void;
  closed: boolean;
}

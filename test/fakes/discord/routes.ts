/** The REST route table's building blocks: request/reply shapes, pattern matching, Discord's error bodies. */
import type { GatewayServer } from "./gateway.js";
import type { Problems } from "./limits.js";
import type { DiscordState } from "./state.js";
import type { RestFile } from "./types.js";

export interface Ctx {
  state: DiscordState;
  gateway: GatewayServer;
  /** "http://127.0.0.1:PORT" */
  baseUrl: string;
}

export interface Req {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  // biome-ignore lint/suspicious/noExplicitAny: request JSON as the client sent it
  body: any;
  files: RestFile[];
}

export interface Reply {
  status: number;
  body?: unknown;
}

export type Handler = (req: Req, ctx: Ctx) => Reply;

export interface Route {
  method: string;
  /** "/channels/:channel/messages"; `:name` captures one segment. */
  pattern: string;
  /** Needs `Authorization: Bot <token>` (interaction callbacks and webhooks do not). */
  auth: boolean;
  handler: Handler;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent: Reply = { status: 204 };

export function apiError(status: number, code: number, message: string, errors?: unknown): Reply {
  return { status, body: { message, code, ...(errors !== undefined ? { errors } : {}) } };
}

export const invalidForm = (p: Problems): Reply => apiError(400, 50035, "Invalid Form Body", p.errors);
export const unknownChannel = (): Reply => apiError(404, 10003, "Unknown Channel");
export const unknownMessage = (): Reply => apiError(404, 10008, "Unknown Message");

/** Captured params, or undefined when the path does not fit the pattern. */
export function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    if (w.startsWith(":")) {
      if (g === "") return undefined;
      params[w.slice(1)] = decodeURIComponent(g);
    } else if (w !== g) return undefined;
  }
  return params;
}

/** Finds the route for a call: the route, 405 (path known, method not) or undefined (404). */
export function findRoute(
  routes: Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | "method" | undefined {
  let pathKnown = false;
  for (const route of routes) {
    const params = matchPattern(route.pattern, path);
    if (params === undefined) continue;
    if (route.method === method) return { route, params };
    pathKnown = true;
  }
  return pathKnown ? "method" : undefined;
}

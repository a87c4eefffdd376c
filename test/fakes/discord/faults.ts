/** Injected REST faults: "the next N calls matching route X fail like this", answered as Discord's edge does. */
import type { ServerResponse } from "node:http";
import { dropConnection, FaultQueue, upstreamError } from "../base.js";
import type { Fault } from "./types.js";

/**
 * A string route is "METHOD /path" or "/path" (any method); `:name` segments match one path
 * segment, "*" alone matches every call. A RegExp is tested against "METHOD /path" (real ids).
 */
export function routeMatches(route: string | RegExp, method: string, path: string): boolean {
  const line = `${method} ${path}`;
  if (route instanceof RegExp) return route.test(line);
  if (route === "*") return true;
  const space = route.indexOf(" ");
  const wantMethod = space > 0 ? route.slice(0, space).toUpperCase() : undefined;
  const pattern = space > 0 ? route.slice(space + 1).trim() : route.trim();
  if (wantMethod !== undefined && wantMethod !== method) return false;
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return false;
  return want.every((seg, i) => seg.startsWith(":") || seg === got[i]);
}

/** "The next `count` calls matching `route` get `fault`": `take(method, path)` serves them. */
export class Faults extends FaultQueue<Fault, string | RegExp, [method: string, path: string]> {
  constructor() {
    super(routeMatches);
  }
}

export function describeFault(fault: Fault): string {
  if ("drop" in fault) return "drop";
  if (fault.status === 429) return fault.global === true ? "429 global" : "429";
  return String(fault.status);
}

/** A stable fake bucket hash per route template. */
export function bucketFor(method: string, path: string): string {
  const template = `${method} ${path.replace(/\d{17,20}/g, ":id")}`;
  let h = 0;
  for (const ch of template) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `fake${h.toString(16).padStart(8, "0")}`;
}

/** The X-RateLimit headers Discord puts on ordinary answers (plenty remaining). */
export function okRateLimitHeaders(method: string, path: string): Record<string, string> {
  return {
    "x-ratelimit-limit": "5",
    "x-ratelimit-remaining": "4",
    "x-ratelimit-reset": ((Date.now() + 1000) / 1000).toFixed(3),
    "x-ratelimit-reset-after": "1.000",
    "x-ratelimit-bucket": bucketFor(method, path),
  };
}

/** Answers a request with the fault. */
export function applyFault(fault: Fault, res: ServerResponse, method: string, path: string): void {
  if ("drop" in fault) {
    dropConnection(res);
    return;
  }
  if (fault.status === 429) {
    const global = fault.global === true;
    const body = JSON.stringify({
      message: "You are being rate limited.",
      retry_after: fault.retryAfter,
      global,
    });
    const headers: Record<string, string | number> = {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "retry-after": String(fault.retryAfter),
      "x-ratelimit-scope": global ? "global" : "user",
    };
    if (global) headers["x-ratelimit-global"] = "true";
    else {
      Object.assign(headers, {
        "x-ratelimit-limit": "5",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": ((Date.now() + fault.retryAfter * 1000) / 1000).toFixed(3),
        "x-ratelimit-reset-after": fault.retryAfter.toFixed(3),
        "x-ratelimit-bucket": bucketFor(method, path),
      });
    }
    res.writeHead(429, headers);
    res.end(body);
    return;
  }
  upstreamError(res, fault.status, "text/html");
}

/** Injected Web API faults: "the next N calls of method X fail like this". */
import type { ServerResponse } from "node:http";
import type { Fault } from "./types.js";

interface Armed {
  method: string;
  fault: Fault;
  remaining: number;
}

export class Faults {
  private readonly armed: Armed[] = [];

  /** The next `count` calls of `method` ("*" = any method) get `fault`. Earlier arms are served first. */
  failNext(method: string, fault: Fault, count = 1): void {
    if (count > 0) this.armed.push({ method, fault, remaining: count });
  }

  /** Consumes and returns the fault for this call of `method`, if one is armed. */
  take(method: string): Fault | undefined {
    const index = this.armed.findIndex((a) => a.method === method || a.method === "*");
    const hit = this.armed[index];
    if (hit === undefined) return undefined;
    hit.remaining -= 1;
    if (hit.remaining <= 0) this.armed.splice(index, 1);
    return hit.fault;
  }

  clear(): void {
    this.armed.length = 0;
  }
}

/** Answers a request with the fault, the way Slack's edge would. */
export function applyFault(fault: Fault, res: ServerResponse, token?: string): void {
  if ("drop" in fault) {
    // Kill the TCP connection without an HTTP response: the client sees a network error.
    res.socket?.destroy();
    return;
  }
  if ("slowReplyMs" in fault) return; // not a failure: the Web API answers it, late
  if ("slackError" in fault) {
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    const echo = fault.echoToken
      ? { response_metadata: { messages: [`[ERROR] the token ${token ?? "(none)"} was refused`] } }
      : {};
    res.end(JSON.stringify({ ok: false, error: fault.slackError, ...echo }));
    return;
  }
  if (fault.status === 429) {
    res.writeHead(429, {
      "content-type": "application/json; charset=utf-8",
      "retry-after": String(fault.retryAfter),
    });
    res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
    return;
  }
  res.writeHead(fault.status, { "content-type": "text/html; charset=utf-8" });
  res.end(`<html><body>${fault.status} fake upstream error</body></html>`);
}

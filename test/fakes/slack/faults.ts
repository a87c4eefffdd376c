/** Injected Web API faults: "the next N calls of method X fail like this", or all of them until cleared. */
import type { ServerResponse } from "node:http";
import { dropConnection, FaultQueue, upstreamError } from "../base.js";
import type { Fault } from "./types.js";

/**
 * "The next `count` calls of `method` ("*" = any method) get `fault`": `take(method)` serves them.
 * `failAlways(method, fault)` arms a fault every call of `method` gets (after any queued ones) until
 * `failAlways(method, undefined)`: a workspace where, say, chat.startStream is not available.
 */
export class Faults extends FaultQueue<Fault, string, [method: string]> {
  private readonly always = new Map<string, Fault>();

  constructor() {
    super((armed, method) => armed === method || armed === "*");
  }

  failAlways(method: string, fault: Fault | undefined): void {
    if (fault === undefined) this.always.delete(method);
    else this.always.set(method, fault);
  }

  override take(method: string): Fault | undefined {
    return super.take(method) ?? this.always.get(method) ?? this.always.get("*");
  }
}

/** Answers a request with the fault, the way Slack's edge would. */
export function applyFault(fault: Fault, res: ServerResponse, token?: string): void {
  if ("drop" in fault) {
    dropConnection(res);
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
  upstreamError(res, fault.status, "text/html; charset=utf-8");
}

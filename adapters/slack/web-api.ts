/*
 * What the Web API client hands the bridge untyped, narrowed by guards rather than cast: the
 * arguments of its RATE_LIMITED event (its EventEmitter is keyed by a plain enum, so every listener
 * is typed `(...args: any[])`) and what a failed call throws (`unknown` in a catch).
 */

/** The call a RATE_LIMITED event is about: the seconds Slack asked to wait, the method and channel. */
export interface RateLimitedCall {
  seconds: number;
  method: string;
  channel: string | undefined;
}

/**
 * Reads the client's RATE_LIMITED event: it is emitted with the seconds to wait and the request,
 * `{ url, body }`, whose body holds the call's arguments.
 */
export function rateLimitedCall(seconds: unknown, request: unknown): RateLimitedCall | undefined {
  if (typeof seconds !== "number" || !isObject(request)) return undefined;
  const url = "url" in request && typeof request.url === "string" ? request.url : "";
  const body = "body" in request ? request.body : undefined;
  const channel =
    isObject(body) && "channel" in body && typeof body.channel === "string" ? body.channel : undefined;
  return { seconds, method: url.replace(/^.*\//, ""), channel };
}

/**
 * The code a failed call carries: Slack's own error (`channel_not_found`) for a call Slack refused,
 * else the client's (`slack_webapi_request_error`…).
 */
export function slackErrorCode(error: unknown): string | undefined {
  if (!isObject(error)) return undefined;
  if (
    "data" in error &&
    isObject(error.data) &&
    "error" in error.data &&
    typeof error.data.error === "string"
  ) {
    return error.data.error;
  }
  return "code" in error && typeof error.code === "string" ? error.code : undefined;
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

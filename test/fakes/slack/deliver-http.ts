/** HTTP mode: POSTs payloads to the app's request URL, signed the way Slack signs them. */
import { createHmac } from "node:crypto";
import { request } from "node:http";

export const FORM = "application/x-www-form-urlencoded";
export const JSON_TYPE = "application/json";

/** `v0=hex(HMAC_SHA256(secret, "v0:" + timestamp + ":" + body))` */
export function slackSignature(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface HttpReply {
  status: number;
  body: string;
}

export interface SignOptions {
  retryAttempt?: number;
  retryReason?: string;
  timestampSkewSeconds?: number;
  badSignature?: boolean;
}

/** The headers Slack sends with a delivery: content type, timestamp, signature, retry markers. */
export function signedHeaders(
  secret: string,
  contentType: string,
  body: string,
  o: SignOptions,
): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000) + (o.timestampSkewSeconds ?? 0));
  const headers: Record<string, string> = {
    "Content-Type": contentType,
    "X-Slack-Request-Timestamp": timestamp,
    "X-Slack-Signature": slackSignature(o.badSignature ? `${secret}-forged` : secret, timestamp, body),
    "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
  };
  if (o.retryAttempt !== undefined && o.retryAttempt > 0) {
    headers["X-Slack-Retry-Num"] = String(o.retryAttempt);
    headers["X-Slack-Retry-Reason"] = o.retryReason ?? "http_timeout";
  }
  return headers;
}

/** POSTs raw bytes (no connection reuse, so the app's server can close promptly). */
export function postRaw(
  target: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: "POST",
        agent: false,
        headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)), Connection: "close" },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", (error) => {
          clearTimeout(timer);
          reject(error);
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`FakeSlack: no HTTP response from ${target} within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(body);
  });
}

/** Parses an ack body: JSON if it is JSON, the raw text if not, undefined when empty. */
export function parseAckBody(body: string): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

/**
 * GitHub's answers to the device flow, the token endpoint and the REST API, checked with zod, and how
 * the bridge reads them: OAuth fields (JSON or form-encoded), OAuth errors, REST error messages, tokens.
 */
import { z } from "zod";
import type { HttpAnswer } from "./http.js";

const seconds = z.coerce.number().int().nonnegative();

export const deviceCodeAnswer = z.object({
  device_code: z.string().min(1),
  user_code: z.string().min(1),
  verification_uri: z.string().min(1),
  expires_in: seconds,
  interval: seconds,
});

export const tokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  scope: z.string().optional(),
  expires_in: seconds.optional(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: seconds.optional(),
});

const errorAnswer = z.object({
  error: z.string().min(1),
  error_description: z.string().optional(),
  interval: seconds.optional(),
});

const apiMessage = z.object({ message: z.string() });

export const userAnswer = z.object({
  login: z.string().min(1),
  id: z.number().int().positive(),
  name: z.string().nullable().optional(),
});

/** The fields of an OAuth answer: JSON (asked for), or form-encoded (GitHub's default). */
export function oauthFields(answer: HttpAnswer): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(answer.text);
    if (typeof json === "object" && json !== null && !Array.isArray(json)) return { ...json };
    return undefined;
  } catch {
    if (!/x-www-form-urlencoded/i.test(answer.contentType)) return undefined;
    return Object.fromEntries(new URLSearchParams(answer.text));
  }
}

/** GitHub's `message` from a REST error, or the status. */
export function apiDetail(answer: HttpAnswer): string {
  try {
    const parsed = apiMessage.safeParse(JSON.parse(answer.text));
    if (parsed.success) return `${answer.status} ${parsed.data.message}`;
  } catch {
    // not JSON: the status says it
  }
  return `HTTP ${answer.status}`;
}

export function oauthError(
  fields: Record<string, unknown> | undefined,
): z.output<typeof errorAnswer> | undefined {
  const parsed = errorAnswer.safeParse(fields);
  return parsed.success ? parsed.data : undefined;
}

export const FORM = { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" };

export function describe(e: z.output<typeof errorAnswer>): string {
  return e.error_description ? `${e.error}: ${e.error_description}` : e.error;
}

/** A user access token, with its refresh token and expiry times when the app issues expiring ones. */
export interface DeviceToken {
  accessToken: string;
  /** What GitHub granted (`repo,gist`; empty for GitHub Apps). */
  scope: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt?: number;
  refreshExpiresAt?: number;
}

export function tokenOf(t: z.output<typeof tokenAnswer>, at: number): DeviceToken {
  return {
    accessToken: t.access_token,
    scope: t.scope ?? "",
    ...(t.refresh_token === undefined ? {} : { refreshToken: t.refresh_token }),
    ...(t.expires_in === undefined ? {} : { expiresAt: at + t.expires_in * 1000 }),
    ...(t.refresh_token_expires_in === undefined
      ? {}
      : { refreshExpiresAt: at + t.refresh_token_expires_in * 1000 }),
  };
}

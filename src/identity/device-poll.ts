/** Polling GitHub's token endpoint with the device code until the person approves, denies or it expires. */
import { setTimeout as delay } from "node:timers/promises";
import {
  type DeviceToken,
  describe,
  FORM,
  oauthError,
  oauthFields,
  tokenAnswer,
  tokenOf,
} from "./answers.js";
import type { DeviceFlowStart } from "./device-start.js";
import { gitHubEndpoints } from "./endpoints.js";
import {
  type HttpAnswer,
  type HttpOptions,
  IdentityError,
  type IdentityHttp,
  scrub,
  withHttp,
} from "./http.js";

export const DEVICE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";
/** What RFC 8628 and GitHub add to the interval on every `slow_down`. */
export const SLOW_DOWN_SECONDS = 5;

/** What one poll got: GitHub's error code, or `token`. */
export interface ClientPoll {
  /** By `now`, when the answer came. */
  at: number;
  outcome: "authorization_pending" | "slow_down" | "expired_token" | "access_denied" | "token";
  /** Seconds the next poll waits. */
  interval: number;
}

export type PollResult =
  | { outcome: "approved"; token: DeviceToken; polls: number }
  /** The codes expired (GitHub said `expired_token`, or `expiresAt` passed): start again. */
  | { outcome: "expired"; polls: number }
  /** The person clicked Cancel (`access_denied`). */
  | { outcome: "denied"; polls: number }
  /** `signal` was aborted. */
  | { outcome: "cancelled"; polls: number };

export interface PollOptions extends HttpOptions {
  http?: IdentityHttp;
  signal?: AbortSignal;
  /** Epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Waits `ms` (rejecting when `signal` aborts). Default a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told about every poll's answer (never the token). */
  onPoll?: (poll: ClientPoll) => void;
}

const timerSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : {});

/**
 * Polls `POST /login/oauth/access_token` until GitHub issues a token, the codes expire, the person
 * denies, or `signal` aborts. Waits `interval` seconds before each poll; on `slow_down` the interval
 * grows by 5 s (or to GitHub's `interval`, if larger) for this and every later poll.
 */
export async function pollForToken(start: DeviceFlowStart, opts: PollOptions = {}): Promise<PollResult> {
  const ep = gitHubEndpoints(start.host);
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? timerSleep;
  const url = `${ep.web}/login/oauth/access_token`;
  const call = `POST ${url}`;
  const secrets = [start.deviceCode];
  const body = new URLSearchParams({
    client_id: start.clientId,
    device_code: start.deviceCode,
    grant_type: DEVICE_GRANT_TYPE,
  }).toString();
  const signal = opts.signal;
  let interval = start.interval;
  let polls = 0;
  const cancelled = (): PollResult => ({ outcome: "cancelled", polls });
  return withHttp(opts, async (http) => {
    for (;;) {
      if (signal?.aborted) return cancelled();
      if (now() + interval * 1000 >= start.expiresAt) return { outcome: "expired", polls };
      try {
        await sleep(interval * 1000, signal);
      } catch (err) {
        if (signal?.aborted) return cancelled();
        throw err;
      }
      if (signal?.aborted) return cancelled();
      let answer: HttpAnswer;
      try {
        answer = await http.send(
          { method: "POST", url, headers: FORM, body, ...(signal ? { signal } : {}) },
          secrets,
        );
      } catch (err) {
        if (signal?.aborted) return cancelled();
        throw err;
      }
      polls++;
      const at = now();
      const fields = oauthFields(answer);
      const token = tokenAnswer.safeParse(fields);
      if (token.success) {
        opts.onPoll?.({ at, outcome: "token", interval });
        return { outcome: "approved", token: tokenOf(token.data, at), polls };
      }
      const error = oauthError(fields);
      const fail = (code: string, message: string) =>
        new IdentityError(code, scrub(message, secrets), "POST", url, answer.status);
      if (!error) {
        throw answer.status === 200
          ? fail("malformed", `GitHub's answer is neither a token nor an error (${answer.status}; ${call})`)
          : fail("http", `GitHub refused the poll (HTTP ${answer.status}; ${call})`);
      }
      switch (error.error) {
        case "authorization_pending":
          opts.onPoll?.({ at, outcome: "authorization_pending", interval });
          continue;
        case "slow_down":
          interval = Math.max(interval + SLOW_DOWN_SECONDS, error.interval ?? 0);
          opts.onPoll?.({ at, outcome: "slow_down", interval });
          continue;
        case "expired_token":
          opts.onPoll?.({ at, outcome: "expired_token", interval });
          return { outcome: "expired", polls };
        case "access_denied":
          opts.onPoll?.({ at, outcome: "access_denied", interval });
          return { outcome: "denied", polls };
        default: {
          const hint =
            error.error === "device_flow_disabled"
              ? ": enable Device Flow in the app's settings on GitHub"
              : error.error === "incorrect_device_code"
                ? ": start the device flow again"
                : "";
          throw fail(error.error, `GitHub refused the device code (${describe(error)}; ${call})${hint}`);
        }
      }
    }
  });
}

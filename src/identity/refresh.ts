/** Refreshing an expiring user access token (GitHub's "Refreshing user access tokens"). */
import {
  type DeviceToken,
  describe,
  FORM,
  oauthError,
  oauthFields,
  tokenAnswer,
  tokenOf,
} from "./answers.js";
import { type ClientOptions, gitHubEndpoints } from "./endpoints.js";
import { IdentityError, scrub, withHttp } from "./http.js";

export interface RefreshOptions extends ClientOptions {
  clientId: string;
  /** Required unless the token came from the device flow (GitHub's rule). */
  clientSecret?: string;
  refreshToken: string;
}

/**
 * `grant_type=refresh_token`: a new access token and refresh token; the old pair stops working.
 * A refresh token that is wrong, used or expired is an IdentityError `bad_refresh_token` (link again).
 */
export async function refreshToken(opts: RefreshOptions): Promise<DeviceToken> {
  const ep = gitHubEndpoints(opts.host);
  const now = opts.now ?? Date.now;
  const url = `${ep.web}/login/oauth/access_token`;
  const call = `POST ${url}`;
  const secrets = [opts.refreshToken, opts.clientSecret ?? ""];
  const form = new URLSearchParams({
    client_id: opts.clientId,
    grant_type: "refresh_token",
    refresh_token: opts.refreshToken,
  });
  if (opts.clientSecret) form.set("client_secret", opts.clientSecret);
  const answer = await withHttp(opts, (http) =>
    http.send(
      {
        method: "POST",
        url,
        headers: FORM,
        body: form.toString(),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      secrets,
    ),
  );
  const at = now();
  const fields = oauthFields(answer);
  const token = tokenAnswer.safeParse(fields);
  if (token.success) return tokenOf(token.data, at);
  const fail = (code: string, message: string) =>
    new IdentityError(code, scrub(message, secrets), "POST", url, answer.status);
  const error = oauthError(fields);
  if (error?.error === "bad_refresh_token") {
    throw fail(
      "bad_refresh_token",
      `GitHub refused the refresh token (${describe(error)}; ${call}): the account must be linked again`,
    );
  }
  if (error) throw fail(error.error, `GitHub refused the refresh (${describe(error)}; ${call})`);
  throw answer.status === 200
    ? fail("malformed", `GitHub's answer is neither a token nor an error (${answer.status}; ${call})`)
    : fail("http", `GitHub refused the refresh (HTTP ${answer.status}; ${call})`);
}

/** Revoking a user access token with the app's credentials (REST "Delete an app token"). */
import { apiDetail } from "./answers.js";
import { API_VERSION, type ClientOptions, gitHubEndpoints } from "./endpoints.js";
import { IdentityError, scrub, withHttp } from "./http.js";

/**
 * `DELETE /applications/{client_id}/token` with the app's credentials: the token stops working.
 * 404 (`not_found`): the app has no such token (already revoked, or another app's); 401
 * (`bad_credentials`): the client ID and secret were refused.
 */
export async function revokeToken(
  clientId: string,
  clientSecret: string,
  token: string,
  opts: ClientOptions = {},
): Promise<void> {
  const ep = gitHubEndpoints(opts.host);
  const url = `${ep.api}/applications/${encodeURIComponent(clientId)}/token`;
  const call = `DELETE ${url}`;
  const basic = Buffer.from(`${clientId}:${clientSecret}`).toString("base64");
  const secrets = [token, clientSecret, basic];
  const answer = await withHttp(opts, (http) =>
    http.send(
      {
        method: "DELETE",
        url,
        headers: {
          Authorization: `Basic ${basic}`,
          Accept: "application/vnd.github+json",
          "Content-Type": "application/json",
          "X-GitHub-Api-Version": API_VERSION,
        },
        body: JSON.stringify({ access_token: token }),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      secrets,
    ),
  );
  if (answer.status === 204) return;
  const fail = (code: string, message: string) =>
    new IdentityError(code, scrub(message, secrets), "DELETE", url, answer.status);
  if (answer.status === 404) {
    throw fail(
      "not_found",
      `GitHub has no such token for the app ${clientId} (${apiDetail(answer)}; ${call}): it was already revoked, or the credentials are another app's`,
    );
  }
  if (answer.status === 401) {
    throw fail(
      "bad_credentials",
      `GitHub refused the app's credentials (${apiDetail(answer)}; ${call}): check the client ID and secret`,
    );
  }
  throw fail("http", `GitHub refused to revoke the token (${apiDetail(answer)}; ${call})`);
}

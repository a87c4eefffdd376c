/**
 * GitHub's OAuth device flow, as the bridge runs it to link a person's GitHub account
 * ("Authorizing OAuth apps" → Device flow; "Refreshing user access tokens"; REST "Delete an app token"):
 *
 *   const start = await startDeviceFlow({ clientId, host, scope: ["repo"] });
 *   // show start.userCode and start.verificationUri (and nothing else) to the person
 *   const result = await pollForToken(start, { signal });
 *   if (result.outcome === "approved") { const { login } = await fetchLogin(result.token.accessToken, { host }); }
 *
 * `pollForToken` waits `interval` seconds before every poll, adds 5 s (or takes GitHub's larger
 * `interval`) on `slow_down`, and ends with a typed outcome: approved, expired, denied or cancelled.
 * Anything else GitHub answers is an `IdentityError` carrying GitHub's error code, the method and the
 * URL, never a token, refresh token, device code or client secret.
 *
 * On github.com the endpoints are `https://github.com/login/…` and `https://api.github.com`; on a GitHub
 * Enterprise Server host `https://<host>/login/…` and `https://<host>/api/v3`.
 *
 * This module gathers the calls, each in its own file beside it: device-start, device-poll, refresh,
 * user (`fetchLogin`) and revoke, over endpoints (where), answers (GitHub's replies) and http.
 */
export type { DeviceToken } from "./answers.js";
export type { ClientPoll, PollOptions, PollResult } from "./device-poll.js";
export { DEVICE_GRANT_TYPE, pollForToken, SLOW_DOWN_SECONDS } from "./device-poll.js";
export type { DeviceFlowStart, StartOptions } from "./device-start.js";
export { startDeviceFlow } from "./device-start.js";
export type { ClientOptions, GitHubEndpoints } from "./endpoints.js";
export { gitHubEndpoints } from "./endpoints.js";
export type { Env, HttpAnswer, HttpOptions, HttpRequest, IdentityErrorCode, Transport } from "./http.js";
export { IdentityError, IdentityHttp } from "./http.js";
export type { RefreshOptions } from "./refresh.js";
export { refreshToken } from "./refresh.js";
export { revokeToken } from "./revoke.js";
export type { GitHubUser } from "./user.js";
export { fetchLogin } from "./user.js";

/** Starting GitHub's device flow: `POST /login/device/code` gives a user code and a device code. */
import { describe, deviceCodeAnswer, FORM, oauthError, oauthFields } from "./answers.js";
import { type ClientOptions, gitHubEndpoints } from "./endpoints.js";
import { IdentityError, scrub, withHttp } from "./http.js";

export interface StartOptions extends ClientOptions {
  /** The OAuth app's (or GitHub App's) client ID. */
  clientId: string;
  /** Scopes to ask for (space-delimited, or a list). GitHub Apps ignore them. */
  scope?: string | readonly string[];
}

/**
 * A device authorization in progress. `deviceCode` is what polling redeems: keep it out of messages
 * and logs like a token. Only `userCode` and `verificationUri` are for the person.
 */
export interface DeviceFlowStart {
  host: string;
  clientId: string;
  deviceCode: string;
  /** `XXXX-XXXX`, to type at `verificationUri`. */
  userCode: string;
  /** `https://<host>/login/device` (checked to be on the host). */
  verificationUri: string;
  /** When the codes expire (epoch ms, by `now`). */
  expiresAt: number;
  /** Minimum seconds between polls. */
  interval: number;
}

/** `POST /login/device/code`: a user code for the person and a device code to poll with. */
export async function startDeviceFlow(opts: StartOptions): Promise<DeviceFlowStart> {
  const ep = gitHubEndpoints(opts.host);
  const now = opts.now ?? Date.now;
  const url = `${ep.web}/login/device/code`;
  const call = `POST ${url}`;
  const form = new URLSearchParams({ client_id: opts.clientId });
  const scope = typeof opts.scope === "string" ? opts.scope : (opts.scope ?? []).join(" ");
  if (scope.trim()) form.set("scope", scope.trim());
  const answer = await withHttp(opts, (http) =>
    http.send(
      {
        method: "POST",
        url,
        headers: FORM,
        body: form.toString(),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      [],
    ),
  );
  const fail = (code: string, message: string) =>
    new IdentityError(code, message, "POST", url, answer.status);
  if (answer.status === 404) {
    throw fail(
      "unknown_client",
      `GitHub (${ep.host}) does not know the OAuth app ${opts.clientId} (404; ${call}): check the client ID`,
    );
  }
  const fields = oauthFields(answer);
  const error = oauthError(fields);
  if (error) {
    const hint =
      error.error === "device_flow_disabled"
        ? ": enable Device Flow in the app's settings on GitHub"
        : error.error === "incorrect_client_credentials"
          ? ": check the client ID"
          : "";
    throw fail(
      error.error,
      `GitHub refused to start the device flow (${answer.status} ${describe(error)}; ${call})${hint}`,
    );
  }
  if (answer.status !== 200) {
    throw fail("http", `GitHub refused to start the device flow (HTTP ${answer.status}; ${call})`);
  }
  const parsed = deviceCodeAnswer.safeParse(fields);
  if (!parsed.success) {
    throw fail("malformed", `GitHub's answer is not a device code (${answer.status}; ${call})`);
  }
  const d = parsed.data;
  let origin: string;
  try {
    origin = new URL(d.verification_uri).origin;
  } catch {
    origin = "";
  }
  if (origin !== ep.web) {
    throw fail(
      "malformed",
      `GitHub's verification URL is not on ${ep.host} (${scrub(d.verification_uri, [d.device_code])}; ${call}): not showing it`,
    );
  }
  return {
    host: ep.host,
    clientId: opts.clientId,
    deviceCode: d.device_code,
    userCode: d.user_code,
    verificationUri: d.verification_uri,
    expiresAt: now() + d.expires_in * 1000,
    interval: d.interval,
  };
}

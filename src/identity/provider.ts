import type { Logger } from "../core/log.js";
import type { IdentityProvider, LinkOutcome, PendingLink } from "../core/ports/identity.js";
import type { IdentitySecrets } from "../core/vocabulary/identity.js";
import {
  type DeviceToken,
  type Env,
  fetchLogin,
  pollForToken,
  refreshToken,
  revokeToken,
  startDeviceFlow,
} from "./device-flow.js";

/** What is kept of a token GitHub issued. */
function secretsOf(token: DeviceToken, githubId?: number): IdentitySecrets {
  return {
    ...(githubId !== undefined ? { githubId } : {}),
    accessToken: token.accessToken,
    ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
    ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
    ...(token.refreshExpiresAt ? { refreshExpiresAt: token.refreshExpiresAt } : {}),
    ...(token.scope ? { scope: token.scope } : {}),
  };
}

export interface GitHubIdentityOptions {
  clientId: string;
  /** Lets `revoke` work (GitHub's revocation endpoint authenticates the app). */
  clientSecret?: string | undefined;
  host: string;
  env: Env;
  log: Logger;
}

/** Links GitHub accounts with the OAuth device flow against github.com or a GitHub Enterprise host. */
export class GitHubIdentityProvider implements IdentityProvider {
  readonly host: string;

  constructor(private readonly options: GitHubIdentityOptions) {
    this.host = options.host;
  }

  async start(): Promise<PendingLink> {
    const { clientId, host, env } = this.options;
    const flow = await startDeviceFlow({ clientId, host, env });
    const abort = new AbortController();
    const outcome = (async (): Promise<LinkOutcome> => {
      try {
        const polled = await pollForToken(flow, { env, signal: abort.signal });
        if (polled.outcome !== "approved") return { status: polled.outcome };
        const token = polled.token;
        const user = await fetchLogin(token.accessToken, { host, env });
        return {
          status: "linked",
          login: user.login,
          host,
          secrets: secretsOf(token, user.id),
        };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        this.options.log.warn("linking a GitHub account failed", { error: reason });
        return { status: "failed", reason };
      }
    })();
    return {
      login: { userCode: flow.userCode, verificationUri: flow.verificationUri, expiresAt: flow.expiresAt },
      outcome,
      cancel: () => abort.abort(),
    };
  }

  async refresh(token: string): Promise<IdentitySecrets> {
    const { clientId, clientSecret, host, env } = this.options;
    const renewed = await refreshToken({
      clientId,
      refreshToken: token,
      host,
      env,
      ...(clientSecret ? { clientSecret } : {}),
    });
    return secretsOf(renewed);
  }

  async revoke(token: string): Promise<boolean> {
    const { clientId, clientSecret, host, env } = this.options;
    if (!clientSecret) return false;
    try {
      await revokeToken(clientId, clientSecret, token, { host, env });
      return true;
    } catch (error) {
      this.options.log.warn("revoking a GitHub token failed", {
        error: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  }
}

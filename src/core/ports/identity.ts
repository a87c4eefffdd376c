import type { IdentitySecrets } from "../vocabulary/identity.js";

/**
 * Linking a person's GitHub account: GitHub's OAuth device flow with the bridge's client id
 * (GITHUB_OAUTH_CLIENT_ID). `src/identity/` implements it.
 */

/** What the person needs to approve the link: a code to type at a URL, before `expiresAt`. */
export interface DeviceLogin {
  userCode: string;
  verificationUri: string;
  expiresAt: number;
}

export type LinkOutcome =
  | { status: "linked"; login: string; host: string; secrets: IdentitySecrets }
  | { status: "expired" }
  | { status: "denied" }
  | { status: "cancelled" }
  | { status: "failed"; reason: string };

/** A device flow under way: the code to show, and how it ends (polling as GitHub requires). */
export interface PendingLink {
  login: DeviceLogin;
  outcome: Promise<LinkOutcome>;
  cancel(): void;
}

export interface IdentityProvider {
  /** `github.com` or a GitHub Enterprise Server host (GITHUB_HOST). */
  readonly host: string;
  start(): Promise<PendingLink>;
  /**
   * Trades a refresh token for a new access token (apps that issue expiring tokens). Rejects when
   * GitHub refuses it (expired or used): the person must link again.
   */
  refresh(refreshToken: string): Promise<IdentitySecrets>;
  /** Revokes a token where GitHub allows (it needs the app's client secret); false when it cannot. */
  revoke(token: string): Promise<boolean>;
}

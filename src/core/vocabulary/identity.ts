import { z } from "zod";
import { userRef } from "./refs.js";

/**
 * A person's GitHub account, linked to their chat identity (OAuth device flow). This is the
 * decrypted form: it is never persisted as is. The store keeps `user`, `login`, `host` and
 * `linkedAt` in clear and everything else sealed (`SealedIdentity`).
 */

/** `github.com`, or a GitHub Enterprise Server host (a host name, with a port when not 443). */
export const gitHubHost = z
  .string()
  .regex(
    /^(?=.{1,253}(:|$))[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/,
    "a GitHub host is a lower-case host name such as github.com or ghe.example.com (no scheme or path)",
  );

/** What only the sealed part of a stored identity holds. */
export const identitySecrets = z.object({
  githubId: z.number().int().positive().optional(),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  /** When the access token expires (epoch ms); none for a token that does not. */
  expiresAt: z.number().optional(),
  /** When the refresh token expires (epoch ms). */
  refreshExpiresAt: z.number().optional(),
  /** The scopes GitHub granted, as it reported them. */
  scope: z.string().optional(),
});
export type IdentitySecrets = z.output<typeof identitySecrets>;

/** What the store keeps in clear: who linked which account where, and when. */
const identityPublic = z.object({
  user: userRef,
  login: z.string().min(1),
  host: gitHubHost,
  linkedAt: z.number(),
});

export const linkedIdentity = z.object({ ...identityPublic.shape, ...identitySecrets.shape });
export type LinkedIdentity = z.output<typeof linkedIdentity>;

/**
 * A linked identity as persisted: `sealed` is `identitySecrets` as JSON, encrypted (AES-256-GCM,
 * `v1.<iv>.<ciphertext>.<tag>`, base64url) and bound to the record's user, host and login.
 */
export const sealedIdentity = z.object({
  ...identityPublic.shape,
  sealed: z.string().regex(/^v\d+\./, "a sealed value starts with its format version"),
});
export type SealedIdentity = z.output<typeof sealedIdentity>;

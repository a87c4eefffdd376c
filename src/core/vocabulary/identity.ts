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
  /** When GitHub refused the token (401: revoked or expired): the person must link again. */
  refusedAt: z.number().optional(),
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

/**
 * Whose GitHub account a session runs as, kept with its thread (the token is not: it is looked up
 * when the session connects). `person`: the owner's linked account; `reach` says what it covers when
 * the runtime cannot route everything by it. `bridge`: the bridge's own, because the owner has no
 * usable link (`unlinked`, or `relink` when GitHub refused theirs).
 */
export const runsAs = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("person"),
    login: z.string().min(1),
    host: gitHubHost,
    reach: z.enum(["full", "model", "none"]).optional(),
  }),
  z.object({ kind: z.literal("bridge"), why: z.enum(["unlinked", "relink"]) }),
]);
export type RunsAs = z.output<typeof runsAs>;

/**
 * Whose GitHub account sessions run as (BRIDGE_IDENTITY):
 * - `required`: a person's own linked account, or no session;
 * - `preferred`: their own when linked, else the bridge's, and the header says so;
 * - `bridge`: always the bridge's (GITHUB_TOKEN or the runtime's login).
 */
export type IdentityPolicy = "required" | "preferred" | "bridge";

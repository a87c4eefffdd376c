/**
 * Linked GitHub identities at rest: the person's key, what the sealed tokens are bound to, and sealing
 * and opening them with BRIDGE_SECRET_KEY's box.
 */
import {
  identitySecrets,
  type LinkedIdentity,
  linkedIdentity,
  type SealedIdentity,
  sealedIdentity,
} from "../core/vocabulary/identity.js";
import type { UserRef } from "../core/vocabulary/refs.js";
import { SealError, type SecretBox } from "./secret-box.js";

/** The key of a person's linked identity: `<platform>:<id>` (a platform name has no colon). */
export const identityKey = (user: UserRef) => `${user.platform}:${user.id}`;

/**
 * What a sealed identity is bound to: its record (namespace and key) and the fields kept in clear,
 * so neither moving the sealed value to another person's record nor editing the host it is sent
 * to (or the login shown) opens.
 */
export const identityAad = (record: Omit<SealedIdentity, "sealed">) =>
  JSON.stringify(["identities", identityKey(record.user), record.host, record.login, record.linkedAt]);

/**
 * The identity in `record` (read at `key`), or why it cannot be trusted. The reason never quotes the
 * decrypted text (a JSON or zod error could): only the box's own messages are passed on.
 */
export function unseal(box: SecretBox, key: string, record: SealedIdentity): LinkedIdentity | string {
  const { sealed, ...clear } = record;
  if (identityKey(clear.user) !== key) return "the record names another person";
  let plaintext: string;
  try {
    plaintext = box.open(sealed, identityAad(clear));
  } catch (error) {
    return error instanceof SealError ? error.message : "the sealed value does not open";
  }
  try {
    const secrets = identitySecrets.safeParse(JSON.parse(plaintext));
    if (secrets.success) return linkedIdentity.parse({ ...clear, ...secrets.data });
  } catch {
    // Falls through: sealed with this key, but not a linked account's secrets.
  }
  return "the sealed value holds no linked account";
}

/** `identity` as stored: its tokens sealed, bound by `identityAad` to its record and clear fields. */
export function seal(box: SecretBox, identity: LinkedIdentity): SealedIdentity {
  const { user, login, host, linkedAt, ...rest } = linkedIdentity.parse(identity);
  const clear = { user, login, host, linkedAt };
  const sealed = box.seal(JSON.stringify(identitySecrets.parse(rest)), identityAad(clear));
  return sealedIdentity.parse({ ...clear, sealed });
}

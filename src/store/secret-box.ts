import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from "node:crypto";

/**
 * Authenticated encryption of the secrets the store keeps (linked GitHub tokens): AES-256-GCM,
 * a fresh random 12-byte IV per seal, and associated data (the record it belongs to) that must be
 * given again to open it, so a sealed value copied into another record does not open.
 *
 * Format: `v1.<iv>.<ciphertext>.<tag>`, each part base64url without padding (tag: 16 bytes).
 */

const version = "v1";
const algorithm = "aes-256-gcm";
const keyBytes = 32;
const ivBytes = 12;
const tagBytes = 16;
const base64url = /^[A-Za-z0-9_-]*$/;

/** A sealed value that cannot be opened: altered, sealed with another key or for another record, or not one at all. */
export class SealError extends Error {
  override name = "SealError";
}

export class SecretBox {
  /** A KeyObject: the key bytes never show when the box is printed or serialised. */
  readonly #key: KeyObject;

  /** `key`: exactly 32 bytes (see `parseSecretKey`); copied, so the caller may wipe its own. */
  constructor(key: Uint8Array) {
    if (key.length !== keyBytes) throw new Error(`a secret key is ${keyBytes} bytes, not ${key.length}`);
    this.#key = createSecretKey(Buffer.from(key));
  }

  /** Encrypts `plaintext` (UTF-8) bound to `aad`; two seals of the same text differ. */
  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv(algorithm, this.#key, iv, { authTagLength: tagBytes });
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [version, iv, ciphertext, tag]
      .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
      .join(".");
  }

  /** The plaintext of `sealed`; throws `SealError` unless it is intact, of this key and for `aad`. */
  open(sealed: string, aad: string): string {
    const parts = sealed.split(".");
    const [v = "", ivText = "", ciphertextText = "", tagText = ""] = parts;
    if (v !== version && /^v\d+$/.test(v)) {
      throw new SealError(
        `the sealed value has format ${v}, which this bridge cannot read (only ${version})`,
      );
    }
    if (
      parts.length !== 4 ||
      v !== version ||
      ![ivText, ciphertextText, tagText].every((p) => base64url.test(p))
    ) {
      throw new SealError(`not a sealed value (expected ${version}.<iv>.<ciphertext>.<tag> in base64url)`);
    }
    const iv = Buffer.from(ivText, "base64url");
    const tag = Buffer.from(tagText, "base64url");
    if (iv.length !== ivBytes || tag.length !== tagBytes) {
      throw new SealError(`not a sealed value (its IV or tag has the wrong length)`);
    }
    const decipher = createDecipheriv(algorithm, this.#key, iv, { authTagLength: tagBytes });
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(tag);
    try {
      const plaintext = Buffer.concat([
        decipher.update(Buffer.from(ciphertextText, "base64url")),
        decipher.final(),
      ]);
      return plaintext.toString("utf8");
    } catch (error) {
      throw new SealError(
        "the sealed value does not open: it was sealed with another key (BRIDGE_SECRET_KEY changed), for another record, or altered",
        { cause: error },
      );
    }
  }
}

const keyFormat =
  "a secret key is 32 random bytes, written as 64 hex characters or as base64 (44 characters, or 43 without the padding; base64url works too): make one with `openssl rand -base64 32`";

/**
 * The 32 bytes of a key written as 64 hex characters, or base64 / base64url of exactly 32 bytes
 * (surrounding whitespace ignored). Anything else throws an Error saying what is needed and how to
 * make one; its message never contains the value.
 */
export function parseSecretKey(value: string): Uint8Array {
  const text = value.trim();
  const key = decodeKey(text);
  if (!key) throw new Error(`${describe(text)}: ${keyFormat}`);
  if (key.every((b) => b === key[0])) {
    throw new Error(`the value is the same byte repeated, a placeholder rather than a key: ${keyFormat}`);
  }
  return new Uint8Array(key);
}

function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  const standard = /^[A-Za-z0-9+/]{43}=?$/.test(text);
  const url = /^[A-Za-z0-9_-]{43}=?$/.test(text);
  if (!standard && !url) return undefined;
  const bytes = Buffer.from(text, standard ? "base64" : "base64url");
  // The 43rd character carries 2 unused bits: only the one canonical spelling of the 32 bytes is taken.
  const again = bytes.toString(standard ? "base64" : "base64url").replace(/=+$/, "");
  return bytes.length === keyBytes && again === text.replace(/=$/, "") ? bytes : undefined;
}

/** What is wrong with a value, without any of its content: its length and the characters it uses. */
function describe(text: string): string {
  if (text === "") return "the value is empty";
  if (/^[0-9a-fA-F]+$/.test(text)) return `the value has ${text.length} hex characters, not 64`;
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const bytes = Buffer.from(text, /[_-]/.test(text) ? "base64url" : "base64").length;
    return bytes === keyBytes
      ? "the value is not canonical base64 of 32 bytes"
      : `the value is base64 of ${bytes} bytes, not ${keyBytes}`;
  }
  return `the value (${text.length} characters) is neither hex nor base64`;
}

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { inspect } from "node:util";
import { parseSecretKey, SealError, SecretBox } from "../../src/store/secret-box.js";

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const aad = "identities:slack:U1";

/** `sealed` with part `index` (0 version, 1 IV, 2 ciphertext, 3 tag) changed by one bit. */
function flip(sealed: string, index: number): string {
  const parts = sealed.split(".");
  const bytes = Buffer.from(parts[index] ?? "", "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[index] = bytes.toString("base64url");
  return parts.join(".");
}

test("a sealed value opens to the same text, with the same key and associated data", () => {
  const box = new SecretBox(keyA);
  for (const text of ["gho_abc123", "", "ünïcødé ✓ 🔑", "x".repeat(10_000)]) {
    assert.equal(box.open(box.seal(text, aad), aad), text);
  }
  // Another box of the same key (a restart) opens it too.
  assert.equal(new SecretBox(new Uint8Array(keyA)).open(box.seal("gho_abc123", aad), aad), "gho_abc123");
});

test("the format is v1.<iv>.<ciphertext>.<tag>, base64url, with a 12-byte IV and a 16-byte tag", () => {
  const sealed = new SecretBox(keyA).seal("gho_abc123", aad);
  const [version, iv, ciphertext, tag, ...rest] = sealed.split(".");
  assert.equal(version, "v1");
  assert.deepEqual(rest, []);
  for (const part of [iv, ciphertext, tag]) assert.match(part ?? "", /^[A-Za-z0-9_-]+$/);
  assert.equal(Buffer.from(iv ?? "", "base64url").length, 12);
  assert.equal(Buffer.from(ciphertext ?? "", "base64url").length, "gho_abc123".length);
  assert.equal(Buffer.from(tag ?? "", "base64url").length, 16);
  assert.ok(!sealed.includes("gho_abc123"));
});

test("every seal takes a fresh IV: the same text sealed twice differs", () => {
  const box = new SecretBox(keyA);
  const seals = Array.from({ length: 200 }, () => box.seal("gho_same", aad));
  assert.equal(new Set(seals.map((s) => s.split(".")[1])).size, seals.length, "an IV was reused");
  assert.equal(new Set(seals).size, seals.length);
  for (const sealed of seals.slice(0, 5)) assert.equal(box.open(sealed, aad), "gho_same");
});

test("an altered IV, ciphertext or tag, or other associated data, does not open", () => {
  const box = new SecretBox(keyA);
  const sealed = box.seal("gho_abc123", aad);
  for (const [what, changed] of [
    ["IV", flip(sealed, 1)],
    ["ciphertext", flip(sealed, 2)],
    ["tag", flip(sealed, 3)],
  ] as const) {
    assert.throws(
      () => box.open(changed, aad),
      (e: unknown) => e instanceof SealError && /another key.*another record.*altered/.test(e.message),
      what,
    );
  }
  // Moved to another person's record.
  assert.throws(() => box.open(sealed, "identities:slack:U2"), SealError);
  assert.throws(() => box.open(sealed, ""), SealError);
  // Parts swapped between two seals of the same key.
  const other = box.seal("gho_abc123", aad).split(".");
  const mixed = sealed.split(".");
  mixed[3] = other[3] ?? "";
  assert.throws(() => box.open(mixed.join("."), aad), SealError);
});

test("a truncated tag, a malformed value or an unknown version is refused with what was expected", () => {
  const box = new SecretBox(keyA);
  const sealed = box.seal("gho_abc123", aad);
  const parts = sealed.split(".");
  const short = [
    ...parts.slice(0, 3),
    Buffer.from(parts[3] ?? "", "base64url")
      .subarray(0, 12)
      .toString("base64url"),
  ];
  assert.throws(() => box.open(short.join("."), aad), /wrong length/);
  for (const bad of [
    "",
    "gho_abc123",
    "v1.a.b",
    `${sealed}.x`,
    sealed.replace("v1.", "v1.+"),
    `x${sealed}`,
  ]) {
    assert.throws(
      () => box.open(bad, aad),
      (e: unknown) => e instanceof SealError && /not a sealed value|wrong length/.test(e.message),
      bad,
    );
  }
  assert.throws(() => box.open(sealed.replace(/^v1/, "v2"), aad), /format v2, which this bridge cannot read/);
});

test("another key does not open it", () => {
  const sealed = new SecretBox(keyA).seal("gho_abc123", aad);
  assert.throws(
    () => new SecretBox(keyB).open(sealed, aad),
    (e: unknown) =>
      e instanceof SealError && e.message.includes("another key") && !e.message.includes("gho_"),
  );
});

test("a box is made from exactly 32 bytes, and printing it shows no key", () => {
  assert.throws(() => new SecretBox(randomBytes(16)), /32 bytes, not 16/);
  assert.throws(() => new SecretBox(new Uint8Array()), /32 bytes, not 0/);
  const key = Buffer.alloc(32, 0).fill(7, 0, 16).fill(9, 16);
  const box = new SecretBox(key);
  const shown = `${inspect(box, { showHidden: true, depth: 5 })} ${JSON.stringify(box)} ${String(box)}`;
  for (const form of ["hex", "base64", "base64url"] as const) {
    assert.ok(!shown.includes(key.toString(form)), `printing the box shows the key in ${form}`);
  }
  // The box holds its own copy: wiping the caller's buffer does not change it.
  const sealed = box.seal("gho_abc123", aad);
  key.fill(0);
  assert.equal(box.open(sealed, aad), "gho_abc123");
});

test("parseSecretKey takes 64 hex characters, or base64 / base64url of exactly 32 bytes", () => {
  const key = randomBytes(32);
  for (const text of [
    key.toString("hex"),
    key.toString("hex").toUpperCase(),
    key.toString("base64"),
    key.toString("base64").replace(/=$/, ""),
    key.toString("base64url"),
    `${key.toString("base64url")}=`,
    `  ${key.toString("base64")}\n`,
  ]) {
    assert.deepEqual(Buffer.from(parseSecretKey(text)), key, text);
  }
  // What `openssl rand -base64 32` prints: 44 characters, one `=`.
  assert.equal(key.toString("base64").length, 44);
});

test("parseSecretKey refuses anything else, saying what is needed and never quoting the value", () => {
  const key = randomBytes(32);
  const cases: [string, RegExp][] = [
    ["", /empty/],
    ["   ", /empty/],
    [key.toString("hex").slice(0, 63), /63 hex characters, not 64/],
    [`${key.toString("hex")}ab`, /66 hex characters, not 64/],
    [randomBytes(16).toString("base64"), /base64 of 16 bytes, not 32/],
    [randomBytes(48).toString("base64"), /base64 of 48 bytes, not 32/],
    [randomBytes(31).toString("base64url"), /base64 of 31 bytes, not 32/],
    ["correct horse battery staple, a passphrase!", /neither hex nor base64/],
    [`${key.toString("base64").slice(0, 20)}!${key.toString("base64").slice(21)}`, /neither hex nor base64/],
    ["0".repeat(64), /placeholder/],
    [Buffer.alloc(32, 0xab).toString("base64"), /placeholder/],
  ];
  // The 43rd character's two spare bits set: base64 that decodes to the same bytes, but not canonically.
  const canonical = key.toString("base64url");
  const last = canonical.at(-1) ?? "A";
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const lax = `${canonical.slice(0, -1)}${alphabet[alphabet.indexOf(last) | 1]}`;
  if (lax !== canonical) cases.push([lax, /not canonical base64/]);
  for (const [text, reason] of cases) {
    assert.throws(
      () => parseSecretKey(text),
      (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.match(e.message, reason, text);
        assert.match(e.message, /64 hex characters or as base64/);
        assert.match(e.message, /openssl rand -base64 32/);
        const quoted = text.trim();
        if (quoted.length >= 4) assert.ok(!e.message.includes(quoted), `the message quotes ${quoted}`);
        for (const piece of quoted.match(/[A-Za-z0-9+/]{8,}/g) ?? []) {
          assert.ok(!e.message.includes(piece), `the message quotes part of the value: ${piece}`);
        }
        return true;
      },
      text,
    );
  }
});

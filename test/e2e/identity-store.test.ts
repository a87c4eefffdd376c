import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { inspect } from "node:util";
import KeyvSqlite from "@keyv/sqlite";
import { createLogger, type Logger } from "../../src/core/log.js";
import type { LinkedIdentity } from "../../src/core/vocabulary/identity.js";
import type { UserRef } from "../../src/core/vocabulary/refs.js";
import { KeyvBridgeStore } from "../../src/store/keyv-store.js";

/**
 * Linked GitHub accounts in a real SQLite file through the store's own API, and the file's bytes as
 * anyone who copies it would read them: the tokens are never there, in any spelling.
 */

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const alice: UserRef = { platform: "slack", id: "U0ALICE" };
const bob: UserRef = { platform: "discord", id: "112233445566778899" };

function identityOf(user: UserRef, login: string, host = "github.com"): LinkedIdentity {
  const now = Date.now();
  return {
    user,
    login,
    githubId: 583231,
    host,
    accessToken: `ghu_${randomBytes(27).toString("base64url")}`,
    refreshToken: `ghr_${randomBytes(54).toString("base64url")}`,
    expiresAt: now + 8 * 3600 * 1000,
    refreshExpiresAt: now + 180 * 24 * 3600 * 1000,
    scope: "repo read:org",
    linkedAt: now,
  };
}

interface Rig {
  dir: string;
  url: string;
  path: string;
  lines: string[];
  log: Logger;
  /** Opens the store on the rig's file; closed when the test ends. */
  open(secretKey?: Uint8Array): Promise<KeyvBridgeStore>;
}

function rig(t: { after(fn: () => Promise<void>): void }): Rig {
  const dir = mkdtempSync(join(tmpdir(), "identity-store-"));
  const path = join(dir, "bridge.sqlite");
  const lines: string[] = [];
  const log = createLogger("debug", [], (l) => lines.push(l));
  const opened: KeyvBridgeStore[] = [];
  t.after(async () => {
    for (const store of opened) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    url: `sqlite://${path}`,
    path,
    lines,
    log,
    open: async (secretKey) => {
      const store = await KeyvBridgeStore.connect(`sqlite://${path}`, log, secretKey ? { secretKey } : {});
      opened.push(store);
      return store;
    },
  };
}

/** The raw bytes of the store's file and its write-ahead log, as they are on disk now. */
function fileBytes(path: string): Buffer {
  return Buffer.concat(
    [path, `${path}-wal`, `${path}-journal`].filter((p) => existsSync(p)).map((p) => readFileSync(p)),
  );
}

/**
 * The ways a token could sit in the file: plain, hex (either case), and base64 / base64url at each
 * of the three byte alignments it could have inside a larger encoded value (the edge characters,
 * which depend on the neighbours, left out).
 */
function spellings(token: string): string[] {
  const bytes = Buffer.from(token, "utf8");
  const out = [token, bytes.toString("hex"), bytes.toString("hex").toUpperCase()];
  for (const shift of [0, 1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    for (const form of ["base64", "base64url"] as const) {
      const text = padded.toString(form).replace(/=+$/, "");
      const skip = Math.ceil((shift * 4) / 3);
      out.push(text.slice(skip, -2));
    }
  }
  return out;
}

function assertNotIn(bytes: Buffer, secret: string, what: string): void {
  const latin = bytes.toString("latin1");
  for (const spelling of spellings(secret)) {
    assert.ok(spelling.length >= 16, `a spelling too short to tell: ${spelling}`);
    assert.ok(!latin.includes(spelling), `the file holds the ${what} as ${spelling}`);
  }
}

/** Rewrites a record of the `identities` namespace in the file, as someone with the file could. */
async function tamper(
  path: string,
  from: UserRef,
  to: UserRef,
  change: (value: Record<string, unknown>) => void,
) {
  const sqlite = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: 5000 });
  try {
    const rows = (await sqlite.query("SELECT value FROM keyv WHERE key = ?", [
      `identities:${from.platform}:${from.id}`,
    ])) as { value: string }[];
    const stored = JSON.parse(rows[0]?.value ?? "null") as { value: Record<string, unknown> };
    change(stored.value);
    await sqlite.query("INSERT OR REPLACE INTO keyv (key, value) VALUES (?, ?)", [
      `identities:${to.platform}:${to.id}`,
      JSON.stringify(stored),
    ]);
  } finally {
    await sqlite.close();
  }
}

test("a linked identity is put, read back, replaced and deleted, per person", async (t) => {
  const r = rig(t);
  const store = await r.open(keyA);
  const a = identityOf(alice, "alice");
  const b = { ...identityOf(bob, "bob", "ghe.example.com:8443"), githubId: 42 };
  assert.equal(await store.getIdentity(alice), undefined);
  await store.putIdentity(a);
  await store.putIdentity(b);
  assert.deepEqual(await store.getIdentity(alice), a);
  assert.deepEqual(await store.getIdentity(bob), b);
  // Roles are never persisted, and do not change whose record it is.
  assert.deepEqual(await store.getIdentity({ ...alice, roles: ["admin"] }), a);
  assert.equal(await store.getIdentity({ platform: "slack", id: "U0OTHER" }), undefined);
  assert.equal(await store.getIdentity({ platform: "discord", id: alice.id }), undefined);

  // Linking again replaces the record; only the required fields are needed.
  const minimal: LinkedIdentity = {
    user: alice,
    login: "alice2",
    host: "github.com",
    accessToken: "gho_minimal",
    linkedAt: 1,
  };
  await store.putIdentity(minimal);
  assert.deepEqual(await store.getIdentity(alice), minimal);

  assert.equal(await store.deleteIdentity(alice), true);
  assert.equal(await store.deleteIdentity(alice), false);
  assert.equal(await store.getIdentity(alice), undefined);
  assert.deepEqual(await store.getIdentity(bob), b, "deleting one person's link leaves the others");
  assert.equal((await store.counts()).identities, 1);

  // What does not parse is refused before anything is written.
  await assert.rejects(store.putIdentity({ ...a, host: "https://github.com" }), /GitHub host/);
  await assert.rejects(store.putIdentity({ ...a, accessToken: "" }));
  assert.equal(await store.getIdentity(alice), undefined);
  assert.equal(
    r.lines.filter((l) => / (WARN|ERROR) /.test(l)).length,
    0,
    `unexpected warnings: ${r.lines.join("\n")}`,
  );
});

test("the file never holds a token: not in plain, hex or base64, in the database or its write-ahead log", async (t) => {
  const r = rig(t);
  const store = await r.open(keyA);
  const identities = [identityOf(alice, "alice-the-linker"), identityOf(bob, "bob-the-linker")];
  for (const identity of identities) await store.putIdentity(identity);
  // Re-linked: the old tokens must not linger either (in a WAL frame or a freed page).
  const relinked = identityOf(alice, "alice-the-linker");
  await store.putIdentity(relinked);
  const all = [...identities, relinked];

  const check = (when: string) => {
    const bytes = fileBytes(r.path);
    // The bytes are really there: what is kept in clear shows, so the check reads the right thing.
    assert.ok(bytes.toString("latin1").includes("alice-the-linker"), `${when}: the login is not in the file`);
    assert.ok(bytes.toString("latin1").includes('"sealed":"v1.'), `${when}: no sealed value in the file`);
    for (const identity of all) {
      assertNotIn(bytes, identity.accessToken, `access token (${when})`);
      assertNotIn(bytes, identity.refreshToken ?? "", `refresh token (${when})`);
    }
  };
  assert.ok(existsSync(`${r.path}-wal`), "the store writes ahead: the log is there while it is open");
  check("while open");
  await store.close();
  check("once closed");
  // And what is in the file still opens, with the key.
  const again = await r.open(keyA);
  assert.deepEqual(await again.getIdentity(alice), relinked);
  assert.deepEqual(await again.getIdentity(bob), identities[1]);
});

test("records survive reopening the store", async (t) => {
  const r = rig(t);
  const a = identityOf(alice, "alice");
  const first = await r.open(keyA);
  await first.putIdentity(a);
  await first.close();
  // The key as configured again (a copy of the same bytes).
  const second = await r.open(new Uint8Array(keyA));
  assert.deepEqual(await second.getIdentity(alice), a);
  await second.close();
  const third = await r.open(keyA);
  assert.deepEqual(await third.getIdentity(alice), a);
});

test("a record written with key A does not open with key B: undefined and a warning, never a throw", async (t) => {
  const r = rig(t);
  const a = identityOf(alice, "alice");
  const withA = await r.open(keyA);
  await withA.putIdentity(a);
  await withA.close();

  const withB = await r.open(keyB);
  assert.equal(await withB.getIdentity(alice), undefined);
  const warnings = r.lines.filter((l) => l.includes(" WARN "));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? "", /cannot be opened; its owner must link again/);
  assert.match(warnings[0] ?? "", /"key":"slack:U0ALICE"/);
  assert.match(warnings[0] ?? "", /another key/);
  assert.ok(!r.lines.join("\n").includes(a.accessToken), "the log shows the token");
  // The person links again under key B; key A then cannot read it.
  const b = identityOf(alice, "alice");
  await withB.putIdentity(b);
  assert.deepEqual(await withB.getIdentity(alice), b);
  await withB.close();
  const backToA = await r.open(keyA);
  assert.equal(await backToA.getIdentity(alice), undefined);
});

test("a sealed value moved to another person's record, or a record's host changed, does not open", async (t) => {
  const r = rig(t);
  const store = await r.open(keyA);
  await store.putIdentity(identityOf(alice, "alice"));
  await store.close();
  const mallory: UserRef = { platform: "slack", id: "U0MALLORY" };
  // Alice's sealed tokens copied into Mallory's record.
  await tamper(r.path, alice, mallory, (v) => {
    v.user = mallory;
  });
  // Alice's tokens to be sent to another host, or shown under another login.
  const carol: UserRef = { platform: "slack", id: "U0CAROL" };
  const dave: UserRef = { platform: "slack", id: "U0DAVE" };
  await tamper(r.path, alice, carol, (v) => {
    v.user = carol;
  });
  await tamper(r.path, alice, alice, (v) => {
    v.host = "evil.example.com";
  });
  // Carol's record copied whole under Dave's key: it still names Carol.
  await tamper(r.path, { platform: "slack", id: "U0CAROL" }, dave, () => undefined);
  const again = await r.open(keyA);
  for (const user of [mallory, alice, carol, dave]) {
    assert.equal(await again.getIdentity(user), undefined, `${user.id}'s record opened`);
  }
  assert.equal(r.lines.filter((l) => l.includes("its owner must link again")).length, 4);
});

test("without a key: linking is refused with why, reading gives nothing (logged once), unlinking works", async (t) => {
  const r = rig(t);
  const withKey = await r.open(keyA);
  await withKey.putIdentity(identityOf(alice, "alice"));
  await withKey.close();

  const store = await r.open();
  await assert.rejects(store.putIdentity(identityOf(bob, "bob")), (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /^linking needs BRIDGE_SECRET_KEY/);
    assert.match(e.message, /openssl rand -base64 32/);
    return true;
  });
  assert.equal(await store.getIdentity(alice), undefined);
  assert.equal(await store.getIdentity(alice), undefined);
  assert.equal(await store.getIdentity(bob), undefined);
  const told = r.lines.filter((l) => l.includes("BRIDGE_SECRET_KEY is not set"));
  assert.equal(told.length, 1, r.lines.join("\n"));
  assert.equal(await store.deleteIdentity(alice), true);
  assert.equal((await store.counts()).identities, 0);
});

test("a memory store seals too, and the box never shows the key when the store is printed", async () => {
  const key = randomBytes(32);
  const store = await KeyvBridgeStore.connect("memory://", createLogger("silent"), { secretKey: key });
  try {
    const a = identityOf(alice, "alice");
    await store.putIdentity(a);
    assert.deepEqual(await store.getIdentity(alice), a);
    const shown = inspect(store, { depth: 6, showHidden: true });
    for (const form of ["hex", "base64", "base64url"] as const)
      assert.ok(!shown.includes(key.toString(form)));
  } finally {
    await store.close();
  }
});

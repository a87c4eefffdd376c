import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";

const root = resolve(import.meta.dirname, "../..");
const [cmd, ...args] = (
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: { start: string } }
).scripts.start.split(/\s+/);

function start(env: Record<string, string>) {
  const cwd = mkdtempSync(join(tmpdir(), "ccb-start-"));
  // The entry point is resolved from the repository; the working directory is empty (no .env).
  const entry = args.map((a) =>
    /\.[cm]?[jt]s$/.test(a) ? join(root, a) : a === "tsx" ? import.meta.resolve("tsx") : a,
  );
  try {
    return spawnSync(cmd ?? "node", entry, {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: cwd, NODE_OPTIONS: "", ...env },
      encoding: "utf8",
      timeout: 20_000,
    });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

const cases: [string, Record<string, string>, RegExp][] = [
  ["nothing configured", {}, /No chat platform configured/],
  [
    "a malformed token",
    { SLACK_BOT_TOKEN: "xoxp-wrong", SLACK_APP_TOKEN: "xapp-1" },
    /SLACK_BOT_TOKEN must start with xoxb-/,
  ],
  [
    "HTTP mode without a secret",
    { SLACK_BOT_TOKEN: "xoxb-secret-value", SLACK_MODE: "http" },
    /SLACK_SIGNING_SECRET/,
  ],
];

for (const [name, env, message] of cases) {
  test(`start-up with ${name} stops with one clear line`, () => {
    const result = start(env);
    assert.equal(result.status, 2, result.stderr);
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? "", message);
    assert.match(lines[0] ?? "", /^copilot-chat-bridge: configuration error: /);
    assert.ok(!result.stderr.includes("xoxb-secret-value"), "the token is never printed");
    assert.ok(!/\n\s+at /.test(result.stderr), "no stack trace");
  });
}

/** Paths a store cannot be opened at, made in `dir`: [name, BRIDGE_STORE_URL path, reason]. */
const unusableStores: [string, (dir: string) => string, RegExp][] = [
  [
    "a path that is a directory",
    (dir) => {
      mkdirSync(join(dir, "a-directory"));
      return join(dir, "a-directory");
    },
    /the path is a directory/,
  ],
  [
    "a file that is not a SQLite database",
    (dir) => {
      writeFileSync(join(dir, "notes.sqlite"), "these are my notes, not a database\n".repeat(200));
      return join(dir, "notes.sqlite");
    },
    /not a SQLite database/,
  ],
  [
    "a path under a file",
    (dir) => {
      writeFileSync(join(dir, "a-file"), "x");
      return join(dir, "a-file", "bridge.sqlite");
    },
    /a-file is a file, not a directory/,
  ],
  [
    "a directory that is not writable",
    (dir) => {
      mkdirSync(join(dir, "locked"), { mode: 0o555 });
      return join(dir, "locked", "bridge.sqlite");
    },
    /locked is not writable/,
  ],
];

for (const [name, make, reason] of unusableStores) {
  const asRoot = process.getuid?.() === 0;
  test(`a store at ${name} stops start-up with one line naming BRIDGE_STORE_URL and the path`, {
    skip: asRoot && name.includes("not writable") ? "root may write anywhere" : false,
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), "ccb-store-"));
    try {
      const path = make(dir);
      const result = start({
        SLACK_BOT_TOKEN: "xoxb-secret-value",
        SLACK_APP_TOKEN: "xapp-1",
        BRIDGE_STORE_URL: `sqlite://${path}`,
      });
      assert.equal(result.status, 1, result.stderr);
      const lines = result.stderr.trim().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.ok(
        (lines[0] ?? "").startsWith(
          `copilot-chat-bridge: could not start: BRIDGE_STORE_URL: cannot open sqlite://${path}: `,
        ),
        result.stderr,
      );
      assert.match(lines[0] ?? "", reason);
      assert.ok(!result.stderr.includes("xoxb-secret-value"), "the token is never printed");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

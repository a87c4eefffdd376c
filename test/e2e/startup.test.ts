import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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
    a.endsWith(".ts") ? join(root, a) : a === "tsx" ? import.meta.resolve("tsx") : a,
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

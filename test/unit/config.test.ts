import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, parseConfig } from "../../src/config.js";

const base = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" };

test("Socket Mode Slack with defaults", () => {
  const c = parseConfig(base, process.cwd());
  assert.equal(c.slack?.mode, "socket");
  assert.equal(c.replyMode, "owner-or-mention");
  assert.match(c.storeUrl, /^sqlite:\/\/.*data\/bridge\.sqlite$/);
  assert.deepEqual(c.secrets.sort(), ["xapp-1", "xoxb-1"]);
});

const bad: [Record<string, string>, RegExp][] = [
  [{}, /No chat platform configured/],
  [{ SLACK_BOT_TOKEN: "nope" }, /SLACK_BOT_TOKEN must start with xoxb-/],
  [{ SLACK_BOT_TOKEN: "xoxb-1" }, /SLACK_APP_TOKEN is required/],
  [{ SLACK_BOT_TOKEN: "xoxb-1", SLACK_MODE: "http" }, /SLACK_SIGNING_SECRET is required/],
  [{ ...base, SLACK_API_URL: "ftp://x" }, /SLACK_API_URL must be an http\(s\) URL/],
  [{ ...base, BRIDGE_APPROVERS: "U123" }, /BRIDGE_APPROVERS must be/],
  [{ ...base, COPILOT_PROVIDER_TYPE: "openai" }, /COPILOT_PROVIDER_BASE_URL is required/],
  [{ ...base, COPILOT_PROVIDER_BASE_URL: "http://127.0.0.1:1/v1" }, /COPILOT_MODEL is required/],
  [{ ...base, COPILOT_RUNTIME_URL: "http://x" }, /COPILOT_RUNTIME_URL must be host:port/],
  [{ ...base, BRIDGE_WORKDIR: "/does/not/exist" }, /BRIDGE_WORKDIR: .* does not exist/],
  [{ ...base, SLACK_PORT: "99999" }, /SLACK_PORT must be a whole number/],
  [
    { ...base, COPILOT_RUNTIME_URL: "127.0.0.1:4000", GITHUB_TOKEN: "ghp_x" },
    /GITHUB_TOKEN cannot be used with/,
  ],
];

for (const [env, message] of bad) {
  test(`rejects ${JSON.stringify(env)}`, () => {
    assert.throws(
      () => parseConfig(env, process.cwd()),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
    );
  });
}

test("approvers and BYOK provider are parsed", () => {
  const c = parseConfig(
    {
      ...base,
      BRIDGE_APPROVERS: "slack:U1, discord:42, discord-role:77",
      COPILOT_PROVIDER_BASE_URL: "http://127.0.0.1:9/v1",
      COPILOT_MODEL: "m",
      COPILOT_PROVIDER_API_KEY: "sk-secret",
    },
    process.cwd(),
  );
  assert.deepEqual(c.approvers, [
    { platform: "slack", id: "U1" },
    { platform: "discord", id: "42" },
  ]);
  assert.deepEqual(c.approverRoles, [{ platform: "discord", id: "77" }]);
  assert.equal(c.provider?.type, "openai");
  assert.ok(c.secrets.includes("sk-secret"));
});

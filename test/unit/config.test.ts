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
  [{ ...base, BRIDGE_MAX_QUEUED: "0" }, /BRIDGE_MAX_QUEUED must be a whole number from 1 to 1000/],
  [{ ...base, BRIDGE_USER_RATE: "5" }, /BRIDGE_USER_RATE must be N\/minute, N\/hour/],
  [{ ...base, BRIDGE_USER_RATE: "0/minute" }, /BRIDGE_USER_RATE must be/],
  [{ ...base, BRIDGE_USER_RATE: "5/day" }, /BRIDGE_USER_RATE must be/],
  [{ ...base, BRIDGE_SESSION_IDLE_DAYS: "0" }, /BRIDGE_SESSION_IDLE_DAYS must be a whole number from 1/],
  [{ ...base, BRIDGE_SESSION_IDLE_DAYS: "two weeks" }, /BRIDGE_SESSION_IDLE_DAYS must be a whole number/],
  [{ ...base, BRIDGE_AUDIT_DAYS: "-5" }, /BRIDGE_AUDIT_DAYS must be a whole number from 1/],
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

test("access settings: admins and allowed people by platform and role, cloud and attach reach", () => {
  const c = parseConfig(
    {
      ...base,
      BRIDGE_ADMINS: "slack:UADMIN,discord-role:42",
      BRIDGE_ALLOWED_CHANNELS: "slack:C1,discord:99",
      BRIDGE_ALLOWED_USERS: "discord:7",
      BRIDGE_CLOUD: "everyone",
      BRIDGE_AGENT_ENV: "JAVA_HOME, GOPATH",
    },
    process.cwd(),
  );
  assert.deepEqual(c.admins, [{ platform: "slack", id: "UADMIN" }]);
  assert.deepEqual(c.adminRoles, [{ platform: "discord", id: "42" }]);
  assert.deepEqual(c.allowedChannels, ["slack:C1", "discord:99"]);
  assert.deepEqual(c.allowedUsers, [{ platform: "discord", id: "7" }]);
  assert.equal(c.cloud, "everyone");
  assert.equal(c.attach, "admins");
  assert.deepEqual(c.agentEnv, ["JAVA_HOME", "GOPATH"]);
  const defaults = parseConfig(base, process.cwd());
  assert.equal(defaults.cloud, "admins");
  assert.equal(defaults.allowedChannels, undefined);
  assert.equal(defaults.allowedUsers, undefined);
});

const badAccess: [Record<string, string>, RegExp][] = [
  [{ ...base, BRIDGE_ADMINS: "U1" }, /BRIDGE_ADMINS must be a comma-separated list/],
  [{ ...base, BRIDGE_CLOUD: "maybe" }, /BRIDGE_CLOUD must be admins, everyone or off/],
  [{ ...base, BRIDGE_ATTACH: "all" }, /BRIDGE_ATTACH must be admins, everyone or off/],
  [{ ...base, BRIDGE_ALLOWED_CHANNELS: "C1" }, /BRIDGE_ALLOWED_CHANNELS must be/],
  [{ ...base, BRIDGE_AGENT_ENV: "A-B" }, /BRIDGE_AGENT_ENV must be a comma-separated list/],
  [
    { ...base, BRIDGE_AGENT_ENV: "PATH,SLACK_BOT_TOKEN" },
    /BRIDGE_AGENT_ENV: SLACK_BOT_TOKEN is one of the bridge's own/,
  ],
  [
    { ...base, BRIDGE_AGENT_ENV: "GITHUB_TOKEN" },
    /BRIDGE_AGENT_ENV: GITHUB_TOKEN is one of the bridge's own/,
  ],
];
for (const [env, message] of badAccess) {
  test(`rejects ${JSON.stringify(env)}`, () => {
    assert.throws(
      () => parseConfig(env, process.cwd()),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
    );
  });
}

test("flood limits: BRIDGE_MAX_QUEUED and BRIDGE_USER_RATE, with their defaults", () => {
  const defaults = parseConfig(base, process.cwd());
  assert.equal(defaults.maxQueued, 20);
  assert.deepEqual(defaults.userRate, { count: 5, windowMs: 60_000 });
  const set = parseConfig({ ...base, BRIDGE_MAX_QUEUED: "50", BRIDGE_USER_RATE: "30/hour" }, process.cwd());
  assert.equal(set.maxQueued, 50);
  assert.deepEqual(set.userRate, { count: 30, windowMs: 3_600_000 });
  assert.deepEqual(parseConfig({ ...base, BRIDGE_USER_RATE: "12/minute" }, process.cwd()).userRate, {
    count: 12,
    windowMs: 60_000,
  });
  assert.equal(parseConfig({ ...base, BRIDGE_USER_RATE: "off" }, process.cwd()).userRate, "off");
});

test("sessions end after 14 idle days and audit entries are kept 90 days, unless told otherwise", () => {
  const defaults = parseConfig(base, process.cwd());
  assert.equal(defaults.sessionIdleDays, 14);
  assert.equal(defaults.auditDays, 90);
  const set = parseConfig(
    { ...base, BRIDGE_SESSION_IDLE_DAYS: "3", BRIDGE_AUDIT_DAYS: "365" },
    process.cwd(),
  );
  assert.equal(set.sessionIdleDays, 3);
  assert.equal(set.auditDays, 365);
});

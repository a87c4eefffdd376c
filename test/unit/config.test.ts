import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { z } from "zod";
import { plugins } from "../../adapters/index.js";
import { ConfigError, parseConfig } from "../../src/config.js";
import { createLogger } from "../../src/core/log.js";
import type { AdapterPlugin, Environment } from "../../src/core/ports/plugin.js";

const base = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" };
const parse = (env: Environment) => parseConfig(env, process.cwd(), plugins);
/** Which platforms came out configured, and what their plug-ins read. */
const platformsOf = (env: Environment) =>
  parse(env).platforms.map((p) => ({ platform: p.plugin.platform, config: p.config }));

test("the plug-in list loads no platform library: each plug-in's create() does, when configured", async () => {
  // Bolt and discord.js are CommonJS, so whatever loaded them shows in the require cache.
  const cache = createRequire(import.meta.url).cache;
  const loaded = (library: string) => Object.keys(cache).some((f) => f.includes(`/node_modules/${library}/`));
  assert.equal(plugins.length, 2);
  assert.ok(!loaded("discord.js") && !loaded("@slack/bolt"), "adapters/index.ts loaded a platform library");
  await import("../../adapters/discord/adapter.js");
  assert.ok(loaded("discord.js"), "the check sees a library once it is loaded");
});

test("Socket Mode Slack with defaults", () => {
  const c = parse(base);
  assert.deepEqual(
    c.platforms.map((p) => [p.plugin.platform, p.config]),
    [["slack", { botToken: "xoxb-1", mode: "socket", port: 3000, appToken: "xapp-1" }]],
  );
  assert.equal(c.replyMode, "owner-or-mention");
  assert.match(c.storeUrl, /^sqlite:\/\/.*data\/bridge\.sqlite$/);
  assert.deepEqual(c.secrets.sort(), ["xapp-1", "xoxb-1"]);
});

test("Slack in HTTP mode, Discord, or both: each plug-in reads its own settings", () => {
  assert.deepEqual(
    platformsOf({
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_MODE: "http",
      SLACK_SIGNING_SECRET: "sign",
      SLACK_PORT: "8080",
      SLACK_API_URL: "http://127.0.0.1:9/api",
    }),
    [
      {
        platform: "slack",
        config: {
          botToken: "xoxb-1",
          mode: "http",
          port: 8080,
          signingSecret: "sign",
          apiUrl: "http://127.0.0.1:9/api/",
        },
      },
    ],
  );
  assert.deepEqual(
    platformsOf({
      DISCORD_BOT_TOKEN: "d-1",
      DISCORD_API_URL: "http://127.0.0.1:9/api//",
      DISCORD_COMMAND_GUILDS: "123, 456",
    }),
    [
      {
        platform: "discord",
        config: { token: "d-1", apiUrl: "http://127.0.0.1:9/api", commandGuilds: ["123", "456"] },
      },
    ],
  );
  const both = parse({ ...base, DISCORD_BOT_TOKEN: "d-1" });
  assert.deepEqual(
    both.platforms.map((p) => p.plugin.platform),
    ["slack", "discord"],
  );
  assert.deepEqual(both.secrets.sort(), ["d-1", "xapp-1", "xoxb-1"]);
});

test("an empty or blank setting counts as unset", () => {
  assert.deepEqual(platformsOf({ ...base, SLACK_PORT: "", SLACK_MODE: "  ", DISCORD_BOT_TOKEN: " " }), [
    { platform: "slack", config: { botToken: "xoxb-1", mode: "socket", port: 3000, appToken: "xapp-1" } },
  ]);
});

const bad: [Environment, RegExp][] = [
  [{}, /No chat platform configured: .*slack, discord/],
  [{ SLACK_BOT_TOKEN: "nope" }, /SLACK_BOT_TOKEN must start with xoxb-/],
  [{ SLACK_BOT_TOKEN: "xoxb-1" }, /SLACK_APP_TOKEN is required/],
  [{ SLACK_BOT_TOKEN: "xoxb-1", SLACK_MODE: "http" }, /SLACK_SIGNING_SECRET is required/],
  [{ SLACK_APP_TOKEN: "xapp-1", DISCORD_BOT_TOKEN: "d" }, /SLACK_BOT_TOKEN is missing/],
  [{ ...base, SLACK_MODE: "HTTP" }, /SLACK_MODE must be socket or http/],
  [{ ...base, SLACK_API_URL: "ftp://x" }, /SLACK_API_URL must be an http\(s\) URL/],
  [{ DISCORD_BOT_TOKEN: "d", DISCORD_API_URL: "discord.com" }, /DISCORD_API_URL must be an http\(s\) URL/],
  [{ DISCORD_BOT_TOKEN: "d", DISCORD_COMMAND_GUILDS: "1,,2" }, /DISCORD_COMMAND_GUILDS must be a comma/],
  [{ ...base, BRIDGE_APPROVERS: "U123" }, /BRIDGE_APPROVERS must be/],
  [{ ...base, COPILOT_PROVIDER_TYPE: "openai" }, /COPILOT_PROVIDER_BASE_URL is required/],
  [{ ...base, COPILOT_PROVIDER_TYPE: "gemini" }, /COPILOT_PROVIDER_TYPE must be openai, azure or anthropic/],
  [{ ...base, COPILOT_PROVIDER_BASE_URL: "http://127.0.0.1:1/v1" }, /COPILOT_MODEL is required/],
  [{ ...base, COPILOT_RUNTIME_URL: "http://x" }, /COPILOT_RUNTIME_URL must be host:port/],
  [{ ...base, BRIDGE_WORKDIR: "/does/not/exist" }, /BRIDGE_WORKDIR: .* does not exist/],
  [{ ...base, BRIDGE_STORE_URL: "postgres://x" }, /BRIDGE_STORE_URL must be sqlite:\/\/path/],
  [{ ...base, SLACK_PORT: "99999" }, /SLACK_PORT must be a whole number/],
  [{ ...base, BRIDGE_MAX_QUEUED: "0" }, /BRIDGE_MAX_QUEUED must be a whole number from 1 to 1000/],
  [{ ...base, BRIDGE_MAX_QUEUED: "1e2" }, /BRIDGE_MAX_QUEUED must be a whole number/],
  [{ ...base, BRIDGE_USER_RATE: "5" }, /BRIDGE_USER_RATE must be N\/minute, N\/hour/],
  [{ ...base, BRIDGE_USER_RATE: "0/minute" }, /BRIDGE_USER_RATE must be/],
  [{ ...base, BRIDGE_USER_RATE: "5/day" }, /BRIDGE_USER_RATE must be/],
  [{ ...base, BRIDGE_SESSION_IDLE_DAYS: "0" }, /BRIDGE_SESSION_IDLE_DAYS must be a whole number from 1/],
  [{ ...base, BRIDGE_SESSION_IDLE_DAYS: "two weeks" }, /BRIDGE_SESSION_IDLE_DAYS must be a whole number/],
  [{ ...base, BRIDGE_AUDIT_DAYS: "-5" }, /BRIDGE_AUDIT_DAYS must be a whole number from 1/],
  [{ ...base, BRIDGE_REMOTE: "yes" }, /BRIDGE_REMOTE must be on or off/],
  [{ ...base, BRIDGE_RATE_LIMITS: "OFF" }, /BRIDGE_RATE_LIMITS must be on or off/],
  [{ ...base, BRIDGE_REPLY_MODE: "all" }, /BRIDGE_REPLY_MODE must be owner-or-mention, mention or any/],
  [{ ...base, LOG_LEVEL: "loud" }, /LOG_LEVEL must be debug, info, warn, error or silent/],
  [
    { ...base, COPILOT_RUNTIME_URL: "127.0.0.1:4000", GITHUB_TOKEN: "ghp_x" },
    /GITHUB_TOKEN cannot be used with/,
  ],
];

for (const [env, message] of bad) {
  test(`rejects ${JSON.stringify(env)}`, () => {
    assert.throws(
      () => parse(env),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
    );
  });
}

test("approvers and BYOK provider are parsed", () => {
  const c = parse({
    ...base,
    BRIDGE_APPROVERS: "slack:U1, discord:42, discord-role:77",
    COPILOT_PROVIDER_BASE_URL: "http://127.0.0.1:9/v1",
    COPILOT_MODEL: "m",
    COPILOT_PROVIDER_API_KEY: "sk-secret",
  });
  assert.deepEqual(c.approvers, [
    { platform: "slack", id: "U1" },
    { platform: "discord", id: "42" },
  ]);
  assert.deepEqual(c.approverRoles, [{ platform: "discord", id: "77" }]);
  assert.equal(c.provider?.type, "openai");
  assert.ok(c.secrets.includes("sk-secret"));
});

test("on/off settings and the rest of the core's defaults", () => {
  const defaults = parse(base);
  assert.equal(defaults.remoteByDefault, false);
  assert.equal(defaults.rateLimits, true);
  assert.equal(defaults.logLevel, "info");
  assert.equal(defaults.maxPromptChars, 20_000);
  assert.equal(defaults.streamIntervalMs, 700);
  const set = parse({
    ...base,
    BRIDGE_REMOTE: "on",
    BRIDGE_RATE_LIMITS: "off",
    LOG_LEVEL: "debug",
    BRIDGE_MAX_PROMPT_CHARS: "500",
    BRIDGE_STREAM_INTERVAL_MS: " 50 ",
    BRIDGE_REPLY_MODE: "any",
    BRIDGE_STORE_URL: "memory://",
  });
  assert.equal(set.remoteByDefault, true);
  assert.equal(set.rateLimits, false);
  assert.equal(set.logLevel, "debug");
  assert.equal(set.maxPromptChars, 500);
  assert.equal(set.streamIntervalMs, 50);
  assert.equal(set.replyMode, "any");
  assert.equal(set.storeUrl, "memory://");
});

test("access settings: admins and allowed people by platform and role, cloud and attach reach", () => {
  const c = parse({
    ...base,
    BRIDGE_ADMINS: "slack:UADMIN,discord-role:42",
    BRIDGE_ALLOWED_CHANNELS: "slack:C1,discord:99",
    BRIDGE_ALLOWED_USERS: "discord:7",
    BRIDGE_CLOUD: "everyone",
    BRIDGE_AGENT_ENV: "JAVA_HOME, GOPATH",
  });
  assert.deepEqual(c.admins, [{ platform: "slack", id: "UADMIN" }]);
  assert.deepEqual(c.adminRoles, [{ platform: "discord", id: "42" }]);
  assert.deepEqual(c.allowedChannels, ["slack:C1", "discord:99"]);
  assert.deepEqual(c.allowedUsers, [{ platform: "discord", id: "7" }]);
  assert.deepEqual(c.allowedUserRoles, []);
  assert.equal(c.cloud, "everyone");
  assert.equal(c.attach, "admins");
  assert.deepEqual(c.agentEnv, ["JAVA_HOME", "GOPATH"]);
  const defaults = parse(base);
  assert.equal(defaults.cloud, "admins");
  assert.equal(defaults.allowedChannels, undefined);
  assert.equal(defaults.allowedUsers, undefined);
  assert.deepEqual(defaults.agentEnv, []);
});

const badAccess: [Environment, RegExp][] = [
  [{ ...base, BRIDGE_ADMINS: "U1" }, /BRIDGE_ADMINS must be a comma-separated list/],
  [{ ...base, BRIDGE_ADMINS: "slack:U1," }, /BRIDGE_ADMINS must be a comma-separated list/],
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
  // A platform no plug-in serves: the message names the setting, the stranger and the platforms served.
  [
    { ...base, BRIDGE_APPROVERS: "slack:U1,teams:U2" },
    /^BRIDGE_APPROVERS: teams is not a platform of this bridge \(it serves slack, discord\)$/,
  ],
  [{ ...base, BRIDGE_ALLOWED_USERS: "teams-role:9" }, /^BRIDGE_ALLOWED_USERS: teams is not a platform/],
  [{ ...base, BRIDGE_ALLOWED_CHANNELS: "teams:C1" }, /^BRIDGE_ALLOWED_CHANNELS: teams is not a platform/],
];
for (const [env, message] of badAccess) {
  test(`rejects ${JSON.stringify(env)}`, () => {
    assert.throws(
      () => parse(env),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
    );
  });
}

test("flood limits: BRIDGE_MAX_QUEUED and BRIDGE_USER_RATE, with their defaults", () => {
  const defaults = parse(base);
  assert.equal(defaults.maxQueued, 20);
  assert.deepEqual(defaults.userRate, { count: 5, windowMs: 60_000 });
  const set = parse({ ...base, BRIDGE_MAX_QUEUED: "50", BRIDGE_USER_RATE: "30/hour" });
  assert.equal(set.maxQueued, 50);
  assert.deepEqual(set.userRate, { count: 30, windowMs: 3_600_000 });
  assert.deepEqual(parse({ ...base, BRIDGE_USER_RATE: "12/minute" }).userRate, {
    count: 12,
    windowMs: 60_000,
  });
  assert.equal(parse({ ...base, BRIDGE_USER_RATE: "off" }).userRate, "off");
});

test("sessions end after 14 idle days and audit entries are kept 90 days, unless told otherwise", () => {
  const defaults = parse(base);
  assert.equal(defaults.sessionIdleDays, 14);
  assert.equal(defaults.auditDays, 90);
  const set = parse({ ...base, BRIDGE_SESSION_IDLE_DAYS: "3", BRIDGE_AUDIT_DAYS: "365" });
  assert.equal(set.sessionIdleDays, 3);
  assert.equal(set.auditDays, 365);
});

test("COPILOT_MCP_CONFIG: the Copilot CLI's file or a bare map of servers, relative to the working directory", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "ccb-mcp-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const server = { type: "stdio", command: "node", args: ["server.js"], tools: ["*"] };
  writeFileSync(join(dir, "cli.json"), JSON.stringify({ mcpServers: { forms: server } }));
  writeFileSync(join(dir, "bare.json"), JSON.stringify({ web: { type: "http", url: "http://127.0.0.1:9" } }));
  writeFileSync(join(dir, "empty-server.json"), JSON.stringify({ mcpServers: { x: { type: "stdio" } } }));
  const at = (file: string) => parseConfig({ ...base, COPILOT_MCP_CONFIG: file }, dir, plugins);
  assert.deepEqual(at("cli.json").mcpServers, { forms: server });
  assert.deepEqual(at("bare.json").mcpServers, { web: { type: "http", url: "http://127.0.0.1:9" } });
  assert.equal(parse(base).mcpServers, undefined);
  assert.throws(() => at("missing.json"), /^ConfigError: COPILOT_MCP_CONFIG: cannot read .*missing\.json/);
  assert.throws(
    () => at("empty-server.json"),
    /COPILOT_MCP_CONFIG: each MCP server needs a command or a url in/,
  );
});

/** A third platform, for these tests only: a plug-in is all the core needs to know about one. */
interface LoopbackConfig {
  token: string;
  delayMs: number;
}
const loopbackPlugin: AdapterPlugin<LoopbackConfig> = {
  platform: "loopback",
  // Bare zod checks, no messages of its own: the bridge still names the setting that is wrong.
  config: z
    .object({
      LOOPBACK_TOKEN: z.string().startsWith("lb-").optional(),
      LOOPBACK_DELAY_MS: z.coerce.number<string>().int().min(0).default(0),
    })
    .transform((e) =>
      e.LOOPBACK_TOKEN ? { token: e.LOOPBACK_TOKEN, delayMs: e.LOOPBACK_DELAY_MS } : undefined,
    ),
  secrets: (config) => [config.token],
  create: () => Promise.reject(new Error("the configuration tests never create an adapter")),
};
const withLoopback = [...plugins, loopbackPlugin];

test("a third plug-in is configured through the same parseConfig, and its secrets are collected", () => {
  const alone = parseConfig(
    { LOOPBACK_TOKEN: "lb-secret", LOOPBACK_DELAY_MS: "5" },
    process.cwd(),
    withLoopback,
  );
  assert.deepEqual(
    alone.platforms.map((p) => [p.plugin, p.config]),
    [[loopbackPlugin, { token: "lb-secret", delayMs: 5 }]],
  );
  assert.deepEqual(alone.secrets, ["lb-secret"]);
  const all = parseConfig(
    { ...base, DISCORD_BOT_TOKEN: "d-1", LOOPBACK_TOKEN: "lb-secret" },
    process.cwd(),
    withLoopback,
  );
  assert.deepEqual(
    all.platforms.map((p) => p.plugin.platform),
    ["slack", "discord", "loopback"],
  );
  assert.deepEqual(all.secrets.sort(), ["d-1", "lb-secret", "xapp-1", "xoxb-1"]);
  // Without the plug-in in the list, its settings are just other variables.
  assert.deepEqual(
    parseConfig({ ...base, LOOPBACK_TOKEN: "lb-secret" }, process.cwd(), plugins).secrets.sort(),
    ["xapp-1", "xoxb-1"],
  );
});

test("loopback:U1 and loopback-role:R1 are people only when the loopback plug-in is in the list", () => {
  const env = {
    ...base,
    BRIDGE_APPROVERS: "loopback:U1,loopback-role:R1",
    BRIDGE_ALLOWED_CHANNELS: "loopback:C1",
  };
  const c = parseConfig(env, process.cwd(), withLoopback);
  assert.deepEqual(c.approvers, [{ platform: "loopback", id: "U1" }]);
  assert.deepEqual(c.approverRoles, [{ platform: "loopback", id: "R1" }]);
  assert.deepEqual(c.allowedChannels, ["loopback:C1"]);
  assert.throws(
    () => parseConfig(env, process.cwd(), plugins),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message === "BRIDGE_APPROVERS: loopback is not a platform of this bridge (it serves slack, discord)",
  );
});

test("a plug-in's malformed setting stops start-up with a line naming that setting", () => {
  for (const [env, setting] of [
    [{ LOOPBACK_TOKEN: "nope" }, "LOOPBACK_TOKEN"],
    [{ LOOPBACK_TOKEN: "lb-1", LOOPBACK_DELAY_MS: "soon" }, "LOOPBACK_DELAY_MS"],
  ] as const) {
    assert.throws(
      () => parseConfig(env, process.cwd(), withLoopback),
      (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${setting}: `),
    );
  }
});

test("with a third plug-in, nothing configured names every platform, and its settings stay from the agent", () => {
  assert.throws(
    () => parseConfig({}, process.cwd(), withLoopback),
    /No chat platform configured: .*slack, discord, loopback/,
  );
  assert.throws(
    () => parseConfig({ ...base, BRIDGE_AGENT_ENV: "LOOPBACK_TOKEN" }, process.cwd(), withLoopback),
    /BRIDGE_AGENT_ENV: LOOPBACK_TOKEN is one of the bridge's own settings/,
  );
});

test("BRIDGE_SECRET_KEY: 64 hex characters or base64 of 32 bytes becomes the store's key, and a secret", () => {
  const key = randomBytes(32);
  assert.equal(parse(base).secretKey, undefined, "unset: linking is off, start-up goes on");
  assert.equal(parse({ ...base, BRIDGE_SECRET_KEY: "  " }).secretKey, undefined);
  for (const text of [key.toString("hex"), key.toString("base64"), key.toString("base64url")]) {
    const c = parse({ ...base, BRIDGE_SECRET_KEY: text });
    assert.deepEqual(Buffer.from(c.secretKey ?? []), key);
    // As written, and in the spellings it could be printed in: the logger redacts all of them.
    for (const form of [text, key.toString("hex"), key.toString("base64"), key.toString("base64url")]) {
      assert.ok(c.secrets.includes(form), `secrets lack the key as ${form}`);
    }
    const lines: string[] = [];
    const log = createLogger("info", c.secrets, (l) => lines.push(l));
    log.info("oops", {
      hex: key.toString("hex"),
      b64: key.toString("base64"),
      url: key.toString("base64url"),
    });
    assert.ok(!lines.join("\n").includes(key.toString("hex").slice(0, 16)));
    assert.ok(!lines.join("\n").includes(key.toString("base64").slice(0, 16)));
    assert.ok(!lines.join("\n").includes(key.toString("base64url").slice(0, 16)));
  }
});

test("a malformed BRIDGE_SECRET_KEY stops start-up with a line naming it and the format, never the value", () => {
  for (const text of [
    "hunter2-is-my-password",
    randomBytes(16).toString("hex"),
    randomBytes(24).toString("base64"),
    `${randomBytes(32).toString("hex")}00`,
    "0".repeat(64),
  ]) {
    assert.throws(
      () => parse({ ...base, BRIDGE_SECRET_KEY: text }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /^BRIDGE_SECRET_KEY: /);
        assert.match(e.message, /32 random bytes, written as 64 hex characters or as base64/);
        assert.match(e.message, /openssl rand -base64 32/);
        assert.ok(!e.message.includes(text), `the message quotes the value: ${e.message}`);
        for (const piece of text.match(/[A-Za-z0-9+/]{8,}/g) ?? []) {
          assert.ok(
            !e.message.includes(piece.slice(0, 8)),
            `the message quotes part of the value: ${e.message}`,
          );
        }
        return true;
      },
      text,
    );
  }
});

test("BRIDGE_SECRET_KEY is one of the bridge's own settings: never passed on to the agent", () => {
  assert.throws(
    () => parse({ ...base, BRIDGE_AGENT_ENV: "BRIDGE_SECRET_KEY" }),
    /BRIDGE_AGENT_ENV: BRIDGE_SECRET_KEY is one of the bridge's own settings/,
  );
});

test("GITHUB_OAUTH_CLIENT_ID turns on account linking with BRIDGE_SECRET_KEY; GITHUB_HOST picks the GitHub", () => {
  const key = "a".repeat(32) + "b".repeat(32);
  assert.equal(parse(base).oauth, undefined);
  assert.throws(
    () => parse({ ...base, GITHUB_OAUTH_CLIENT_ID: "Iv1.abc" }),
    /^ConfigError: GITHUB_OAUTH_CLIENT_ID needs BRIDGE_SECRET_KEY/,
  );
  const linked = parse({ ...base, GITHUB_OAUTH_CLIENT_ID: "Iv1.abc", BRIDGE_SECRET_KEY: key });
  assert.deepEqual(linked.oauth, { clientId: "Iv1.abc", host: "github.com" });
  const enterprise = parse({
    ...base,
    GITHUB_OAUTH_CLIENT_ID: "Iv1.abc",
    GITHUB_OAUTH_CLIENT_SECRET: "oauth-client-secret-1",
    GITHUB_HOST: "ghe.example.com",
    BRIDGE_SECRET_KEY: key,
  });
  assert.deepEqual(enterprise.oauth, {
    clientId: "Iv1.abc",
    clientSecret: "oauth-client-secret-1",
    host: "ghe.example.com",
  });
  assert.ok(enterprise.secrets.includes("oauth-client-secret-1"), "the client secret is never printed");
  assert.throws(
    () => parse({ ...base, GITHUB_HOST: "https://ghe.example.com/" }),
    /^ConfigError: GITHUB_HOST must be a host name/,
  );
});

test("BRIDGE_IDENTITY: preferred by default; required needs linking set up; other words are refused", () => {
  const key = "a".repeat(32) + "b".repeat(32);
  const linking = { ...base, GITHUB_OAUTH_CLIENT_ID: "Iv1.abc", BRIDGE_SECRET_KEY: key };
  assert.equal(parse(base).identityPolicy, "preferred");
  assert.equal(parse(base).cloudAsBridge, false);
  assert.equal(parse({ ...linking, BRIDGE_IDENTITY: "required" }).identityPolicy, "required");
  assert.equal(parse({ ...base, BRIDGE_IDENTITY: "bridge" }).identityPolicy, "bridge");
  assert.throws(
    () => parse({ ...base, BRIDGE_IDENTITY: "required" }),
    /^ConfigError: BRIDGE_IDENTITY=required needs GITHUB_OAUTH_CLIENT_ID/,
  );
  assert.throws(() => parse({ ...base, BRIDGE_IDENTITY: "mine" }), /BRIDGE_IDENTITY/);
  assert.equal(parse({ ...base, BRIDGE_CLOUD_AS_BRIDGE: "on" }).cloudAsBridge, true);
  assert.throws(
    () => parse({ ...base, BRIDGE_CLOUD_AS_BRIDGE: "yes" }),
    /BRIDGE_CLOUD_AS_BRIDGE must be on or off/,
  );
});

test("BRIDGE_MAX_AI_CREDITS: none by default; at least 30, the runtime's smallest session limit", () => {
  assert.equal(parse(base).maxAiCredits, undefined);
  assert.equal(parse({ ...base, BRIDGE_MAX_AI_CREDITS: "0" }).maxAiCredits, undefined);
  assert.equal(parse({ ...base, BRIDGE_MAX_AI_CREDITS: "30" }).maxAiCredits, 30);
  assert.throws(
    () => parse({ ...base, BRIDGE_MAX_AI_CREDITS: "29" }),
    /BRIDGE_MAX_AI_CREDITS must be at least 30/,
  );
  assert.throws(
    () => parse({ ...base, BRIDGE_MAX_AI_CREDITS: "lots" }),
    /BRIDGE_MAX_AI_CREDITS must be a whole number/,
  );
});

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { isBridgeSetting } from "./copilot/runtime-env.js";
import type { LogLevel } from "./core/log.js";
import type { Reach, ReplyMode } from "./core/policy.js";
import type { UserRef } from "./core/vocabulary/refs.js";

export interface SlackConfig {
  botToken: string;
  mode: "socket" | "http";
  appToken?: string;
  signingSecret?: string;
  port: number;
  apiUrl?: string;
}

export interface Config {
  slack?: SlackConfig;
  discord?: { botToken: string; apiUrl?: string; commandGuilds: string[] };
  gitHubToken?: string;
  provider?: {
    type: "openai" | "azure" | "anthropic";
    baseUrl: string;
    apiKey?: string;
    wireApi?: "completions" | "responses";
  };
  model?: string;
  runtimeUrl?: string;
  runtimeToken?: string;
  /** MCP servers every session gets (COPILOT_MCP_CONFIG). */
  mcpServers?: Record<string, Record<string, unknown>>;
  workingDirectory: string;
  storeUrl: string;
  approvers: UserRef[];
  /** Roles whose members are approvers (`discord-role:<id>` in BRIDGE_APPROVERS). */
  approverRoles: UserRef[];
  /** Who may do everything an approver may anywhere, attach sessions and change channel settings. */
  admins: UserRef[];
  adminRoles: UserRef[];
  /** Who may start cloud sessions and attach terminal sessions (BRIDGE_CLOUD, BRIDGE_ATTACH). */
  cloud: Reach;
  attach: Reach;
  /** When set, only these channels (`platform:id`) and people may run commands. */
  allowedChannels?: string[];
  allowedUsers?: UserRef[];
  allowedUserRoles?: UserRef[];
  /** Extra variables the agent's tools may see (BRIDGE_AGENT_ENV). */
  agentEnv: string[];
  replyMode: ReplyMode;
  /** Share every new session through Mission Control. */
  remoteByDefault: boolean;
  /** Pace platform calls to the documented rate limits (BRIDGE_RATE_LIMITS, default on). */
  rateLimits: boolean;
  maxPromptChars: number;
  /** Most messages a thread queues while a turn runs (BRIDGE_MAX_QUEUED). */
  maxQueued: number;
  /** Messages per person per thread for all but owners and approvers (BRIDGE_USER_RATE); `off`: none. */
  userRate: { count: number; windowMs: number } | "off";
  streamIntervalMs: number;
  /** Days without a prompt after which a session ends by itself (BRIDGE_SESSION_IDLE_DAYS, default 14). */
  sessionIdleDays: number;
  /** Days audit entries are kept (BRIDGE_AUDIT_DAYS, default 90). */
  auditDays: number;
  logLevel: LogLevel;
  /** Values never to be printed. */
  secrets: string[];
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();
const url = (name: string) =>
  optionalText.refine(
    (v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v),
    `${name} must be an http(s) URL`,
  );
const int = (name: string, min: number, max: number) =>
  optionalText.refine(
    (v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= min && Number(v) <= max),
    `${name} must be a whole number from ${min} to ${max}`,
  );

const peopleList = (name: string) =>
  optionalText.refine(
    (v) =>
      v === undefined || v.split(",").every((p) => /^(slack|discord|discord-role):[\w-]+$/.test(p.trim())),
    `${name} must be a comma-separated list like slack:U123,discord:456,discord-role:789`,
  );
const reach = (name: string) =>
  optionalText.refine(
    (v) => v === undefined || v === "admins" || v === "everyone" || v === "off",
    `${name} must be admins, everyone or off`,
  );

const schema = z.object({
  SLACK_BOT_TOKEN: optionalText.refine(
    (v) => v === undefined || v.startsWith("xoxb-"),
    "SLACK_BOT_TOKEN must start with xoxb-",
  ),
  SLACK_APP_TOKEN: optionalText.refine(
    (v) => v === undefined || v.startsWith("xapp-"),
    "SLACK_APP_TOKEN must start with xapp-",
  ),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_MODE: optionalText.refine(
    (v) => v === undefined || v === "socket" || v === "http",
    "SLACK_MODE must be socket or http",
  ),
  SLACK_PORT: int("SLACK_PORT", 1, 65535),
  SLACK_API_URL: url("SLACK_API_URL"),
  DISCORD_BOT_TOKEN: optionalText,
  DISCORD_API_URL: url("DISCORD_API_URL"),
  DISCORD_COMMAND_GUILDS: optionalText.refine(
    (v) => v === undefined || v.split(",").every((p) => /^\d{1,20}$/.test(p.trim())),
    "DISCORD_COMMAND_GUILDS must be a comma-separated list of guild ids",
  ),
  GITHUB_TOKEN: optionalText,
  COPILOT_PROVIDER_TYPE: optionalText.refine(
    (v) => v === undefined || ["openai", "azure", "anthropic"].includes(v),
    "COPILOT_PROVIDER_TYPE must be openai, azure or anthropic",
  ),
  COPILOT_PROVIDER_BASE_URL: url("COPILOT_PROVIDER_BASE_URL"),
  COPILOT_PROVIDER_API_KEY: optionalText,
  COPILOT_PROVIDER_WIRE_API: optionalText.refine(
    (v) => v === undefined || v === "completions" || v === "responses",
    "COPILOT_PROVIDER_WIRE_API must be completions or responses",
  ),
  COPILOT_MODEL: optionalText,
  COPILOT_RUNTIME_URL: optionalText.refine(
    (v) => v === undefined || /^[\w.-]+:\d{1,5}$/.test(v),
    "COPILOT_RUNTIME_URL must be host:port",
  ),
  COPILOT_CONNECTION_TOKEN: optionalText,
  COPILOT_MCP_CONFIG: optionalText,
  BRIDGE_WORKDIR: optionalText,
  BRIDGE_STORE_URL: optionalText.refine(
    (v) => v === undefined || v.startsWith("sqlite://") || v === "memory://",
    "BRIDGE_STORE_URL must be sqlite://path (or memory:// for a throwaway store)",
  ),
  BRIDGE_APPROVERS: peopleList("BRIDGE_APPROVERS"),
  BRIDGE_ADMINS: peopleList("BRIDGE_ADMINS"),
  BRIDGE_ALLOWED_USERS: peopleList("BRIDGE_ALLOWED_USERS"),
  BRIDGE_ALLOWED_CHANNELS: optionalText.refine(
    (v) => v === undefined || v.split(",").every((p) => /^(slack|discord):[\w-]+$/.test(p.trim())),
    "BRIDGE_ALLOWED_CHANNELS must be a comma-separated list like slack:C123,discord:456",
  ),
  BRIDGE_CLOUD: reach("BRIDGE_CLOUD"),
  BRIDGE_ATTACH: reach("BRIDGE_ATTACH"),
  BRIDGE_AGENT_ENV: optionalText.refine(
    (v) => v === undefined || v.split(",").every((p) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(p.trim())),
    "BRIDGE_AGENT_ENV must be a comma-separated list of environment variable names",
  ),
  BRIDGE_REMOTE: optionalText.refine(
    (v) => v === undefined || v === "on" || v === "off",
    "BRIDGE_REMOTE must be on or off",
  ),
  BRIDGE_RATE_LIMITS: optionalText.refine(
    (v) => v === undefined || v === "on" || v === "off",
    "BRIDGE_RATE_LIMITS must be on or off",
  ),
  BRIDGE_REPLY_MODE: optionalText.refine(
    (v) => v === undefined || ["owner-or-mention", "mention", "any"].includes(v),
    "BRIDGE_REPLY_MODE must be owner-or-mention, mention or any",
  ),
  BRIDGE_MAX_PROMPT_CHARS: int("BRIDGE_MAX_PROMPT_CHARS", 1, 1_000_000),
  BRIDGE_MAX_QUEUED: int("BRIDGE_MAX_QUEUED", 1, 1000),
  BRIDGE_USER_RATE: optionalText.refine(
    (v) => v === undefined || v === "off" || /^[1-9]\d{0,5}\/(minute|hour)$/.test(v),
    "BRIDGE_USER_RATE must be N/minute, N/hour (N from 1) or off",
  ),
  BRIDGE_STREAM_INTERVAL_MS: int("BRIDGE_STREAM_INTERVAL_MS", 50, 10_000),
  BRIDGE_SESSION_IDLE_DAYS: int("BRIDGE_SESSION_IDLE_DAYS", 1, 3650),
  BRIDGE_AUDIT_DAYS: int("BRIDGE_AUDIT_DAYS", 1, 36_500),
  LOG_LEVEL: optionalText.refine(
    (v) => v === undefined || ["debug", "info", "warn", "error", "silent"].includes(v),
    "LOG_LEVEL must be debug, info, warn, error or silent",
  ),
});

/** Reads `.env` (if present) under the real environment, which wins. */
export function loadDotEnv(cwd: string): void {
  const file = resolve(cwd, ".env");
  if (existsSync(file)) process.loadEnvFile(file);
}

/** Parses the environment; throws `ConfigError` with one line naming the first bad or missing setting. */
export function parseConfig(env: Record<string, string | undefined>, cwd: string): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(issue?.message ?? "invalid configuration");
  }
  const e = parsed.data;
  const config: Config = {
    workingDirectory: resolve(cwd, e.BRIDGE_WORKDIR ?? "."),
    storeUrl: storeUrlOf(e.BRIDGE_STORE_URL, cwd),
    approvers: people(e.BRIDGE_APPROVERS).users,
    approverRoles: people(e.BRIDGE_APPROVERS).roles,
    admins: people(e.BRIDGE_ADMINS).users,
    adminRoles: people(e.BRIDGE_ADMINS).roles,
    cloud: (e.BRIDGE_CLOUD as Reach | undefined) ?? "admins",
    attach: (e.BRIDGE_ATTACH as Reach | undefined) ?? "admins",
    ...(e.BRIDGE_ALLOWED_CHANNELS
      ? { allowedChannels: e.BRIDGE_ALLOWED_CHANNELS.split(",").map((c) => c.trim()) }
      : {}),
    ...(e.BRIDGE_ALLOWED_USERS
      ? {
          allowedUsers: people(e.BRIDGE_ALLOWED_USERS).users,
          allowedUserRoles: people(e.BRIDGE_ALLOWED_USERS).roles,
        }
      : {}),
    agentEnv: (e.BRIDGE_AGENT_ENV ?? "")
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean),
    replyMode: (e.BRIDGE_REPLY_MODE as ReplyMode | undefined) ?? "owner-or-mention",
    remoteByDefault: e.BRIDGE_REMOTE === "on",
    rateLimits: e.BRIDGE_RATE_LIMITS !== "off",
    maxPromptChars: Number(e.BRIDGE_MAX_PROMPT_CHARS ?? 20_000),
    maxQueued: Number(e.BRIDGE_MAX_QUEUED ?? 20),
    userRate: userRate(e.BRIDGE_USER_RATE ?? "5/minute"),
    streamIntervalMs: Number(e.BRIDGE_STREAM_INTERVAL_MS ?? 700),
    sessionIdleDays: Number(e.BRIDGE_SESSION_IDLE_DAYS ?? 14),
    auditDays: Number(e.BRIDGE_AUDIT_DAYS ?? 90),
    logLevel: (e.LOG_LEVEL as LogLevel | undefined) ?? "info",
    secrets: [],
  };
  const forbidden = config.agentEnv.find(isBridgeSetting);
  if (forbidden) {
    throw new ConfigError(
      `BRIDGE_AGENT_ENV: ${forbidden} is one of the bridge's own settings and is never passed on`,
    );
  }
  if (!existsSync(config.workingDirectory)) {
    throw new ConfigError(`BRIDGE_WORKDIR: ${config.workingDirectory} does not exist`);
  }

  if (e.SLACK_BOT_TOKEN) {
    const mode = e.SLACK_MODE === "http" ? "http" : "socket";
    if (mode === "socket" && !e.SLACK_APP_TOKEN) {
      throw new ConfigError(
        "SLACK_APP_TOKEN is required for Socket Mode (or set SLACK_MODE=http and SLACK_SIGNING_SECRET)",
      );
    }
    if (mode === "http" && !e.SLACK_SIGNING_SECRET) {
      throw new ConfigError("SLACK_SIGNING_SECRET is required when SLACK_MODE=http");
    }
    config.slack = {
      botToken: e.SLACK_BOT_TOKEN,
      mode,
      port: Number(e.SLACK_PORT ?? 3000),
      ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
      ...(e.SLACK_SIGNING_SECRET ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
      ...(e.SLACK_API_URL
        ? { apiUrl: e.SLACK_API_URL.endsWith("/") ? e.SLACK_API_URL : `${e.SLACK_API_URL}/` }
        : {}),
    };
  } else if (e.SLACK_APP_TOKEN || e.SLACK_SIGNING_SECRET) {
    throw new ConfigError("SLACK_BOT_TOKEN is missing (SLACK_APP_TOKEN / SLACK_SIGNING_SECRET are set)");
  }
  if (e.DISCORD_BOT_TOKEN) {
    config.discord = {
      botToken: e.DISCORD_BOT_TOKEN,
      commandGuilds: (e.DISCORD_COMMAND_GUILDS ?? "")
        .split(",")
        .map((g) => g.trim())
        .filter(Boolean),
      ...(e.DISCORD_API_URL ? { apiUrl: e.DISCORD_API_URL.replace(/\/+$/, "") } : {}),
    };
  }
  if (!config.slack && !config.discord) {
    throw new ConfigError(
      "No chat platform configured: set SLACK_BOT_TOKEN (and SLACK_APP_TOKEN) or DISCORD_BOT_TOKEN",
    );
  }

  if (e.COPILOT_PROVIDER_TYPE || e.COPILOT_PROVIDER_BASE_URL) {
    if (!e.COPILOT_PROVIDER_BASE_URL)
      throw new ConfigError("COPILOT_PROVIDER_BASE_URL is required with COPILOT_PROVIDER_TYPE");
    if (!e.COPILOT_MODEL)
      throw new ConfigError("COPILOT_MODEL is required with a bring-your-own-key provider");
    config.provider = {
      type: (e.COPILOT_PROVIDER_TYPE as "openai" | "azure" | "anthropic" | undefined) ?? "openai",
      baseUrl: e.COPILOT_PROVIDER_BASE_URL,
      ...(e.COPILOT_PROVIDER_API_KEY ? { apiKey: e.COPILOT_PROVIDER_API_KEY } : {}),
      ...(e.COPILOT_PROVIDER_WIRE_API
        ? { wireApi: e.COPILOT_PROVIDER_WIRE_API as "completions" | "responses" }
        : {}),
    };
  }
  if (e.COPILOT_MODEL) config.model = e.COPILOT_MODEL;
  if (e.COPILOT_MCP_CONFIG) config.mcpServers = readMcpConfig(resolve(cwd, e.COPILOT_MCP_CONFIG));
  if (e.GITHUB_TOKEN) config.gitHubToken = e.GITHUB_TOKEN;
  if (e.COPILOT_RUNTIME_URL) {
    if (e.GITHUB_TOKEN) {
      throw new ConfigError(
        "GITHUB_TOKEN cannot be used with COPILOT_RUNTIME_URL: the external runtime signs in on its own (unset one of them)",
      );
    }
    config.runtimeUrl = e.COPILOT_RUNTIME_URL;
  }
  if (e.COPILOT_CONNECTION_TOKEN) config.runtimeToken = e.COPILOT_CONNECTION_TOKEN;

  config.secrets = [
    e.SLACK_BOT_TOKEN,
    e.SLACK_APP_TOKEN,
    e.SLACK_SIGNING_SECRET,
    e.DISCORD_BOT_TOKEN,
    e.GITHUB_TOKEN,
    e.COPILOT_PROVIDER_API_KEY,
    e.COPILOT_CONNECTION_TOKEN,
  ].filter((s): s is string => typeof s === "string");
  return config;
}

/** BRIDGE_STORE_URL, or the default `sqlite://<cwd>/data/bridge.sqlite` (also for `npm run audit`). */
export function storeUrlOf(value: string | undefined, cwd: string): string {
  const url = value?.trim();
  return url ? url : `sqlite://${resolve(cwd, "data/bridge.sqlite")}`;
}

/** `5/minute` → 5 per 60 s; `off` → no limit. */
function userRate(raw: string): Config["userRate"] {
  if (raw === "off") return "off";
  const [count = "", unit] = raw.split("/");
  return { count: Number(count), windowMs: unit === "hour" ? 3_600_000 : 60_000 };
}

/** `slack:U1,discord:2,discord-role:3` → people and (Discord) roles, each platform-qualified. */
function people(raw: string | undefined): { users: UserRef[]; roles: UserRef[] } {
  const users: UserRef[] = [];
  const roles: UserRef[] = [];
  for (const part of (raw ?? "").split(",")) {
    const [kind = "", id = ""] = part.trim().split(":");
    if (kind === "slack" || kind === "discord") users.push({ platform: kind, id });
    else if (kind === "discord-role") roles.push({ platform: "discord", id });
  }
  return { users, roles };
}

const mcpServer = z
  .object({
    type: z.enum(["stdio", "local", "http", "sse"]).optional(),
    command: z.string().optional(),
    url: z.string().optional(),
  })
  .loose()
  .refine((s) => s.command !== undefined || s.url !== undefined, "each MCP server needs a command or a url");
const mcpFile = z.union([
  z.object({ mcpServers: z.record(z.string(), mcpServer) }),
  z.record(z.string(), mcpServer),
]);

/** `{"mcpServers": {name: {type, command, args, tools…}}}` (the Copilot CLI's format) or the bare map. */
function readMcpConfig(file: string): Record<string, Record<string, unknown>> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`COPILOT_MCP_CONFIG: cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = mcpFile.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      `COPILOT_MCP_CONFIG: ${parsed.error.issues[0]?.message ?? "not an MCP server map"} in ${file}`,
    );
  }
  const map =
    "mcpServers" in parsed.data && typeof parsed.data.mcpServers === "object"
      ? parsed.data.mcpServers
      : parsed.data;
  return map as Record<string, Record<string, unknown>>;
}

/**
 * The core's settings: one zod schema over the environment (each setting checked alone), then what
 * settings say together (a provider needs its URL and a model…), giving a `CoreConfig`.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import {
  channelList,
  httpUrl,
  list,
  oneOf,
  onOff,
  peopleList,
  setting,
  wholeNumber,
} from "./config-fields.js";
import type { ProviderSettings } from "./copilot/gateway.js";
import { isBridgeSetting } from "./copilot/runtime-env.js";
import type { LogLevel } from "./core/log.js";
import type { Reach, ReplyMode } from "./core/policy.js";
import type { Repository } from "./core/ports/workspace.js";
import type { IdentityPolicy } from "./core/vocabulary/identity.js";
import type { UserRef } from "./core/vocabulary/refs.js";
import { type McpServer, readMcpConfig } from "./mcp-config.js";
import { parseSecretKey } from "./store/secret-box.js";
import { parseRepos } from "./workspace/repo-list.js";

/** The core's settings: what `coreSettings` gives once the environment has passed its checks. */
export interface CoreConfig {
  gitHubToken?: string;
  provider?: ProviderSettings;
  model?: string;
  runtimeUrl?: string;
  runtimeToken?: string;
  /** MCP servers every session gets (COPILOT_MCP_CONFIG). */
  mcpServers?: Record<string, McpServer>;
  workingDirectory: string;
  /** Repositories sessions may work in (BRIDGE_REPOS); empty: BRIDGE_WORKDIR. */
  repos: Repository[];
  /** Where clones and worktrees live (BRIDGE_DATA_DIR, default ./data). */
  dataDir: string;
  /** Most session worktrees at once (BRIDGE_MAX_WORKTREES, default 50). */
  maxWorktrees: number;
  /** Each new session's budget in AI credits (BRIDGE_MAX_AI_CREDITS; the runtime's minimum is 30). */
  maxAiCredits?: number;
  storeUrl: string;
  /** BRIDGE_SECRET_KEY: 32 bytes that encrypt linked GitHub accounts' tokens; linking is off without it. */
  secretKey?: Uint8Array;
  /** GitHub account linking: the OAuth (or GitHub App) client, and the host (GITHUB_HOST). */
  oauth?: { clientId: string; clientSecret?: string; host: string };
  /** Whose GitHub account sessions run as (BRIDGE_IDENTITY). */
  identityPolicy: IdentityPolicy;
  /** Cloud sessions may use the bridge's account for people who have not linked theirs. */
  cloudAsBridge: boolean;
  approvers: UserRef[];
  /** Roles whose members are approvers (`<platform>-role:<id>` in BRIDGE_APPROVERS). */
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
  /**
   * The core's values never to be printed: GitHub token, provider key, runtime connection token,
   * the secret key (as written, and in hex and base64).
   */
  secrets: string[];
}

/**
 * The bridge's own settings, and each plug-in's (named after its platform: SLACK_*, DISCORD_*…):
 * never passed on to the agent, whatever BRIDGE_AGENT_ENV says.
 */
const ownSetting = (name: string, platforms: readonly string[]) =>
  isBridgeSetting(name) || platforms.some((p) => name.startsWith(`${p.toUpperCase()}_`));

/** `5/minute` → 5 per 60 s; `off` → no limit. */
function userRate(raw: string): CoreConfig["userRate"] {
  if (raw === "off") return "off";
  const [count = "", unit] = raw.split("/");
  return { count: Number(count), windowMs: unit === "hour" ? 3_600_000 : 60_000 };
}

/** BRIDGE_SECRET_KEY as written, and in the other spellings it could be printed in. */
function secretKeyForms(setting: { text: string; key: Uint8Array } | undefined): string[] {
  if (!setting) return [];
  const bytes = Buffer.from(setting.key);
  const forms = [setting.text, bytes.toString("hex"), bytes.toString("base64"), bytes.toString("base64url")];
  return [...new Set(forms)];
}

/** The core's settings: relative paths are read from `cwd`; people and channels name `platforms`. */
export function coreSettings(cwd: string, platforms: readonly string[]) {
  const reach = (name: string) => setting.pipe(oneOf(name, ["admins", "everyone", "off"]).default("admins"));
  const settings = z.object({
    GITHUB_TOKEN: setting,
    GITHUB_OAUTH_CLIENT_ID: setting,
    GITHUB_OAUTH_CLIENT_SECRET: setting,
    GITHUB_HOST: setting.pipe(
      z
        .string()
        .regex(
          /^[a-z0-9.-]+(:\d{1,5})?$/,
          "GITHUB_HOST must be a host name such as github.com or ghe.example.com",
        )
        .default("github.com"),
    ),
    BRIDGE_IDENTITY: setting.pipe(
      oneOf("BRIDGE_IDENTITY", ["required", "preferred", "bridge"]).default("preferred"),
    ),
    BRIDGE_CLOUD_AS_BRIDGE: onOff("BRIDGE_CLOUD_AS_BRIDGE", false),
    COPILOT_PROVIDER_TYPE: setting.pipe(
      oneOf("COPILOT_PROVIDER_TYPE", ["openai", "azure", "anthropic"]).optional(),
    ),
    COPILOT_PROVIDER_BASE_URL: httpUrl("COPILOT_PROVIDER_BASE_URL"),
    COPILOT_PROVIDER_API_KEY: setting,
    COPILOT_PROVIDER_WIRE_API: setting.pipe(
      oneOf("COPILOT_PROVIDER_WIRE_API", ["completions", "responses"]).optional(),
    ),
    COPILOT_MODEL: setting,
    COPILOT_RUNTIME_URL: setting.pipe(
      z
        .string()
        .regex(/^[\w.-]+:\d{1,5}$/, "COPILOT_RUNTIME_URL must be host:port")
        .optional(),
    ),
    COPILOT_CONNECTION_TOKEN: setting,
    COPILOT_MCP_CONFIG: setting.transform((v, ctx) =>
      v === undefined ? undefined : readMcpConfig(resolve(cwd, v), ctx),
    ),
    BRIDGE_WORKDIR: setting.transform((v, ctx) => {
      const dir = resolve(cwd, v ?? ".");
      if (!existsSync(dir)) ctx.addIssue(`BRIDGE_WORKDIR: ${dir} does not exist`);
      return dir;
    }),
    BRIDGE_REPOS: setting.transform((v, ctx): Repository[] => {
      if (v === undefined) return [];
      try {
        return parseRepos(v, cwd);
      } catch (error) {
        ctx.addIssue(error instanceof Error ? error.message : String(error));
        return z.NEVER;
      }
    }),
    BRIDGE_DATA_DIR: setting.transform((v) => resolve(cwd, v ?? "data")),
    BRIDGE_MAX_WORKTREES: wholeNumber("BRIDGE_MAX_WORKTREES", 1, 10_000, 50),
    // The runtime refuses a session limit under 30 AI credits; 0 (the default) sets none.
    BRIDGE_MAX_AI_CREDITS: wholeNumber("BRIDGE_MAX_AI_CREDITS", 0, 1_000_000, 0).refine(
      (n) => n === 0 || n >= 30,
      "BRIDGE_MAX_AI_CREDITS must be at least 30 (the Copilot runtime's smallest session limit), or 0 for none",
    ),
    BRIDGE_STORE_URL: setting
      .pipe(
        z
          .string()
          .refine(
            (v) => v.startsWith("sqlite://") || v === "memory://",
            "BRIDGE_STORE_URL must be sqlite://path (or memory:// for a throwaway store)",
          )
          .optional(),
      )
      .transform((v) => storeUrlOf(v, cwd)),
    BRIDGE_SECRET_KEY: setting.transform((v, ctx) => {
      if (v === undefined) return undefined;
      try {
        return { text: v, key: parseSecretKey(v) };
      } catch (error) {
        // parseSecretKey's message says what is needed and never quotes the value.
        ctx.addIssue(`BRIDGE_SECRET_KEY: ${error instanceof Error ? error.message : "not a valid key"}`);
        return z.NEVER;
      }
    }),
    BRIDGE_APPROVERS: peopleList("BRIDGE_APPROVERS", platforms),
    BRIDGE_ADMINS: peopleList("BRIDGE_ADMINS", platforms),
    BRIDGE_ALLOWED_USERS: peopleList("BRIDGE_ALLOWED_USERS", platforms),
    BRIDGE_ALLOWED_CHANNELS: channelList("BRIDGE_ALLOWED_CHANNELS", platforms),
    BRIDGE_CLOUD: reach("BRIDGE_CLOUD"),
    BRIDGE_ATTACH: reach("BRIDGE_ATTACH"),
    BRIDGE_AGENT_ENV: setting.pipe(
      list(
        z
          .string()
          .regex(
            /^[A-Za-z_][A-Za-z0-9_]*$/,
            "BRIDGE_AGENT_ENV must be a comma-separated list of environment variable names",
          )
          .superRefine((n, ctx) => {
            if (ownSetting(n, platforms)) {
              ctx.addIssue(
                `BRIDGE_AGENT_ENV: ${n} is one of the bridge's own settings and is never passed on`,
              );
            }
          }),
      ).default([]),
    ),
    BRIDGE_REMOTE: onOff("BRIDGE_REMOTE", false),
    BRIDGE_RATE_LIMITS: onOff("BRIDGE_RATE_LIMITS", true),
    BRIDGE_REPLY_MODE: setting.pipe(
      oneOf("BRIDGE_REPLY_MODE", ["owner-or-mention", "mention", "any"]).default("owner-or-mention"),
    ),
    BRIDGE_MAX_PROMPT_CHARS: wholeNumber("BRIDGE_MAX_PROMPT_CHARS", 1, 1_000_000, 20_000),
    BRIDGE_MAX_QUEUED: wholeNumber("BRIDGE_MAX_QUEUED", 1, 1000, 20),
    BRIDGE_USER_RATE: setting.pipe(
      z
        .string()
        .regex(
          /^(off|[1-9]\d{0,5}\/(minute|hour))$/,
          "BRIDGE_USER_RATE must be N/minute, N/hour (N from 1) or off",
        )
        .transform(userRate)
        .default({ count: 5, windowMs: 60_000 }),
    ),
    BRIDGE_STREAM_INTERVAL_MS: wholeNumber("BRIDGE_STREAM_INTERVAL_MS", 50, 10_000, 700),
    BRIDGE_SESSION_IDLE_DAYS: wholeNumber("BRIDGE_SESSION_IDLE_DAYS", 1, 3650, 14),
    BRIDGE_AUDIT_DAYS: wholeNumber("BRIDGE_AUDIT_DAYS", 1, 36_500, 90),
    LOG_LEVEL: setting.pipe(oneOf("LOG_LEVEL", ["debug", "info", "warn", "error", "silent"]).default("info")),
  });

  // What one setting cannot say alone: a provider needs its URL and a model, an external runtime signs in itself.
  return settings.transform((e, ctx): CoreConfig => {
    const fail = (message: string) => {
      ctx.addIssue(message);
      return z.NEVER;
    };
    const byok = e.COPILOT_PROVIDER_TYPE !== undefined || e.COPILOT_PROVIDER_BASE_URL !== undefined;
    if (byok && !e.COPILOT_PROVIDER_BASE_URL) {
      return fail("COPILOT_PROVIDER_BASE_URL is required with COPILOT_PROVIDER_TYPE");
    }
    if (byok && !e.COPILOT_MODEL) return fail("COPILOT_MODEL is required with a bring-your-own-key provider");
    if (e.GITHUB_OAUTH_CLIENT_ID && !e.BRIDGE_SECRET_KEY) {
      return fail(
        "GITHUB_OAUTH_CLIENT_ID needs BRIDGE_SECRET_KEY: linked accounts' tokens are kept encrypted with it (make one with: openssl rand -base64 32)",
      );
    }
    if (e.BRIDGE_IDENTITY === "required" && !e.GITHUB_OAUTH_CLIENT_ID) {
      return fail(
        "BRIDGE_IDENTITY=required needs GITHUB_OAUTH_CLIENT_ID (and BRIDGE_SECRET_KEY): people must be able to link their GitHub account",
      );
    }
    if (e.COPILOT_RUNTIME_URL && e.GITHUB_TOKEN) {
      return fail(
        "GITHUB_TOKEN cannot be used with COPILOT_RUNTIME_URL: the external runtime signs in on its own (unset one of them)",
      );
    }
    return {
      ...(e.GITHUB_TOKEN ? { gitHubToken: e.GITHUB_TOKEN } : {}),
      ...(e.COPILOT_PROVIDER_BASE_URL
        ? {
            provider: {
              type: e.COPILOT_PROVIDER_TYPE ?? "openai",
              baseUrl: e.COPILOT_PROVIDER_BASE_URL,
              ...(e.COPILOT_PROVIDER_API_KEY ? { apiKey: e.COPILOT_PROVIDER_API_KEY } : {}),
              ...(e.COPILOT_PROVIDER_WIRE_API ? { wireApi: e.COPILOT_PROVIDER_WIRE_API } : {}),
            },
          }
        : {}),
      ...(e.COPILOT_MODEL ? { model: e.COPILOT_MODEL } : {}),
      ...(e.COPILOT_RUNTIME_URL ? { runtimeUrl: e.COPILOT_RUNTIME_URL } : {}),
      ...(e.COPILOT_CONNECTION_TOKEN ? { runtimeToken: e.COPILOT_CONNECTION_TOKEN } : {}),
      ...(e.COPILOT_MCP_CONFIG ? { mcpServers: e.COPILOT_MCP_CONFIG } : {}),
      workingDirectory: e.BRIDGE_WORKDIR,
      repos: e.BRIDGE_REPOS,
      dataDir: e.BRIDGE_DATA_DIR,
      maxWorktrees: e.BRIDGE_MAX_WORKTREES,
      ...(e.BRIDGE_MAX_AI_CREDITS > 0 ? { maxAiCredits: e.BRIDGE_MAX_AI_CREDITS } : {}),
      storeUrl: e.BRIDGE_STORE_URL,
      ...(e.BRIDGE_SECRET_KEY ? { secretKey: e.BRIDGE_SECRET_KEY.key } : {}),
      ...(e.GITHUB_OAUTH_CLIENT_ID
        ? {
            oauth: {
              clientId: e.GITHUB_OAUTH_CLIENT_ID,
              host: e.GITHUB_HOST,
              ...(e.GITHUB_OAUTH_CLIENT_SECRET ? { clientSecret: e.GITHUB_OAUTH_CLIENT_SECRET } : {}),
            },
          }
        : {}),
      identityPolicy: e.BRIDGE_IDENTITY,
      cloudAsBridge: e.BRIDGE_CLOUD_AS_BRIDGE,
      approvers: e.BRIDGE_APPROVERS?.users ?? [],
      approverRoles: e.BRIDGE_APPROVERS?.roles ?? [],
      admins: e.BRIDGE_ADMINS?.users ?? [],
      adminRoles: e.BRIDGE_ADMINS?.roles ?? [],
      cloud: e.BRIDGE_CLOUD,
      attach: e.BRIDGE_ATTACH,
      ...(e.BRIDGE_ALLOWED_CHANNELS ? { allowedChannels: e.BRIDGE_ALLOWED_CHANNELS } : {}),
      ...(e.BRIDGE_ALLOWED_USERS
        ? { allowedUsers: e.BRIDGE_ALLOWED_USERS.users, allowedUserRoles: e.BRIDGE_ALLOWED_USERS.roles }
        : {}),
      agentEnv: e.BRIDGE_AGENT_ENV,
      replyMode: e.BRIDGE_REPLY_MODE,
      remoteByDefault: e.BRIDGE_REMOTE,
      rateLimits: e.BRIDGE_RATE_LIMITS,
      maxPromptChars: e.BRIDGE_MAX_PROMPT_CHARS,
      maxQueued: e.BRIDGE_MAX_QUEUED,
      userRate: e.BRIDGE_USER_RATE,
      streamIntervalMs: e.BRIDGE_STREAM_INTERVAL_MS,
      sessionIdleDays: e.BRIDGE_SESSION_IDLE_DAYS,
      auditDays: e.BRIDGE_AUDIT_DAYS,
      logLevel: e.LOG_LEVEL,
      // Whether or not a setting is used (a key without a provider), its value is never printed.
      secrets: [
        e.GITHUB_TOKEN,
        e.COPILOT_PROVIDER_API_KEY,
        e.COPILOT_CONNECTION_TOKEN,
        e.GITHUB_OAUTH_CLIENT_SECRET,
        ...secretKeyForms(e.BRIDGE_SECRET_KEY),
      ].filter((s) => s !== undefined),
    };
  });
}

/** BRIDGE_STORE_URL, or the default `sqlite://<cwd>/data/bridge.sqlite` (also for `npm run audit`). */
export function storeUrlOf(value: string | undefined, cwd: string): string {
  const url = value?.trim();
  return url ? url : `sqlite://${resolve(cwd, "data/bridge.sqlite")}`;
}

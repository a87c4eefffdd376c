import { z } from "zod";
import { envSetting } from "../../src/core/ports/plugin.js";

/** Slack's settings, once read from the environment (SLACK_*). */
export interface SlackConfig {
  botToken: string;
  /** Socket Mode (an app-level token) or signed HTTP deliveries. */
  mode: "socket" | "http";
  appToken?: string;
  signingSecret?: string;
  /** The port HTTP mode listens on. */
  port: number;
  /** Web API base URL, always ending in `/` (the client appends method names). */
  apiUrl?: string;
}

const setting = envSetting;

const httpUrl = (name: string) => z.string().regex(/^https?:\/\/[^\s]+$/, `${name} must be an http(s) URL`);

const portMessage = "SLACK_PORT must be a whole number from 1 to 65535";

const settings = z.object({
  SLACK_BOT_TOKEN: setting.pipe(
    z.string().startsWith("xoxb-", "SLACK_BOT_TOKEN must start with xoxb-").optional(),
  ),
  SLACK_APP_TOKEN: setting.pipe(
    z.string().startsWith("xapp-", "SLACK_APP_TOKEN must start with xapp-").optional(),
  ),
  SLACK_SIGNING_SECRET: setting,
  SLACK_MODE: setting.pipe(z.enum(["socket", "http"], "SLACK_MODE must be socket or http").default("socket")),
  SLACK_PORT: setting.pipe(
    z
      .string()
      .regex(/^\d+$/, portMessage)
      .pipe(z.coerce.number<string>().int(portMessage).min(1, portMessage).max(65535, portMessage))
      .default(3000),
  ),
  SLACK_API_URL: setting.pipe(
    httpUrl("SLACK_API_URL")
      .transform((v) => (v.endsWith("/") ? v : `${v}/`))
      .optional(),
  ),
});

/**
 * SLACK_* → Slack's configuration, or `undefined` without a bot token. The app token and signing
 * secret mean nothing without one, so setting them alone is a mistake worth stopping for.
 */
export const slackConfig = settings.transform((e, ctx): SlackConfig | undefined => {
  const fail = (message: string) => {
    ctx.addIssue(message);
    return z.NEVER;
  };
  if (!e.SLACK_BOT_TOKEN) {
    if (e.SLACK_APP_TOKEN || e.SLACK_SIGNING_SECRET) {
      return fail("SLACK_BOT_TOKEN is missing (SLACK_APP_TOKEN / SLACK_SIGNING_SECRET are set)");
    }
    return undefined;
  }
  if (e.SLACK_MODE === "socket" && !e.SLACK_APP_TOKEN) {
    return fail(
      "SLACK_APP_TOKEN is required for Socket Mode (or set SLACK_MODE=http and SLACK_SIGNING_SECRET)",
    );
  }
  if (e.SLACK_MODE === "http" && !e.SLACK_SIGNING_SECRET) {
    return fail("SLACK_SIGNING_SECRET is required when SLACK_MODE=http");
  }
  return {
    botToken: e.SLACK_BOT_TOKEN,
    mode: e.SLACK_MODE,
    port: e.SLACK_PORT,
    ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
    ...(e.SLACK_SIGNING_SECRET ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
    ...(e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL } : {}),
  };
});

import { z } from "zod";
import { envSetting } from "../../src/core/ports/plugin.js";

/** Discord's settings, once read from the environment (DISCORD_*). */
export interface DiscordConfig {
  token: string;
  /** REST base without a trailing slash (discord.js appends `/v10`); the gateway URL comes from it. */
  apiUrl?: string;
  /** Guilds to register `/copilot` in at once; empty: global registration. */
  commandGuilds: string[];
}

const setting = envSetting;

const guildsMessage = "DISCORD_COMMAND_GUILDS must be a comma-separated list of guild ids";

const settings = z.object({
  DISCORD_BOT_TOKEN: setting,
  DISCORD_API_URL: setting.pipe(
    z
      .string()
      .regex(/^https?:\/\/[^\s]+$/, "DISCORD_API_URL must be an http(s) URL")
      .transform((v) => v.replace(/\/+$/, ""))
      .optional(),
  ),
  DISCORD_COMMAND_GUILDS: setting.pipe(
    z
      .string()
      .transform((v) => v.split(",").map((g) => g.trim()))
      .pipe(z.array(z.string().regex(/^\d{1,20}$/, guildsMessage)))
      .default([]),
  ),
});

/** DISCORD_* → Discord's configuration, or `undefined` without a bot token. */
export const discordConfig = settings.transform((e): DiscordConfig | undefined =>
  e.DISCORD_BOT_TOKEN
    ? {
        token: e.DISCORD_BOT_TOKEN,
        commandGuilds: e.DISCORD_COMMAND_GUILDS,
        ...(e.DISCORD_API_URL ? { apiUrl: e.DISCORD_API_URL } : {}),
      }
    : undefined,
);

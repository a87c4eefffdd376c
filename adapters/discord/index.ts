import type { AdapterPlugin } from "../../src/core/ports/plugin.js";
import { type DiscordConfig, discordConfig } from "./config.js";

/** Discord as a plug-in. discord.js (about 0.3 s to load) is imported only when Discord is configured. */
export const discordPlugin: AdapterPlugin<DiscordConfig> = {
  platform: "discord",
  config: discordConfig,
  secrets: (config) => [config.token],
  async create(config, deps) {
    const { DiscordAdapter } = await import("./adapter.js");
    return new DiscordAdapter({ ...config, ...deps });
  },
};

import type { AdapterPlugin } from "../../src/core/ports/plugin.js";
import { type SlackConfig, slackConfig } from "./config.js";

/** Slack as a plug-in. Bolt is imported only when Slack is configured. */
export const slackPlugin: AdapterPlugin<SlackConfig> = {
  platform: "slack",
  config: slackConfig,
  secrets: (config) =>
    [config.botToken, config.appToken, config.signingSecret].filter((s) => s !== undefined),
  async create(config, deps) {
    const { SlackAdapter } = await import("./adapter.js");
    return new SlackAdapter({ ...config, ...deps });
  },
};

import { discordPlugin } from "./discord/index.js";
import { slackPlugin } from "./slack/index.js";

/** Every chat platform the bridge can serve. A new platform is one folder and one line here. */
export const plugins = [slackPlugin, discordPlugin] as const;

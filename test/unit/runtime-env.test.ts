import assert from "node:assert/strict";
import { test } from "node:test";
import { runtimeEnv } from "../../src/copilot/runtime-env.js";

test("the runtime's environment is an allow-list: never the bridge's settings, whatever is asked", () => {
  const env = runtimeEnv(
    {
      PATH: "/usr/bin",
      HOME: "/home/bridge",
      LC_ALL: "C.UTF-8",
      XDG_CACHE_HOME: "/cache",
      HTTPS_PROXY: "http://proxy:3128",
      COPILOT_HOME: "/copilot",
      SLACK_BOT_TOKEN: "xoxb-secret",
      SLACK_APP_TOKEN: "xapp-secret",
      DISCORD_BOT_TOKEN: "discord-secret",
      GITHUB_TOKEN: "ghp_secret",
      COPILOT_PROVIDER_API_KEY: "sk-secret",
      COPILOT_CONNECTION_TOKEN: "conn-secret",
      BRIDGE_APPROVERS: "slack:U1",
      AWS_SECRET_ACCESS_KEY: "aws-secret",
      NPM_TOKEN: "npm-secret",
      JAVA_HOME: "/jdk",
    },
    ["JAVA_HOME", "SLACK_BOT_TOKEN", "GITHUB_TOKEN"],
  );
  assert.deepEqual(env, {
    PATH: "/usr/bin",
    HOME: "/home/bridge",
    LC_ALL: "C.UTF-8",
    XDG_CACHE_HOME: "/cache",
    HTTPS_PROXY: "http://proxy:3128",
    COPILOT_HOME: "/copilot",
    JAVA_HOME: "/jdk",
  });
});

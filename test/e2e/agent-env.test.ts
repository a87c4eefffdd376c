/**
 * The agent's tools never see the bridge's secrets: an approved `env`, run from Slack and from
 * Discord, lists only the allow-listed variables (and what BRIDGE_AGENT_ENV adds).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useBridge } from "./fixture.js";

const SLACK_OWNER = "UOWNERENV";
const DISCORD_OWNER = "320000000000000001";

/** Settings a bridge holds that no tool process may read. */
const secrets = {
  SLACK_SIGNING_SECRET: "signing-secret-never-shown-8c1f",
  COPILOT_PROVIDER_API_KEY: "provider-key-never-shown-51ab",
  COPILOT_CONNECTION_TOKEN: "connection-token-never-shown-77d2",
  AWS_SECRET_ACCESS_KEY: "unrelated-secret-never-shown-0e4a",
};

describe("the agent's environment (Slack and Discord in one bridge)", () => {
  const { h, drv } = useBridge({
    discordOwner: DISCORD_OWNER,
    platforms: ["slack", "discord"],
    env: { ...secrets, BRIDGE_AGENT_ENV: "JAVA_HOME", JAVA_HOME: "/opt/jdk-for-tests" },
  });

  /** The output of the approved `env` as the model received it (the whole tool result). */
  function envOutput(from: number): string {
    const results = h.model.requests
      .slice(from)
      .flatMap((r) => r.messages)
      .filter((m) => m.role === "tool" && typeof m.content === "string" && m.content.includes("PATH="));
    assert.ok(results.length > 0, "the env command ran");
    return String(results[0]?.content);
  }

  function assertClean(output: string): void {
    const configured = [h.slack.botToken, h.slack.appToken, h.discord.token, ...Object.values(secrets)];
    for (const value of configured) assert.ok(!output.includes(value), `a secret leaked: ${output}`);
    assert.doesNotMatch(output, /^(SLACK|DISCORD|BRIDGE|COPILOT_PROVIDER)_\w*=/m);
    assert.doesNotMatch(
      output,
      /^(COPILOT_SDK_AUTH_TOKEN|GITHUB_TOKEN|GH_TOKEN)=/m,
      "no GitHub token is set",
    );
    assert.match(output, /^PATH=/m, "what tools need is still there");
    assert.match(output, /^JAVA_HOME=\/opt\/jdk-for-tests$/m, "BRIDGE_AGENT_ENV passes a variable on");
  }

  test("from Slack: an approved env shows none of the configured secrets", async () => {
    const from = h.model.requests.length;
    const header = await h.startSession(SLACK_OWNER, "RUN: env");
    await h.click(SLACK_OWNER, await h.waitForCard(header), "perm.once");
    await h.waitForReply(header, /Tool bash result/);
    assertClean(envOutput(from));
  });

  test("from Discord: an approved env shows none of the configured secrets", async () => {
    const from = h.model.requests.length;
    const threadId = await drv.start("RUN: env");
    await drv.click(await drv.waitCard(threadId), "Approve once");
    await drv.waitReply(threadId, /Tool bash result/);
    assertClean(envOutput(from));
  });
});

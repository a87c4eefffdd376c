/** What the identity tests share: the bridge's settings for linking, and linking a person on Slack or Discord. */
import assert from "node:assert/strict";
import type { FakeGitHub } from "../fakes/github/index.js";
import type { DiscordDriver } from "./discord-driver.js";
import { type BridgeHarness, visible } from "./harness.js";

export const SECRET_KEY = Buffer.from("copilot-chat-bridge-test-key-32b").toString("base64");

/** Linking set up: an OAuth client (with its secret, so logout can revoke) and the key tokens are sealed with. */
export const identityEnv = {
  GITHUB_OAUTH_CLIENT_ID: "Iv1.fake0device0client",
  GITHUB_OAUTH_CLIENT_SECRET: "fake_client_secret_0001",
  BRIDGE_SECRET_KEY: SECRET_KEY,
};

const codeOf = (text: string) => /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/.exec(text)?.[1];

/** `/copilot login` as Slack `user`, approved on GitHub as `login`; resolves once the DM says it is linked. */
export async function linkOnSlack(
  h: BridgeHarness,
  gh: FakeGitHub,
  user: string,
  login: string,
): Promise<void> {
  const texts = () =>
    h.slack
      .directMessages(user)
      .messages.map(visible)
      .filter((t) => t.trim() !== "");
  const before = texts().length;
  await h.slack.sendSlashCommand({ user_id: user, channel_id: "C0001", text: "login" });
  const code = await h.slack.waitFor(() => texts().slice(before).map(codeOf).find(Boolean), {
    what: `the login code sent to ${user}`,
    timeoutMs: 20_000,
  });
  gh.device.approve(code, login);
  const linked = await h.slack.waitFor(
    () =>
      texts()
        .slice(before)
        .find((t) => t.includes(`Linked to GitHub as @${login}`)),
    { what: `${user} to be linked as ${login}`, timeoutMs: 20_000 },
  );
  assert.ok(linked);
}

/** `/copilot login` as Discord `user`, approved as `login`; resolves once the DM says it is linked. */
export async function linkOnDiscord(
  h: BridgeHarness,
  drv: DiscordDriver,
  gh: FakeGitHub,
  user: string,
  login: string,
): Promise<void> {
  const dms = () => h.discord.directMessages(user).map((m) => m.content);
  const before = dms().length;
  const command = await drv.slash(h.discord.channelId, "login", user);
  await drv.ephemeralTo(command, /sent you a direct message/);
  const code = await h.discord.waitFor(() => dms().slice(before).map(codeOf).find(Boolean), {
    what: "the login code",
    timeoutMs: 20_000,
  });
  gh.device.approve(code, login);
  await h.discord.waitFor(
    () =>
      dms()
        .slice(before)
        .find((t) => t.includes(`Linked to GitHub as @${login}`)),
    {
      what: `the link as ${login}`,
      timeoutMs: 20_000,
    },
  );
}

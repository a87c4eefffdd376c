import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { DiscordMessage } from "../fakes/discord/index.js";
import { BridgeHarness, buttonsOf, visible } from "./harness.js";

const DISCORD_OWNER = "260000000000000001";
const SLACK_OWNER = "UOWNER26";
const SLACK_TWIN = "260000000000000009";
const DISCORD_TWIN = "260000000000000008";

function buttons(m: DiscordMessage): { custom_id: string; label: string }[] {
  return (m.components ?? []).flatMap(
    (row: { components?: { custom_id: string; label: string }[] }) => row.components ?? [],
  );
}

describe("Discord and Slack served by one bridge process", () => {
  let h: BridgeHarness;
  before(async () => {
    h = await BridgeHarness.start({
      platforms: ["slack", "discord"],
      env: { BRIDGE_APPROVERS: `slack:${SLACK_TWIN},discord:${DISCORD_TWIN}` },
    });
  });
  after(async () => {
    await h?.stop();
  });

  async function startDiscord(prompt: string): Promise<string> {
    const d = h.discord;
    const m = await d.sendMessage({
      author_id: DISCORD_OWNER,
      channel_id: d.channelId,
      content: prompt,
      mention_bot: true,
    });
    const thread = await d.waitFor(() => d.threads.find((t) => t.message_id === m.id), {
      what: "the thread",
    });
    return thread.id;
  }
  const replies = (threadId: string) => h.discord.channelMessages(threadId).filter((m) => m.author.bot);
  const waitReply = (threadId: string, match: RegExp, what = `a reply matching ${match}`) =>
    h.discord.waitFor(() => replies(threadId).find((m) => match.test(m.content)), {
      what,
      timeoutMs: 20_000,
    });

  test("one session on each platform, both answered, neither leaks into the other", async () => {
    const [header, threadId] = await Promise.all([
      h.startSession(SLACK_OWNER, "hello from slack"),
      startDiscord("hello from discord"),
    ]);
    await Promise.all([
      h.waitForReply(header, /You said: hello from slack \(user turns: 1\)/),
      waitReply(threadId, /You said: hello from discord \(user turns: 1\)/),
    ]);
    const slackText = h.slack.messages.map((m) => visible(m)).join("\n");
    const discordText = h.discord.messages.map((m) => m.content).join("\n");
    assert.ok(!slackText.includes("hello from discord"), "no Discord text on Slack");
    assert.ok(!discordText.includes("hello from slack"), "no Slack text on Discord");

    // Follow-ups continue each conversation separately.
    await h.slack.sendEvent({
      type: "message",
      channel: header.channel,
      user: SLACK_OWNER,
      text: "slack again",
      ts: h.slack.nextTs(),
      thread_ts: header.ts,
    });
    await h.discord.sendMessage({ author_id: DISCORD_OWNER, channel_id: threadId, content: "discord again" });
    await Promise.all([
      h.waitForReply(header, /You said: slack again \(user turns: 2\)/),
      waitReply(threadId, /You said: discord again \(user turns: 2\)/),
    ]);
  });

  test("a card on each platform, each approved on its own platform", async () => {
    const [header, threadId] = await Promise.all([
      h.startSession(SLACK_OWNER, "RUN: touch from-slack.txt"),
      startDiscord("RUN: touch from-discord.txt"),
    ]);
    const [slackCard, discordCard] = await Promise.all([
      h.waitForCard(header),
      h.discord.waitFor(
        () => replies(threadId).find((m) => buttons(m).some((b) => b.label === "Approve once")),
        {
          what: "the Discord card",
          timeoutMs: 20_000,
        },
      ),
    ]);
    assert.match(visible(slackCard), /touch from-slack\.txt/);
    assert.match(discordCard.content, /touch from-discord\.txt/);

    await h.click(SLACK_OWNER, slackCard, "perm.once");
    const once = buttons(discordCard).find((b) => b.label === "Approve once")?.custom_id ?? "";
    await h.discord.clickButton({ user_id: DISCORD_OWNER, message_id: discordCard.id, custom_id: once });

    await Promise.all([h.waitForReply(header, /Tool bash result/), waitReply(threadId, /Tool bash result/)]);
    assert.equal(existsSync(join(h.workdir, "from-slack.txt")), true);
    assert.equal(existsSync(join(h.workdir, "from-discord.txt")), true);
    await h.slack.waitFor(() => (buttonsOf(slackCard).length === 0 ? slackCard : undefined), {
      what: "the Slack card to close",
    });
    await h.discord.waitFor(() => (buttons(discordCard).length === 0 ? discordCard : undefined), {
      what: "the Discord card to close",
    });
    assert.match(visible(slackCard), new RegExp(`Approved once.* by <@${SLACK_OWNER}>`));
    assert.match(discordCard.content, new RegExp(`Approved once.* by <@${DISCORD_OWNER}>`));
  });

  test("approvers are per platform: the same id on the other platform may not decide", async () => {
    const [header, threadId] = await Promise.all([
      h.startSession(SLACK_OWNER, "RUN: touch cross-slack.txt"),
      startDiscord("RUN: touch cross-discord.txt"),
    ]);
    const [slackCard, card] = await Promise.all([
      h.waitForCard(header),
      h.discord.waitFor(
        () => replies(threadId).find((m) => buttons(m).some((b) => b.label === "Approve once")),
        {
          what: "the Discord card",
          timeoutMs: 20_000,
        },
      ),
    ]);
    // SLACK_TWIN is a Slack approver: on Discord the same id is a stranger.
    const once = buttons(card).find((b) => b.label === "Approve once")?.custom_id ?? "";
    const refused = await h.discord.clickButton({
      user_id: SLACK_TWIN,
      message_id: card.id,
      custom_id: once,
    });
    await h.discord.waitFor(
      () =>
        h.discord.ephemeralMessages.find(
          (m) => m.interaction_id === refused.interactionId && /or an approver/.test(m.content),
        ),
      { what: "the Discord refusal" },
    );
    // DISCORD_TWIN is a Discord approver: on Slack the same id is a stranger.
    const from = h.slack.ephemerals.length;
    await h.click(DISCORD_TWIN, slackCard, "perm.once");
    await h.slack.waitFor(
      () =>
        h.slack.ephemerals.slice(from).find((e) => e.user === DISCORD_TWIN && /or an approver/.test(e.text)),
      { what: "the Slack refusal" },
    );
    assert.equal(existsSync(join(h.workdir, "cross-discord.txt")), false);
    assert.equal(existsSync(join(h.workdir, "cross-slack.txt")), false);
    assert.equal(buttons(card).length, 3);
    assert.equal(buttonsOf(slackCard).length, 3);

    // Each is an approver on its own platform.
    await h.discord.clickButton({ user_id: DISCORD_TWIN, message_id: card.id, custom_id: once });
    await h.click(SLACK_TWIN, slackCard, "perm.once");
    await Promise.all([h.waitForReply(header, /Tool bash result/), waitReply(threadId, /Tool bash result/)]);
    assert.equal(existsSync(join(h.workdir, "cross-discord.txt")), true);
    assert.equal(existsSync(join(h.workdir, "cross-slack.txt")), true);
  });
});

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import { buttonId, buttons } from "./discord-driver.js";
import { useBridge } from "./fixture.js";
import { buttonsOf, visible } from "./harness.js";

const DISCORD_OWNER = "260000000000000001";
const SLACK_OWNER = "UOWNER26";
const SLACK_TWIN = "260000000000000009";
const DISCORD_TWIN = "260000000000000008";

describe("Discord and Slack served by one bridge process", () => {
  const { h, drv } = useBridge({
    discordOwner: DISCORD_OWNER,
    platforms: ["slack", "discord"],
    env: { BRIDGE_APPROVERS: `slack:${SLACK_TWIN},discord:${DISCORD_TWIN}` },
  });

  test("one session on each platform, both answered, neither leaks into the other", async () => {
    const [header, threadId] = await Promise.all([
      h.startSession(SLACK_OWNER, "hello from slack"),
      drv.start("hello from discord"),
    ]);
    await Promise.all([
      h.waitForReply(header, /You said: hello from slack \(user turns: 1\)/),
      drv.waitReply(threadId, /You said: hello from discord \(user turns: 1\)/),
    ]);
    const slackText = h.slack.messages.map((m) => visible(m)).join("\n");
    const discordText = h.discord.messages.map((m) => messageText(m)).join("\n");
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
    await drv.say(threadId, "discord again");
    await Promise.all([
      h.waitForReply(header, /You said: slack again \(user turns: 2\)/),
      drv.waitReply(threadId, /You said: discord again \(user turns: 2\)/),
    ]);
  });

  test("a card on each platform, each approved on its own platform", async () => {
    const [header, threadId] = await Promise.all([
      h.startSession(SLACK_OWNER, "RUN: touch from-slack.txt"),
      drv.start("RUN: touch from-discord.txt"),
    ]);
    const [slackCard, discordCard] = await Promise.all([
      h.waitForCard(header),
      drv.waitCard(threadId, "the Discord card"),
    ]);
    assert.match(visible(slackCard), /touch from-slack\.txt/);
    assert.match(messageText(discordCard), /touch from-discord\.txt/);

    await h.click(SLACK_OWNER, slackCard, "perm.once");
    await drv.click(discordCard, "Approve once");

    await Promise.all([
      h.waitForReply(header, /Tool bash result/),
      drv.waitReply(threadId, /Tool bash result/),
    ]);
    assert.equal(existsSync(join(h.workdir, "from-slack.txt")), true);
    assert.equal(existsSync(join(h.workdir, "from-discord.txt")), true);
    await h.slack.waitFor(() => (buttonsOf(slackCard).length === 0 ? slackCard : undefined), {
      what: "the Slack card to close",
    });
    await drv.waitClosed(discordCard, { what: "the Discord card to close", timeoutMs: 10_000 });
    assert.match(visible(slackCard), new RegExp(`Approved once.* by <@${SLACK_OWNER}>`));
    assert.match(messageText(discordCard), new RegExp(`Approved once.* by <@${DISCORD_OWNER}>`));
  });

  test("approvers are per platform: the same id on the other platform may not decide", async () => {
    const [header, threadId] = await Promise.all([
      h.startSession(SLACK_OWNER, "RUN: touch cross-slack.txt"),
      drv.start("RUN: touch cross-discord.txt"),
    ]);
    const [slackCard, card] = await Promise.all([
      h.waitForCard(header),
      drv.waitCard(threadId, "the Discord card"),
    ]);
    // SLACK_TWIN is a Slack approver: on Discord the same id is a stranger.
    const once = buttonId(card, "Approve once");
    const refused = await h.discord.clickButton({
      user_id: SLACK_TWIN,
      message_id: card.id,
      custom_id: once,
    });
    await drv.ephemeralTo(refused, /or an approver/, "the Discord refusal");
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
    await Promise.all([
      h.waitForReply(header, /Tool bash result/),
      drv.waitReply(threadId, /Tool bash result/),
    ]);
    assert.equal(existsSync(join(h.workdir, "cross-discord.txt")), true);
    assert.equal(existsSync(join(h.workdir, "cross-slack.txt")), true);
  });
});

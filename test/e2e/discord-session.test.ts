import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { DiscordMessage } from "../fakes/discord/index.js";
import { BridgeHarness } from "./harness.js";

const OWNER = "200000000000000001";
const APPROVER = "200000000000000002";
const STRANGER = "200000000000000003";
const ROLE_MEMBER = "200000000000000004";
const APPROVER_ROLE = "500000000000000001";

function buttons(m: DiscordMessage): { custom_id: string; label: string }[] {
  return (m.components ?? []).flatMap(
    (row: { components?: { custom_id: string; label: string }[] }) => row.components ?? [],
  );
}

describe("Discord: a mention starts a Copilot session in a thread", () => {
  let h: BridgeHarness;
  before(async () => {
    h = await BridgeHarness.start({
      platforms: ["discord"],
      discordRoles: [APPROVER_ROLE],
      env: { BRIDGE_APPROVERS: `discord:${APPROVER},discord-role:${APPROVER_ROLE}` },
    });
    h.discord.addUser(ROLE_MEMBER, "release-manager", [APPROVER_ROLE]);
  });
  after(async () => {
    await h?.stop();
  });

  async function start(prompt: string): Promise<string> {
    const d = h.discord;
    const m = await d.sendMessage({
      author_id: OWNER,
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
  const waitCard = (threadId: string) =>
    h.discord.waitFor(
      () => replies(threadId).find((m) => buttons(m).some((b) => b.label === "Approve once")),
      {
        what: "the card",
        timeoutMs: 20_000,
      },
    );

  test("mention → thread named from the prompt → streamed answer", async () => {
    const threadId = await start("hello from discord");
    const thread = h.discord.threads.find((t) => t.id === threadId);
    assert.equal(thread?.name, "hello from discord");
    const header = await waitReply(threadId, /Copilot session/);
    assert.match(header.content, new RegExp(`<@${OWNER}>`));
    await waitReply(threadId, /You said: hello from discord \(user turns: 1\)/);
  });

  test("shell card: stranger refused (ephemeral), owner approves, file exists, card finalised", async () => {
    const threadId = await start("RUN: touch discord-approved.txt");
    const card = await waitCard(threadId);
    assert.match(card.content, /touch discord-approved\.txt/);
    assert.deepEqual(
      buttons(card).map((b) => b.label),
      ["Approve once", "Deny", "Deny with reason…"],
    );
    const once = buttons(card).find((b) => b.label === "Approve once")?.custom_id ?? "";
    const refused = await h.discord.clickButton({ user_id: STRANGER, message_id: card.id, custom_id: once });
    const reply = await h.discord.replyTo(refused.interactionId);
    assert.equal(reply.type, 4);
    assert.equal(reply.data.flags, 64);
    assert.match(reply.data.content, new RegExp(`Only <@${OWNER}> or an approver`));
    assert.equal(existsSync(join(h.workdir, "discord-approved.txt")), false);

    await h.discord.clickButton({ user_id: OWNER, message_id: card.id, custom_id: once });
    await waitReply(threadId, /Tool bash result/);
    assert.equal(existsSync(join(h.workdir, "discord-approved.txt")), true);
    await h.discord.waitFor(() => (buttons(card).length === 0 ? card : undefined), {
      what: "card finalised",
    });
    assert.match(card.content, new RegExp(`Approved once.* by <@${OWNER}>`));
  });

  test("model output pings nobody", async () => {
    const threadId = await start("ECHO: hey @everyone and @here and <@200000000000000009> done");
    const reply = await waitReply(threadId, /^hey .* done$/);
    assert.deepEqual(reply.allowed_mentions?.parse ?? [], []);
    assert.ok(!(reply.allowed_mentions?.users ?? []).length);
    assert.ok(!/@everyone|@here/.test(reply.content), reply.content);
  });

  test("a member of the approver role may decide", async () => {
    const threadId = await start("RUN: touch by-role.txt");
    const card = await waitCard(threadId);
    const once = buttons(card).find((b) => b.label === "Approve once")?.custom_id ?? "";
    await h.discord.clickButton({ user_id: ROLE_MEMBER, message_id: card.id, custom_id: once });
    await h.discord.waitFor(() => (buttons(card).length === 0 ? card : undefined), {
      what: "card finalised",
    });
    assert.match(card.content, new RegExp(`Approved once.* by <@${ROLE_MEMBER}>`));
    await h.discord.waitFor(() => existsSync(join(h.workdir, "by-role.txt")), { what: "the command to run" });
  });

  test("a very long reply shows its start and arrives whole as an attached file", async () => {
    const threadId = await start("LONG: 12000");
    const file = await h.discord.waitFor(
      () =>
        replies(threadId)
          .flatMap((m) => m.attachments)
          .find((a) => a.filename === "copilot-reply.md"),
      { what: "the attached reply", timeoutMs: 20_000 },
    );
    assert.equal(file.bytes.toString("utf8").length, 12000);
    const parts = replies(threadId).filter((m) => /line \d{4}/.test(m.content));
    assert.ok(parts.length <= 5, `${parts.length} messages`);
    for (const part of parts) assert.ok(part.content.length <= 2000);
    assert.ok(
      replies(threadId).some((m) =>
        /more characters: the whole reply is attached as copilot-reply\.md/.test(m.content),
      ),
    );
  });
});

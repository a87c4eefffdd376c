import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import { buttonId, buttons } from "./discord-driver.js";
import { useBridge } from "./fixture.js";

const OWNER = "200000000000000001";
const APPROVER = "200000000000000002";
const STRANGER = "200000000000000003";
const ROLE_MEMBER = "200000000000000004";
const APPROVER_ROLE = "500000000000000001";

describe("Discord: a mention starts a Copilot session in a thread", () => {
  const { h, drv } = useBridge({
    discordOwner: OWNER,
    discordRoles: [APPROVER_ROLE],
    env: { BRIDGE_APPROVERS: `discord:${APPROVER},discord-role:${APPROVER_ROLE}` },
    ready: ({ h }) => h.discord.addUser(ROLE_MEMBER, "release-manager", [APPROVER_ROLE]),
  });

  test("mention → thread named from the prompt → streamed answer", async () => {
    const threadId = await drv.start("hello from discord");
    const thread = h.discord.threads.find((t) => t.id === threadId);
    assert.equal(thread?.name, "hello from discord");
    const header = await drv.waitReply(threadId, /Copilot session/);
    assert.match(messageText(header), new RegExp(`<@${OWNER}>`));
    await drv.waitReply(threadId, /You said: hello from discord \(user turns: 1\)/);
  });

  test("shell card: stranger refused (ephemeral), owner approves, file exists, card finalised", async () => {
    const threadId = await drv.start("RUN: touch discord-approved.txt");
    const card = await drv.waitCard(threadId);
    assert.match(messageText(card), /touch discord-approved\.txt/);
    assert.deepEqual(
      buttons(card).map((b) => b.label),
      ["Approve once", "Deny", "Deny with reason…"],
    );
    const once = buttonId(card, "Approve once");
    const refused = await h.discord.clickButton({ user_id: STRANGER, message_id: card.id, custom_id: once });
    const reply = await h.discord.replyTo(refused.interactionId);
    assert.equal(reply.type, 4);
    assert.equal(reply.data.flags, 64);
    assert.match(reply.data.content, new RegExp(`Only <@${OWNER}> or an approver`));
    assert.equal(existsSync(join(h.workdir, "discord-approved.txt")), false);

    await h.discord.clickButton({ user_id: OWNER, message_id: card.id, custom_id: once });
    await drv.waitReply(threadId, /Tool bash result/);
    assert.equal(existsSync(join(h.workdir, "discord-approved.txt")), true);
    await drv.waitClosed(card, { timeoutMs: 10_000 });
    assert.match(messageText(card), new RegExp(`Approved once.* by <@${OWNER}>`));
  });

  test("the typing indicator shows in the thread while a turn runs", async () => {
    const threadId = await drv.start("SLOW: 1500");
    await h.discord.waitFor(() => (h.discord.typingCount(threadId) > 0 ? true : undefined), {
      what: "the typing indicator in the thread",
    });
    await drv.waitReply(threadId, /slow done/);
    assert.equal(h.discord.typingCount(h.discord.channelId), 0, "not in the channel the thread grew from");
  });

  test("model output pings nobody", async () => {
    const threadId = await drv.start("ECHO: hey @everyone and @here and <@200000000000000009> done");
    const reply = await drv.waitReply(threadId, /^hey .* done$/);
    assert.deepEqual(reply.allowed_mentions?.parse ?? [], []);
    assert.ok(!(reply.allowed_mentions?.users ?? []).length);
    assert.ok(!/@everyone|@here/.test(messageText(reply)), messageText(reply));
  });

  test("a member of the approver role may decide", async () => {
    const threadId = await drv.start("RUN: touch by-role.txt");
    const card = await drv.waitCard(threadId);
    await drv.click(card, "Approve once", ROLE_MEMBER);
    await drv.waitClosed(card, { timeoutMs: 10_000 });
    assert.match(messageText(card), new RegExp(`Approved once.* by <@${ROLE_MEMBER}>`));
    await h.discord.waitFor(() => existsSync(join(h.workdir, "by-role.txt")), { what: "the command to run" });
  });

  test("a very long reply shows its start and arrives whole as an attached file", async () => {
    const threadId = await drv.start("LONG: 12000");
    const file = await h.discord.waitFor(
      () =>
        drv
          .replies(threadId)
          .flatMap((m) => m.attachments)
          .find((a) => a.filename === "copilot-reply.md"),
      { what: "the attached reply", timeoutMs: 20_000 },
    );
    assert.equal(file.bytes.toString("utf8").length, 12000);
    const parts = drv.replies(threadId).filter((m) => /line \d{4}/.test(messageText(m)));
    assert.ok(parts.length <= 5, `${parts.length} messages`);
    for (const part of parts) assert.ok(messageText(part).length <= 2000);
    assert.ok(
      drv
        .replies(threadId)
        .some((m) =>
          /more characters: the whole reply is attached as copilot-reply\.md/.test(messageText(m)),
        ),
    );
  });
});

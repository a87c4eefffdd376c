import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { isComponentsV2, messageButtons, messageText } from "../fakes/discord/index.js";
import { buttonId, buttons } from "./discord-driver.js";
import { useBridge } from "./fixture.js";

const OWNER = "210000000000000001";
const APPROVER = "210000000000000002";
const STRANGER = "210000000000000003";

describe("Discord: permission cards (deny with reason, approvers, strangers, races)", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER, env: { BRIDGE_APPROVERS: `discord:${APPROVER}` } });

  test("Deny with reason… opens a modal; the reason reaches the model and the card; nothing runs", async () => {
    const threadId = await drv.start("RUN: touch discord-denied.txt");
    const card = await drv.waitCard(threadId);
    const click = await drv.click(card, "Deny with reason…");
    const modal = await h.discord.replyTo(click.interactionId);
    assert.equal(modal.type, 9, "the click is answered with a modal");
    const inputs = (
      modal.data.components as { components?: { type: number; custom_id: string }[] }[]
    ).flatMap((row) => row.components ?? []);
    const input = inputs.find((c) => c.type === 4);
    assert.ok(input, `the modal has a text input: ${JSON.stringify(modal.data)}`);
    assert.equal(buttons(card).length, 3, "the card waits for the form");

    const submitted = await h.discord.submitModal({
      user_id: OWNER,
      channel_id: threadId,
      custom_id: modal.data.custom_id,
      fields: { [input.custom_id]: "not on a Friday" },
    });
    const ack = await h.discord.replyTo(submitted.interactionId);
    assert.ok([4, 5, 6, 7].includes(ack.type), `the submit is acknowledged (type ${ack.type})`);

    // The activity line shows the reason at once; the model's own reply proves it was told.
    await drv.waitReply(threadId, /^Tool bash result: .*User feedback: not on a Friday/);
    assert.ok(drv.modelSaw("User feedback: not on a Friday"), "the model was told the reason");
    await drv.waitClosed(card, { match: /Denied/ });
    assert.match(messageText(card), new RegExp(`Denied.* by <@${OWNER}>`));
    assert.match(messageText(card), /Reason: not on a Friday/);
    assert.equal(existsSync(join(h.workdir, "discord-denied.txt")), false);
  });

  test("an approver decides; a stranger is refused privately and nothing changes", async () => {
    const threadId = await drv.start("RUN: touch discord-by-approver.txt");
    const card = await drv.waitCard(threadId);
    const before = { content: messageText(card), edits: card.edits, posts: h.discord.messages.length };

    for (const label of ["Approve once", "Deny", "Deny with reason…"]) {
      const refused = await drv.click(card, label, STRANGER);
      const note = await drv.ephemeralTo(refused, /Only <@\d+> or an approver can decide/);
      assert.equal((note.flags ?? 0) & 64, 64, "the refusal is ephemeral");
      assert.match(messageText(note), new RegExp(`Only <@${OWNER}> or an approver`));
      assert.ok(
        !h.discord.interactionReplies.some((r) => r.interactionId === refused.interactionId && r.type === 9),
        `no modal for a stranger (${label})`,
      );
    }
    const { said, notice } = await drv.queuedBehind(threadId);
    assert.equal(messageText(card), before.content, "the card is unchanged");
    assert.equal(card.edits, before.edits, "the card was not edited");
    assert.equal(buttons(card).length, 3);
    assert.deepEqual(
      h.discord.messages.slice(before.posts).map((m) => m.id),
      [said.id, notice.id],
      "nothing was posted for the stranger",
    );
    assert.equal(existsSync(join(h.workdir, "discord-by-approver.txt")), false);

    const click = await drv.click(card, "Approve once", APPROVER);
    await drv.waitReply(threadId, /Tool bash result/);
    assert.equal(existsSync(join(h.workdir, "discord-by-approver.txt")), true);
    await drv.waitClosed(card, { match: /Approved once/ });
    assert.match(messageText(card), new RegExp(`Approved once.* by <@${APPROVER}>`));
    assert.ok(
      !h.discord.ephemeralMessages.some((m) => m.interaction_id === click.interactionId),
      "the approver got no refusal",
    );
  });

  test("a deciding click is answered in one call that carries the decided card: no separate edit", async () => {
    const threadId = await drv.start("RUN: touch discord-one-call.txt");
    const card = await drv.waitCard(threadId);
    const patches = () =>
      h.discord.calls.filter(
        (c) => c.method === "PATCH" && c.path === `/channels/${threadId}/messages/${card.id}`,
      ).length;
    const edits = patches();
    // A card is a Components V2 message: its text and buttons in one container, no content.
    assert.ok(isComponentsV2(card), "the card is a Components V2 message");
    assert.equal(card.content, "");
    assert.match(messageText(card), /🔐/);
    assert.equal(card.components[0]?.type, 17, "a container");
    const click = await drv.click(card, "Approve once");
    const answer = await h.discord.replyTo(click.interactionId);
    assert.equal(answer.type, 7, "an update of the clicked message");
    assert.match(messageText(answer.data), new RegExp(`Approved once.* by <@${OWNER}>`));
    assert.deepEqual(messageButtons(answer.data), [], "the decided card has no buttons");
    await drv.waitClosed(card, { match: /Approved once/ });
    await drv.waitReply(threadId, /Tool bash result/);
    assert.equal(patches(), edits, "the card was not edited separately");
    assert.equal(
      h.discord.interactionReplies.filter((r) => r.interactionId === click.interactionId).length,
      1,
      "one answer to the click",
    );
  });

  test("two clicks racing: exactly one outcome, the loser is told it was already answered", async () => {
    const threadId = await drv.start("RUN: touch discord-raced.txt");
    const card = await drv.waitCard(threadId);
    const approveId = buttonId(card, "Approve once");
    const denyId = buttonId(card, "Deny");
    const [byOwner, byApprover] = await Promise.all([
      h.discord.clickButton({ user_id: OWNER, message_id: card.id, custom_id: approveId }),
      h.discord.clickButton({ user_id: APPROVER, message_id: card.id, custom_id: denyId }),
    ]);
    await drv.waitClosed(card, { match: /Approved once|Denied/ });
    const approved = /Approved once/.test(messageText(card));
    const denied = /Denied/.test(messageText(card));
    assert.ok(approved !== denied, `exactly one outcome: ${messageText(card)}`);
    assert.match(messageText(card), new RegExp(`by <@${approved ? OWNER : APPROVER}>`));

    const [winner, loser] = approved ? [byOwner, byApprover] : [byApprover, byOwner];
    const note = await drv.ephemeralTo(loser, /already answered/);
    assert.equal((note.flags ?? 0) & 64, 64);
    assert.ok(
      !h.discord.ephemeralMessages.some(
        (m) => m.interaction_id === winner.interactionId && messageText(m) !== "",
      ),
      "the winner gets no notice",
    );

    if (approved) await drv.waitReply(threadId, /Tool bash result/);
    else await drv.waitReply(threadId, /✗ ran `touch discord-raced\.txt` — The user rejected this tool call/);
    assert.equal(existsSync(join(h.workdir, "discord-raced.txt")), approved);
    assert.equal(drv.cards(threadId).length, 1, "one card");
  });
});

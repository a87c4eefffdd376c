import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { DiscordMessage, InteractionHandle } from "../fakes/discord/index.js";
import { BridgeHarness } from "./harness.js";

const OWNER = "210000000000000001";
const APPROVER = "210000000000000002";
const STRANGER = "210000000000000003";

function buttons(m: DiscordMessage): { custom_id: string; label: string }[] {
  return (m.components ?? []).flatMap(
    (row: { components?: { custom_id: string; label: string }[] }) => row.components ?? [],
  );
}

function buttonId(card: DiscordMessage, label: string): string {
  const b = buttons(card).find((x) => x.label === label);
  if (!b) throw new Error(`no "${label}" button on the card: ${card.content}`);
  return b.custom_id;
}

describe("Discord: permission cards (deny with reason, approvers, strangers, races)", () => {
  let h: BridgeHarness;
  before(async () => {
    h = await BridgeHarness.start({
      platforms: ["discord"],
      env: { BRIDGE_APPROVERS: `discord:${APPROVER}` },
    });
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
  const waitClosed = (card: DiscordMessage, match: RegExp) =>
    h.discord.waitFor(() => (buttons(card).length === 0 && match.test(card.content) ? card : undefined), {
      what: `the card to close with ${match}`,
      timeoutMs: 20_000,
    });
  /** The ephemeral text the clicker of `handle` was shown (initial reply, deferred edit or follow-up). */
  const ephemeralTo = (handle: InteractionHandle, match: RegExp) =>
    h.discord.waitFor(
      () =>
        h.discord.ephemeralMessages.find(
          (m) => m.interaction_id === handle.interactionId && match.test(m.content),
        ),
      { what: `an ephemeral matching ${match}` },
    );

  test("Deny with reason… opens a modal; the reason reaches the model and the card; nothing runs", async () => {
    const threadId = await start("RUN: touch discord-denied.txt");
    const card = await waitCard(threadId);
    const click = await h.discord.clickButton({
      user_id: OWNER,
      message_id: card.id,
      custom_id: buttonId(card, "Deny with reason…"),
    });
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
    await waitReply(threadId, /^Tool bash result: .*User feedback: not on a Friday/);
    assert.ok(
      h.model.requests.some((r) => JSON.stringify(r.messages).includes("User feedback: not on a Friday")),
      "the model was told the reason",
    );
    await waitClosed(card, /Denied/);
    assert.match(card.content, new RegExp(`Denied.* by <@${OWNER}>`));
    assert.match(card.content, /Reason: not on a Friday/);
    assert.equal(existsSync(join(h.workdir, "discord-denied.txt")), false);
  });

  test("an approver decides; a stranger is refused privately and nothing changes", async () => {
    const threadId = await start("RUN: touch discord-by-approver.txt");
    const card = await waitCard(threadId);
    const before = { content: card.content, edits: card.edits, posts: h.discord.messages.length };

    for (const label of ["Approve once", "Deny", "Deny with reason…"]) {
      const refused = await h.discord.clickButton({
        user_id: STRANGER,
        message_id: card.id,
        custom_id: buttonId(card, label),
      });
      const note = await ephemeralTo(refused, /Only <@\d+> or an approver can decide/);
      assert.equal((note.flags ?? 0) & 64, 64, "the refusal is ephemeral");
      assert.match(note.content, new RegExp(`Only <@${OWNER}> or an approver`));
      assert.ok(
        !h.discord.interactionReplies.some((r) => r.interactionId === refused.interactionId && r.type === 9),
        `no modal for a stranger (${label})`,
      );
    }
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(card.content, before.content, "the card is unchanged");
    assert.equal(card.edits, before.edits, "the card was not edited");
    assert.equal(buttons(card).length, 3);
    assert.equal(h.discord.messages.length, before.posts, "nothing was posted for the stranger");
    assert.equal(existsSync(join(h.workdir, "discord-by-approver.txt")), false);

    const click = await h.discord.clickButton({
      user_id: APPROVER,
      message_id: card.id,
      custom_id: buttonId(card, "Approve once"),
    });
    await waitReply(threadId, /Tool bash result/);
    assert.equal(existsSync(join(h.workdir, "discord-by-approver.txt")), true);
    await waitClosed(card, /Approved once/);
    assert.match(card.content, new RegExp(`Approved once.* by <@${APPROVER}>`));
    assert.ok(
      !h.discord.ephemeralMessages.some((m) => m.interaction_id === click.interactionId),
      "the approver got no refusal",
    );
  });

  test("two clicks racing: exactly one outcome, the loser is told it was already answered", async () => {
    const threadId = await start("RUN: touch discord-raced.txt");
    const card = await waitCard(threadId);
    const approveId = buttonId(card, "Approve once");
    const denyId = buttonId(card, "Deny");
    const [byOwner, byApprover] = await Promise.all([
      h.discord.clickButton({ user_id: OWNER, message_id: card.id, custom_id: approveId }),
      h.discord.clickButton({ user_id: APPROVER, message_id: card.id, custom_id: denyId }),
    ]);
    await waitClosed(card, /Approved once|Denied/);
    const approved = /Approved once/.test(card.content);
    const denied = /Denied/.test(card.content);
    assert.ok(approved !== denied, `exactly one outcome: ${card.content}`);
    assert.match(card.content, new RegExp(`by <@${approved ? OWNER : APPROVER}>`));

    const [winner, loser] = approved ? [byOwner, byApprover] : [byApprover, byOwner];
    const note = await ephemeralTo(loser, /already answered/);
    assert.equal((note.flags ?? 0) & 64, 64);
    assert.ok(
      !h.discord.ephemeralMessages.some((m) => m.interaction_id === winner.interactionId && m.content !== ""),
      "the winner gets no notice",
    );

    if (approved) await waitReply(threadId, /Tool bash result/);
    else await waitReply(threadId, /✗ ran `touch discord-raced\.txt` — The user rejected this tool call/);
    assert.equal(existsSync(join(h.workdir, "discord-raced.txt")), approved);
    assert.equal(replies(threadId).filter((m) => /🔐/.test(m.content)).length, 1, "one card");
  });
});

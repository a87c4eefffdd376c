import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { DiscordMessage, InteractionHandle } from "../fakes/discord/index.js";
import { BridgeHarness } from "./harness.js";

const OWNER = "280000000000000001";
const LIMIT = 100;

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

describe("Discord: bad input and stale clicks", () => {
  let h: BridgeHarness;
  before(async () => {
    h = await BridgeHarness.start({
      platforms: ["discord"],
      env: { BRIDGE_MAX_PROMPT_CHARS: String(LIMIT) },
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
  const ephemeralTo = (handle: InteractionHandle, match: RegExp) =>
    h.discord.waitFor(
      () =>
        h.discord.ephemeralMessages.find(
          (m) => m.interaction_id === handle.interactionId && match.test(m.content),
        ),
      { what: `an ephemeral matching ${match}` },
    );
  /** Mentions the bot in the channel and returns the bot's reply to that message. */
  async function mentionReply(content: string): Promise<DiscordMessage> {
    const d = h.discord;
    const m = await d.sendMessage({ author_id: OWNER, channel_id: d.channelId, content, mention_bot: true });
    return d.waitFor(
      () =>
        d.channelMessages(d.channelId).find((x) => x.author.bot && x.message_reference?.message_id === m.id),
      { what: "the bot's reply to the mention", timeoutMs: 20_000 },
    );
  }

  test("a bare mention answers with usage in the channel and opens no thread", async () => {
    const threads = h.discord.threads.length;
    const reply = await mentionReply("");
    assert.match(reply.content, /Usage:/);
    assert.deepEqual(reply.allowed_mentions?.parse ?? [], [], "the usage reply pings nobody");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(h.discord.threads.length, threads, "no thread");
  });

  test("a prompt over BRIDGE_MAX_PROMPT_CHARS is refused with its size and the limit; no thread", async () => {
    const threads = h.discord.threads.length;
    const requests = h.model.requests.length;
    const prompt = "y".repeat(LIMIT + 50);
    const reply = await mentionReply(prompt);
    assert.match(reply.content, new RegExp(`${LIMIT + 50} characters long; the limit is ${LIMIT}`));
    assert.match(reply.content, /Nothing was started/);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(h.discord.threads.length, threads, "no thread");
    assert.equal(h.model.requests.length, requests, "nothing reached the model");

    // The same through /copilot: a private refusal.
    const handle = await h.discord.slashCommand({
      user_id: OWNER,
      channel_id: h.discord.channelId,
      options: [{ name: "prompt", type: 3, value: prompt }],
    });
    const note = await ephemeralTo(handle, /characters long; the limit is/);
    assert.equal((note.flags ?? 0) & 64, 64);
    assert.equal(h.discord.threads.length, threads, "no thread");
  });

  test("an over-long follow-up in a thread is refused there and not sent", async () => {
    const threadId = await start("short start");
    await waitReply(threadId, /user turns: 1/);
    const requests = h.model.requests.length;
    await h.discord.sendMessage({ author_id: OWNER, channel_id: threadId, content: "z".repeat(LIMIT + 1) });
    const note = await waitReply(threadId, /characters long; the limit is/);
    assert.match(note.content, new RegExp(`<@${OWNER}>`));
    assert.match(note.content, /not sent to Copilot/);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(h.model.requests.length, requests, "nothing reached the model");
  });

  test("a click on a card that was already decided is told so and changes nothing", async () => {
    const threadId = await start("RUN: touch discord-stale.txt");
    const card = await waitCard(threadId);
    const approve = buttonId(card, "Approve once");
    // Hold the card's edit back (rate limited for 2 s) so its buttons are still there after the decision.
    const cardEdit = new RegExp(`^PATCH /channels/${threadId}/messages/${card.id}$`);
    h.discord.failNext(cardEdit, { status: 429, retryAfter: 2 }, 1);
    await h.discord.clickButton({ user_id: OWNER, message_id: card.id, custom_id: buttonId(card, "Deny") });
    await h.discord.waitFor(
      () => h.discord.calls.some((c) => c.fault && cardEdit.test(`${c.method} ${c.path}`)),
      {
        what: "the decision to be recorded (the card edit is attempted)",
      },
    );
    assert.equal(buttons(card).length, 3, "the buttons are still shown");
    const late = await h.discord.clickButton({ user_id: OWNER, message_id: card.id, custom_id: approve });
    const note = await ephemeralTo(late, /already answered/);
    assert.equal((note.flags ?? 0) & 64, 64);
    await h.discord.waitFor(() => (buttons(card).length === 0 ? card : undefined), {
      what: "the card to close",
      timeoutMs: 20_000,
    });
    assert.match(card.content, /Denied/);
    assert.doesNotMatch(card.content, /Approved/);
    await waitReply(threadId, /✗ ran `touch discord-stale\.txt`/);
    assert.equal(existsSync(join(h.workdir, "discord-stale.txt")), false);
  });

  test("a deny-with-reason form submitted after the card was approved changes nothing", async () => {
    const threadId = await start("RUN: touch discord-late-form.txt");
    const card = await waitCard(threadId);
    const opened = await h.discord.clickButton({
      user_id: OWNER,
      message_id: card.id,
      custom_id: buttonId(card, "Deny with reason…"),
    });
    const modal = await h.discord.replyTo(opened.interactionId);
    assert.equal(modal.type, 9);
    await h.discord.clickButton({
      user_id: OWNER,
      message_id: card.id,
      custom_id: buttonId(card, "Approve once"),
    });
    await h.discord.waitFor(() => (buttons(card).length === 0 ? card : undefined), {
      what: "the card to close",
    });
    await waitReply(threadId, /Tool bash result/);

    const input = (modal.data.components as { components: { custom_id: string }[] }[])[0]?.components[0];
    const submitted = await h.discord.submitModal({
      user_id: OWNER,
      channel_id: threadId,
      custom_id: modal.data.custom_id,
      fields: { [input?.custom_id ?? "reason"]: "too late" },
    });
    const ack = await h.discord.replyTo(submitted.interactionId);
    assert.ok([4, 5, 6, 7].includes(ack.type), `the submit is acknowledged (type ${ack.type})`);
    const told = await waitReply(threadId, /already answered/);
    assert.match(told.content, new RegExp(`<@${OWNER}>`));
    assert.match(card.content, new RegExp(`Approved once.* by <@${OWNER}>`));
    assert.doesNotMatch(card.content, /too late|Denied/);
    assert.equal(existsSync(join(h.workdir, "discord-late-form.txt")), true);
  });
});

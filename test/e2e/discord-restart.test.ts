import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { DiscordMessage } from "../fakes/discord/index.js";
import { BridgeHarness } from "./harness.js";

const OWNER = "240000000000000001";

function buttons(m: DiscordMessage): { custom_id: string; label: string }[] {
  return (m.components ?? []).flatMap(
    (row: { components?: { custom_id: string; label: string }[] }) => row.components ?? [],
  );
}

describe("Discord: restart (kill -9) loses no session and no pending card", () => {
  let h: BridgeHarness;
  before(async () => {
    h = await BridgeHarness.start({ platforms: ["discord"] });
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
  const cards = (threadId: string) => replies(threadId).filter((m) => /🔐/.test(m.content));

  test("a pending card's buttons work after a crash, and conversations continue", async () => {
    const chat = await start("remember the word banana");
    await waitReply(chat, /user turns: 1/);
    const threadId = await start("RUN: touch discord-after-restart.txt");
    const card = await h.discord.waitFor(
      () => replies(threadId).find((m) => buttons(m).some((b) => b.label === "Approve once")),
      {
        what: "the card",
        timeoutMs: 20_000,
      },
    );
    const once = buttons(card).find((b) => b.label === "Approve once")?.custom_id ?? "";
    // The card is persisted right after Discord accepts it; give it that moment.
    await new Promise((r) => setTimeout(r, 300));
    const identifies = h.discord.identifies;

    await h.crashAndRestart();
    assert.ok(h.discord.identifies > identifies, "the new process identified anew");

    // Give the resumed session time to reconcile: the old card keeps its buttons, none is re-posted.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(buttons(card).length, 3, card.content);
    assert.equal(cards(threadId).length, 1, "one card in the thread");
    assert.equal(existsSync(join(h.workdir, "discord-after-restart.txt")), false);

    const click = await h.discord.clickButton({ user_id: OWNER, message_id: card.id, custom_id: once });
    await h.discord.waitFor(() => (buttons(card).length === 0 ? card : undefined), {
      what: "the card to close",
      timeoutMs: 20_000,
    });
    assert.match(card.content, new RegExp(`Approved once.* by <@${OWNER}>`));
    await h.discord.waitFor(() => existsSync(join(h.workdir, "discord-after-restart.txt")), {
      what: "the command to run",
      timeoutMs: 20_000,
    });
    await waitReply(threadId, /Tool bash result/);
    assert.equal(cards(threadId).length, 1, "still one card");
    const notes = h.discord.ephemeralMessages.filter((m) => m.interaction_id === click.interactionId);
    assert.deepEqual(
      notes.map((m) => m.content),
      [],
      "the click after the restart was accepted without complaint",
    );

    const requests = h.model.requests.length;
    await h.discord.sendMessage({ author_id: OWNER, channel_id: chat, content: "what was the word?" });
    await waitReply(chat, /You said: what was the word\? \(user turns: 2\)/);
    const seen = h.model.requests.slice(requests).map((r) => JSON.stringify(r.messages));
    assert.ok(
      seen.some((s) => s.includes("banana")),
      "the model saw the turn from before the crash",
    );
  });
});

/**
 * kill -9 of the bridge on Discord: a turn that died is reported, what was queued goes out at once
 * and in order, and a question left waiting closes as lost (a new one gets a card that works).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import { buttons, requestIdOf } from "./discord-driver.js";
import { useBridge } from "./fixture.js";

const OWNER = "330000000000000001";

describe("Discord: nothing lost when the bridge is killed", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER });

  test("killed during a turn with two messages queued: the turn is reported and the queue goes out first, in order", async () => {
    const threadId = await drv.start("SLOW: 30000 discord-kill");
    await drv.waitModelSaw("discord-kill");
    await drv.say(threadId, "first queued");
    await drv.waitReply(threadId, /\(1 waiting\)/);
    await drv.say(threadId, "second queued");
    await drv.waitReply(threadId, /\(2 waiting\)/);
    const from = h.model.requests.length;
    await h.crashAndRestart();
    await drv.waitReply(threadId, /turn that was running was interrupted .*Reply in this thread to continue/);
    await h.discord.waitFor(() => drv.modelSaw("first queued\\n\\nsecond queued", from) || undefined, {
      what: "the queued messages, together and in order",
      timeoutMs: 20_000,
    });
    await drv.waitReply(threadId, /You said: first queued/);
  });

  test("a question left waiting closes as lost; asking again gets a card that works", async () => {
    const threadId = await drv.start("ASK: Which fruit? | apple | pear");
    const card = await h.discord.waitFor(
      () => drv.replies(threadId).find((m) => buttons(m).some((b) => b.label === "pear")),
      { what: "the question", timeoutMs: 20_000 },
    );
    await h.cardSaved(requestIdOf(card, "Answer…")); // the crash comes once the card is up
    await h.crashAndRestart();
    await drv.waitClosed(card, { match: /Lost: the Copilot runtime restarted before anyone answered/ });
    assert.doesNotMatch(messageText(card), /answered while the bridge was offline/);
    await drv.say(threadId, "ASK: Which fruit now? | apple | pear");
    const fresh = await h.discord.waitFor(
      () => drv.replies(threadId).find((m) => m.id !== card.id && buttons(m).some((b) => b.label === "pear")),
      { what: "a fresh card", timeoutMs: 20_000 },
    );
    await drv.click(fresh, "pear");
    await drv.waitReply(threadId, /User selected: pear/);
  });
});

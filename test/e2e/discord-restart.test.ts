import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import { buttonId, buttons, requestIdOf } from "./discord-driver.js";
import { useBridge } from "./fixture.js";
import { discordKey } from "./store-file.js";

const OWNER = "240000000000000001";

describe("Discord: restart (kill -9) loses no session and no pending card", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER });

  test("a pending card's buttons work after a crash, and conversations continue", async () => {
    const chat = await drv.start("remember the word banana");
    await drv.waitReply(chat, /user turns: 1/);
    const threadId = await drv.start("RUN: touch discord-after-restart.txt");
    const card = await drv.waitCard(threadId);
    const once = buttonId(card, "Approve once");
    // The card is persisted right after Discord accepts it: crash once it is.
    await h.cardSaved(requestIdOf(card));
    const identifies = h.discord.identifies;
    const logged = h.output.length;

    await h.crashAndRestart();
    assert.ok(h.discord.identifies > identifies, "the new process identified anew");

    // The resumed session has reconciled its cards: the old card keeps its buttons, none is re-posted
    // (checked again after the click, which the thread handles after anything the resume queued).
    await h.waitForLog(new RegExp(`session resumed.*${discordKey(h, threadId)}`), {
      from: logged,
      what: "the card's session to be resumed",
    });
    assert.equal(buttons(card).length, 3, messageText(card));
    assert.equal(drv.cards(threadId).length, 1, "one card in the thread");
    assert.equal(existsSync(join(h.workdir, "discord-after-restart.txt")), false);

    const click = await h.discord.clickButton({ user_id: OWNER, message_id: card.id, custom_id: once });
    await drv.waitClosed(card);
    assert.match(messageText(card), new RegExp(`Approved once.* by <@${OWNER}>`));
    await h.discord.waitFor(() => existsSync(join(h.workdir, "discord-after-restart.txt")), {
      what: "the command to run",
      timeoutMs: 20_000,
    });
    await drv.waitReply(threadId, /Tool bash result/);
    assert.equal(drv.cards(threadId).length, 1, "still one card");
    const notes = h.discord.ephemeralMessages.filter((m) => m.interaction_id === click.interactionId);
    assert.deepEqual(
      notes.map((m) => messageText(m)),
      [],
      "the click after the restart was accepted without complaint",
    );

    const requests = h.model.requests.length;
    await drv.say(chat, "what was the word?");
    await drv.waitReply(chat, /You said: what was the word\? \(user turns: 2\)/);
    assert.ok(drv.modelSaw("banana", requests), "the model saw the turn from before the crash");
  });
});

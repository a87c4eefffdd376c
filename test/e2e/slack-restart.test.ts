import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { useBridge } from "./fixture.js";
import { buttonsOf, cardRequestId, visible } from "./harness.js";
import { slackKey } from "./store-file.js";

const OWNER = "UOWNER3";

describe("Slack: restart (kill -9) loses no session and no pending card", () => {
  const { h } = useBridge();

  test("a pending card's buttons work after a crash, and conversations continue", async () => {
    const chat = await h.startSession(OWNER, "remember the word banana");
    await h.waitForReply(chat, /user turns: 1/);
    const header = await h.startSession(OWNER, "RUN: touch after-restart.txt");
    const card = await h.waitForCard(header);
    const postsBefore = h.slack.messages.length;
    // The card is persisted right after Slack accepts it; a crash inside those few milliseconds
    // would post it again on restart (at least once, never lost): crash once it is.
    await h.cardSaved(cardRequestId(card));
    const logged = h.output.length;

    await h.crashAndRestart();

    // The resumed session has reconciled its cards: the old card keeps its buttons and is not posted
    // again (checked again after the click, which the thread handles after anything the resume queued).
    await h.waitForLog(new RegExp(`session resumed.*${slackKey(h, header)}`), {
      from: logged,
      what: "the card's session to be resumed",
    });
    const cards = () => h.slack.thread(header.channel, header.ts).filter((m) => /🔐/.test(visible(m)));
    assert.equal(buttonsOf(card).length, 3, visible(card));
    assert.equal(cards().length, 1, "one card in the thread");

    await h.click(OWNER, card, "perm.once");
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "the card to close",
    });
    assert.match(visible(card), new RegExp(`Approved once.* by <@${OWNER}>`));
    assert.equal(cards().length, 1, "still one card in the thread");
    await h.slack.waitFor(() => existsSync(join(h.workdir, "after-restart.txt")), {
      what: "the command to run",
    });
    await h.waitForReply(header, /Tool bash result/);

    await h.slack.sendEvent({
      type: "message",
      channel: chat.channel,
      user: OWNER,
      text: "what was the word?",
      ts: h.slack.nextTs(),
      thread_ts: chat.ts,
    });
    await h.waitForReply(chat, /You said: what was the word\? \(user turns: 2\)/);
    const last = h.model.requests.at(-1);
    assert.ok(
      JSON.stringify(last?.messages).includes("banana"),
      "the model saw the turn from before the crash",
    );
    assert.ok(h.slack.messages.length > postsBefore);
  });
});

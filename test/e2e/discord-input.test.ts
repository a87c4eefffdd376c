import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import { buttonId, buttons } from "./discord-driver.js";
import { useBridge } from "./fixture.js";

const OWNER = "280000000000000001";
const LIMIT = 100;

describe("Discord: bad input and stale clicks", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER, env: { BRIDGE_MAX_PROMPT_CHARS: String(LIMIT) } });

  test("a bare mention answers with usage in the channel and opens no thread", async () => {
    const threads = h.discord.threads.length;
    const reply = await drv.mentionReply("");
    assert.match(messageText(reply), /Usage:/);
    assert.deepEqual(reply.allowed_mentions?.parse ?? [], [], "the usage reply pings nobody");
    // A barrier: a later mention, answered only once the bridge has handled it whole.
    await drv.mentionReply("");
    assert.equal(h.discord.threads.length, threads, "no thread");
  });

  test("a prompt over BRIDGE_MAX_PROMPT_CHARS is refused with its size and the limit; no thread", async () => {
    const threads = h.discord.threads.length;
    const requests = h.model.requests.length;
    const prompt = "y".repeat(LIMIT + 50);
    const reply = await drv.mentionReply(prompt);
    assert.match(messageText(reply), new RegExp(`${LIMIT + 50} characters long; the limit is ${LIMIT}`));
    assert.match(messageText(reply), /Nothing was started/);
    // A barrier: a later mention, answered only once the bridge has handled it whole.
    await drv.mentionReply("");
    assert.equal(h.discord.threads.length, threads, "no thread");
    assert.equal(h.model.requests.length, requests, "nothing reached the model");

    // The same through /copilot: a private refusal.
    const handle = await drv.slash(h.discord.channelId, prompt);
    const note = await drv.ephemeralTo(handle, /characters long; the limit is/);
    assert.equal((note.flags ?? 0) & 64, 64);
    assert.equal(h.discord.threads.length, threads, "no thread");
  });

  test("an over-long follow-up in a thread is refused there and not sent", async () => {
    const threadId = await drv.start("short start");
    await drv.waitReply(threadId, /user turns: 1/);
    const requests = h.model.requests.length;
    await drv.say(threadId, "z".repeat(LIMIT + 1));
    const note = await drv.waitReply(threadId, /characters long; the limit is/);
    assert.match(messageText(note), new RegExp(`<@${OWNER}>`));
    assert.match(messageText(note), /not sent to Copilot/);
    // A barrier: the thread's next message, answered by the model as the second turn.
    await drv.say(threadId, "a short one");
    await drv.waitReply(threadId, /You said: a short one \(user turns: 2\)/);
    assert.ok(
      h.model.requests.slice(requests).every((r) => !/z{20}/.test(JSON.stringify(r.messages))),
      "nothing reached the model",
    );
  });

  test("a click on a card that was already decided is told so and changes nothing", async () => {
    const threadId = await drv.start("RUN: touch discord-stale.txt");
    const card = await drv.waitCard(threadId);
    const approve = buttonId(card, "Approve once");
    // Hold the decided card back (the click's answer, which carries it, rate limited for 2 s) so its
    // buttons are still there after the decision.
    const callback = /^POST \/interactions\/\d+\/[^/]+\/callback$/;
    h.discord.failNext(callback, { status: 429, retryAfter: 2 }, 1);
    await drv.click(card, "Deny");
    await h.discord.waitFor(
      () => h.discord.calls.some((c) => c.fault && callback.test(`${c.method} ${c.path}`)),
      {
        what: "the decision to be recorded (the click's answer is attempted)",
      },
    );
    assert.equal(buttons(card).length, 3, "the buttons are still shown");
    const late = await h.discord.clickButton({ user_id: OWNER, message_id: card.id, custom_id: approve });
    const note = await drv.ephemeralTo(late, /already answered/);
    assert.equal((note.flags ?? 0) & 64, 64);
    await drv.waitClosed(card);
    assert.match(messageText(card), /Denied/);
    assert.doesNotMatch(messageText(card), /Approved/);
    await drv.waitReply(threadId, /✗ ran `touch discord-stale\.txt`/);
    assert.equal(existsSync(join(h.workdir, "discord-stale.txt")), false);
  });

  test("a deny-with-reason form submitted after the card was approved changes nothing", async () => {
    const threadId = await drv.start("RUN: touch discord-late-form.txt");
    const card = await drv.waitCard(threadId);
    const opened = await drv.click(card, "Deny with reason…");
    const modal = await h.discord.replyTo(opened.interactionId);
    assert.equal(modal.type, 9);
    await drv.click(card, "Approve once");
    await drv.waitClosed(card, { timeoutMs: 10_000 });
    await drv.waitReply(threadId, /Tool bash result/);

    const input = (modal.data.components as { components: { custom_id: string }[] }[])[0]?.components[0];
    const submitted = await h.discord.submitModal({
      user_id: OWNER,
      channel_id: threadId,
      custom_id: modal.data.custom_id,
      fields: { [input?.custom_id ?? "reason"]: "too late" },
    });
    const ack = await h.discord.replyTo(submitted.interactionId);
    assert.ok([4, 5, 6, 7].includes(ack.type), `the submit is acknowledged (type ${ack.type})`);
    const told = await drv.waitReply(threadId, /already answered/);
    assert.match(messageText(told), new RegExp(`<@${OWNER}>`));
    assert.match(messageText(card), new RegExp(`Approved once.* by <@${OWNER}>`));
    assert.doesNotMatch(messageText(card), /too late|Denied/);
    assert.equal(existsSync(join(h.workdir, "discord-late-form.txt")), true);
  });
});

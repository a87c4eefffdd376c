import assert from "node:assert/strict";
import { test } from "node:test";
import type { ThreadRef } from "../../src/core/vocabulary/refs.js";
import { line } from "./subject.js";
import type { ContractCases, ContractState } from "./suite.js";

/**
 * What people do reaches the core as the port's events, driven through the platform's wire: commands,
 * messages in the bridge's threads (with whether they mention the bot), never the bot's own words,
 * and delivery ids that tell a redelivery from a new message.
 */
export const inboundCases: ContractCases = (get) => {
  test("a command in a channel arrives with its user, channel and text; its reply reaches only that user", async () => {
    const { s, handler } = get();
    // Characters a platform escapes on the wire must arrive as typed.
    const typed = "contract-command: run the tests & report <fast>";
    const reply = "only the one who asked sees this";
    handler.commandReply = reply;
    try {
      await s.sendCommand(s.user, s.channel, typed);
      const [event] = await s.waitFor(() => nonEmpty(handler.commands("contract-command")), "the command");
      assert.ok(event);
      assert.equal(event.text, typed);
      assert.deepEqual(
        { platform: event.user.platform, id: event.user.id },
        { platform: s.adapter.platform, id: s.user },
      );
      assert.deepEqual(
        [event.channel.platform, event.channel.channel, event.channel.workspace],
        [s.channel.platform, s.channel.channel, s.channel.workspace],
      );
      assert.ok(event.id.length > 0);
      await s.waitFor(() => s.noticesFor(s.user).some((n) => n.includes(reply)), "the reply to the command");
      assert.ok(!s.noticesFor(s.otherUser).some((n) => n.includes(reply)), "another person got the reply");
      assert.ok(!s.publicTexts().some((t) => t.includes(reply)), "the reply was shown to everyone");

      await s.sendCommand(s.user, s.channel, typed);
      const both = await s.waitFor(
        () => atLeast(handler.commands("contract-command"), 2),
        "a second command",
      );
      assert.notEqual(both[0]?.id, both[1]?.id, "two commands carry the same delivery id");
    } finally {
      handler.commandReply = undefined;
    }
  });

  test("a message in the bridge's thread arrives with its key, and says exactly when it mentions the bot", async () => {
    const { s, handler, thread } = get();
    await s.sendThreadMessage(s.user, thread, "plain-words for the session");
    await s.sendThreadMessage(s.user, thread, "mention-words for the bot", { mention: "bot" });
    await s.sendThreadMessage(s.user, thread, "other-words for someone", { mention: "other" });
    await settle(get(), thread, "after-mentions");
    const plain = handler.messages("plain-words");
    const mention = handler.messages("mention-words");
    const other = handler.messages("other-words");
    // A platform may deliver one message as two events (Slack: `message` and `app_mention`): one id.
    assert.deepEqual([plain, mention, other].map(distinctIds), [1, 1, 1]);
    for (const event of [...plain, ...mention, ...other]) {
      assert.equal(event.thread.key, thread.key);
      assert.equal(event.thread.platform, s.adapter.platform);
      assert.deepEqual(
        { platform: event.user.platform, id: event.user.id },
        { platform: s.adapter.platform, id: s.user },
      );
      assert.equal(event.botThread, true, "a thread the bridge opened is the bot's");
    }
    assert.deepEqual(
      plain.map((e) => [e.text, e.mentionsBot]),
      plain.map(() => ["plain-words for the session", false]),
    );
    // The mention itself is not part of what the person said to the session.
    assert.deepEqual(
      mention.map((e) => [e.text, e.mentionsBot]),
      mention.map(() => ["mention-words for the bot", true]),
    );
    assert.deepEqual(
      other.map((e) => e.mentionsBot),
      other.map(() => false),
    );
  });

  test("the bot's own messages never arrive", async () => {
    const { s, handler, thread } = get();
    const ref = await s.adapter.post(thread, line("own-words of the bot"));
    await s.echoOwn(thread, ref);
    // Deliveries are in order: once a later message has arrived, the bot's would have too.
    await settle(get(), thread, "after-own-words");
    assert.deepEqual(
      handler.events.filter((e) => e.type !== "action" && e.text.includes("own-words of the bot")),
      [],
    );
  });

  test("a redelivered message carries the same id, and two messages carry different ids", async () => {
    const { s, handler, thread } = get();
    const delivery = await s.sendThreadMessage(s.user, thread, "twice-delivered words");
    await s.waitFor(() => nonEmpty(handler.messages("twice-delivered")), "the message");
    await delivery.redeliver();
    await settle(get(), thread, "after-redelivery");
    // An adapter may pass the redelivery on (the core drops it by its id) or drop it itself.
    const ids = new Set(handler.messages("twice-delivered").map((e) => e.id));
    assert.equal(ids.size, 1, `a redelivery got a new id: ${[...ids].join(", ")}`);

    await s.sendThreadMessage(s.user, thread, "same-words again");
    await s.sendThreadMessage(s.user, thread, "same-words again");
    const two = await s.waitFor(
      () => distinctIds(handler.messages("same-words")) >= 2 && handler.messages("same-words"),
      "two messages with the same words",
    );
    assert.equal(distinctIds(two), 2, "two messages with the same words carry the same id");
  });
};

/** Sends a message with `marker` and waits for it to arrive: every delivery before it has, too. */
export async function settle(
  { s, handler }: ContractState,
  thread: ThreadRef,
  marker: string,
): Promise<void> {
  await s.sendThreadMessage(s.user, thread, marker);
  await s.waitFor(() => nonEmpty(handler.messages(marker)), `the message "${marker}"`);
}

const nonEmpty = <T>(list: T[]): T[] | undefined => (list.length > 0 ? list : undefined);
const atLeast = <T>(list: T[], n: number): T[] | undefined => (list.length >= n ? list : undefined);
const distinctIds = (events: { id: string }[]): number => new Set(events.map((e) => e.id)).size;

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import { useBridge } from "./fixture.js";

const OWNER = "220000000000000001";
const STRANGER = "220000000000000003";

describe("Discord: talking in a session thread", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER });

  test("the owner's follow-up (no mention) continues the same conversation", async () => {
    const threadId = await drv.start("first question");
    await drv.waitReply(threadId, /You said: first question \(user turns: 1\)/);
    await drv.say(threadId, "second question");
    const reply = await drv.waitReply(threadId, /You said: second question \(user turns: 2\)/);
    assert.equal(reply.channel_id, threadId, "answered in the thread");
    assert.equal(h.discord.threads.length, 1, "no new thread for a follow-up");
  });

  test("a stranger is ignored without a mention and heard with one", async () => {
    const threadId = await drv.start("hello");
    await drv.waitReply(threadId, /user turns: 1/);
    const requests = h.model.requests.length;
    const botPosts = drv.replies(threadId).length;
    await drv.say(threadId, "ignore me", { author: STRANGER });
    // The next message is the barrier: the bridge handles a thread's messages in order.
    await drv.say(threadId, "but hear me", { author: STRANGER, mention: true });
    await drv.waitReply(threadId, /You said: but hear me \(user turns: 2\)/);
    assert.ok(!drv.modelSaw("ignore me", requests), "the stranger's message did not reach the model");
    // If the first turn was still ending, "but hear me" waited behind it with a queue notice of its own.
    assert.deepEqual(
      drv
        .replies(threadId)
        .slice(botPosts)
        .map((m) => messageText(m))
        .filter((c) => !/^-# (⏳|📨) .*queued/.test(c)),
      [`You said: but hear me (user turns: 2)`],
      "nothing was posted for it",
    );
  });

  test("a message while the agent works is queued, announced, and answered after the turn", async () => {
    const threadId = await drv.start("SLOW: 2500");
    await drv.waitModelSaw("SLOW: 2500", "the slow turn to start");
    await drv.say(threadId, "after the slow one");
    const queued = await drv.waitReply(threadId, /queued \(1 waiting\)/);
    assert.match(
      messageText(queued),
      new RegExp(
        `⏳ Copilot is still working; the message from <@${OWNER}> is queued \\(1 waiting\\) and will be sent when this turn ends\\.`,
      ),
    );
    assert.ok(
      !drv.replies(threadId).some((m) => /slow done/.test(messageText(m))),
      "announced while the turn runs",
    );
    await drv.waitReply(threadId, /slow done/);
    await drv.waitReply(threadId, /You said: after the slow one \(user turns: 2\)/);
    const order = drv.replies(threadId).map((m) => messageText(m));
    const slow = order.findIndex((t) => /slow done/.test(t));
    const next = order.findIndex((t) => /after the slow one \(user turns/.test(t));
    assert.ok(
      slow >= 0 && slow < next,
      `the queued prompt is answered after the running turn:\n${order.join("\n")}`,
    );
    assert.equal(
      h.model.requests.filter((r) => r.messages.at(-1)?.content.includes("after the slow one")).length,
      1,
      "the queued prompt was sent once",
    );
    // The one notice of the turn now says what became of the message.
    await h.discord.waitFor(() => /📨/.test(messageText(queued)) || undefined, {
      what: "the notice to say it was sent",
    });
    assert.match(
      messageText(queued),
      new RegExp(`📨 The queued message from <@${OWNER}> was sent to Copilot\\.`),
    );
    assert.equal(drv.replies(threadId).filter((m) => /⏳|📨/.test(messageText(m))).length, 1, "one notice");
  });
});

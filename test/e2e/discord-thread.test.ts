import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { BridgeHarness } from "./harness.js";

const OWNER = "220000000000000001";
const STRANGER = "220000000000000003";

describe("Discord: talking in a session thread", () => {
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
  const say = (threadId: string, author: string, content: string, mention = false) =>
    h.discord.sendMessage({ author_id: author, channel_id: threadId, content, mention_bot: mention });
  const modelSaw = (text: string, from = 0) =>
    h.model.requests.slice(from).some((r) => JSON.stringify(r.messages).includes(text));

  test("the owner's follow-up (no mention) continues the same conversation", async () => {
    const threadId = await start("first question");
    await waitReply(threadId, /You said: first question \(user turns: 1\)/);
    await say(threadId, OWNER, "second question");
    const reply = await waitReply(threadId, /You said: second question \(user turns: 2\)/);
    assert.equal(reply.channel_id, threadId, "answered in the thread");
    assert.equal(h.discord.threads.length, 1, "no new thread for a follow-up");
  });

  test("a stranger is ignored without a mention and heard with one", async () => {
    const threadId = await start("hello");
    await waitReply(threadId, /user turns: 1/);
    const requests = h.model.requests.length;
    const botPosts = replies(threadId).length;
    await say(threadId, STRANGER, "ignore me");
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(!modelSaw("ignore me", requests), "the stranger's message did not reach the model");
    assert.equal(replies(threadId).length, botPosts, "nothing was posted for it");

    await say(threadId, STRANGER, "but hear me", true);
    await waitReply(threadId, /You said: but hear me \(user turns: 2\)/);
    assert.ok(!modelSaw("ignore me", requests), "the ignored message was not sent along later either");
  });

  test("a message while the agent works is queued, announced, and answered after the turn", async () => {
    const threadId = await start("SLOW: 2500");
    await h.discord.waitFor(() => modelSaw("SLOW: 2500") || undefined, { what: "the slow turn to start" });
    await say(threadId, OWNER, "after the slow one");
    const queued = await waitReply(threadId, /queued \(1 waiting\)/);
    assert.match(queued.content, new RegExp(`<@${OWNER}>`));
    assert.ok(!replies(threadId).some((m) => /slow done/.test(m.content)), "announced while the turn runs");
    await waitReply(threadId, /slow done/);
    await waitReply(threadId, /You said: after the slow one \(user turns: 2\)/);
    const order = replies(threadId).map((m) => m.content);
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
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { BridgeHarness } from "./harness.js";

const OWNER = "250000000000000001";

describe("Discord: gateway drops and zombie connections lose nothing", () => {
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
  const say = (threadId: string, content: string) =>
    h.discord.sendMessage({ author_id: OWNER, channel_id: threadId, content });
  const answersTo = (threadId: string, text: string) =>
    replies(threadId).filter((m) => m.content.includes(`You said: ${text} (`)).length;

  test("a dropped gateway mid-turn: the running answer completes and a message sent meanwhile is answered", async () => {
    const threadId = await start("SLOW: 1500");
    await h.discord.waitFor(
      () => h.model.requests.some((r) => JSON.stringify(r.messages).includes("SLOW: 1500")) || undefined,
      { what: "the slow turn to start" },
    );
    const resumes = h.discord.resumes;
    const identifies = h.discord.identifies;
    h.discord.dropGateway();
    await say(threadId, "sent during the outage");
    await h.discord.waitFor(() => h.discord.resumes > resumes || h.discord.identifies > identifies, {
      what: "the bridge to reconnect",
      timeoutMs: 20_000,
    });
    await h.discord.whenReady();
    await waitReply(threadId, /^slow done$/);
    await waitReply(threadId, /You said: sent during the outage \(user turns: 2\)/);

    await say(threadId, "sent after the outage");
    await waitReply(threadId, /You said: sent after the outage \(user turns: 3\)/);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(answersTo(threadId, "sent during the outage"), 1, "answered exactly once");
    assert.equal(answersTo(threadId, "sent after the outage"), 1, "answered exactly once");
  });

  test("a zombie connection (no heartbeat ACKs) is replaced and messages are still handled", async () => {
    const threadId = await start("before the zombie");
    await waitReply(threadId, /user turns: 1/);
    const connections = h.discord.gatewayConnections;
    h.discord.zombie(true);
    try {
      await h.discord.waitFor(() => h.discord.gatewayConnections > connections, {
        what: "the bridge to notice the zombie and reconnect",
        timeoutMs: 20_000,
      });
    } finally {
      h.discord.zombie(false);
    }
    await h.discord.whenReady();
    await say(threadId, "after the zombie");
    await waitReply(threadId, /You said: after the zombie \(user turns: 2\)/);

    const d = h.discord;
    const m = await d.sendMessage({
      author_id: OWNER,
      channel_id: d.channelId,
      content: "new session after the zombie",
      mention_bot: true,
    });
    const thread = await d.waitFor(() => d.threads.find((t) => t.message_id === m.id), {
      what: "a new thread",
    });
    await waitReply(thread.id, /You said: new session after the zombie \(user turns: 1\)/);
    assert.equal(answersTo(threadId, "after the zombie"), 1);
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import { useBridge } from "./fixture.js";

const OWNER = "250000000000000001";

describe("Discord: gateway drops and zombie connections lose nothing", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER });

  const answersTo = (threadId: string, text: string) =>
    drv.replies(threadId).filter((m) => messageText(m).includes(`You said: ${text} (`)).length;

  test("a dropped gateway mid-turn: the running answer completes and a message sent meanwhile is answered", async () => {
    const threadId = await drv.start("SLOW: 1500");
    await drv.waitModelSaw("SLOW: 1500", "the slow turn to start");
    const resumes = h.discord.resumes;
    const identifies = h.discord.identifies;
    h.discord.dropGateway();
    await drv.say(threadId, "sent during the outage");
    await h.discord.waitFor(() => h.discord.resumes > resumes || h.discord.identifies > identifies, {
      what: "the bridge to reconnect",
      timeoutMs: 20_000,
    });
    await h.discord.whenReady();
    await drv.waitReply(threadId, /^slow done$/);
    await drv.waitReply(threadId, /You said: sent during the outage \(user turns: 2\)/);

    await drv.say(threadId, "sent after the outage");
    await drv.waitReply(threadId, /You said: sent after the outage \(user turns: 3\)/);
    // A barrier: a later message answered; an answer given twice would show before it.
    await drv.say(threadId, "the last one");
    await drv.waitReply(threadId, /You said: the last one \(user turns: 4\)/);
    assert.equal(answersTo(threadId, "sent during the outage"), 1, "answered exactly once");
    assert.equal(answersTo(threadId, "sent after the outage"), 1, "answered exactly once");
  });

  test("a zombie connection (no heartbeat ACKs) is replaced and messages are still handled", async () => {
    const threadId = await drv.start("before the zombie");
    await drv.waitReply(threadId, /user turns: 1/);
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
    await drv.say(threadId, "after the zombie");
    await drv.waitReply(threadId, /You said: after the zombie \(user turns: 2\)/);

    const newThreadId = await drv.start("new session after the zombie");
    await drv.waitReply(newThreadId, /You said: new session after the zombie \(user turns: 1\)/);
    assert.equal(answersTo(threadId, "after the zombie"), 1);
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { InteractionHandle } from "../fakes/discord/index.js";
import { messageText } from "../fakes/discord/index.js";
import { useBridge } from "./fixture.js";

const OWNER = "230000000000000001";

describe("Discord: the /copilot application command", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER });

  /** The text the person who ran the command finally sees (the deferred reply, once edited). */
  const finalReply = (handle: InteractionHandle) =>
    h.discord.waitFor(
      () =>
        h.discord.ephemeralMessages.find(
          (m) => m.interaction_id === handle.interactionId && messageText(m) !== "" && m.edits > 0,
        ),
      { what: "the deferred reply to be edited", timeoutMs: 20_000 },
    );

  test("/copilot is registered in the guild with a required prompt", () => {
    const cmd = h.discord.commands.find((c) => c.name === "copilot");
    assert.ok(cmd, `registered: ${JSON.stringify(h.discord.commands.map((c) => c.name))}`);
    assert.equal(cmd.guild_id, h.discord.guildId, "registered as a guild command");
    const prompt = (cmd.options ?? []).find((o: { name: string }) => o.name === "prompt");
    assert.equal(prompt?.type, 3);
    assert.equal(prompt?.required, true);
  });

  test("/copilot in a channel: deferred ephemeral reply, header in the channel, thread with the answer", async () => {
    const d = h.discord;
    const before = d.messages.length;
    const handle = await drv.slash(d.channelId, "hi via command");
    const first = await d.replyTo(handle.interactionId);
    assert.equal(first.type, 5, "deferred");
    assert.equal((first.data?.flags ?? 0) & 64, 64, "ephemeral");

    const header = await d.waitFor(
      () => d.messages.slice(before).find((m) => m.channel_id === d.channelId && m.author.bot && m.thread),
      { what: "the bot's header with a thread", timeoutMs: 20_000 },
    );
    assert.match(messageText(header), /Copilot session/);
    assert.match(messageText(header), new RegExp(`<@${OWNER}>`));
    assert.match(messageText(header), /hi via command/);
    const thread = d.threads.find((t) => t.message_id === header.id);
    assert.ok(thread, "the thread was started from the header");
    assert.equal(thread.name, "hi via command");
    await drv.waitReply(thread.id, /You said: hi via command \(user turns: 1\)/);

    const edited = await finalReply(handle);
    assert.match(messageText(edited), /Started a Copilot session/);
    assert.equal((edited.flags ?? 0) & 64, 64, "still ephemeral");
    assert.ok(
      !d.messages.some((m) => m.interaction_id === handle.interactionId),
      "nothing public came from the interaction itself",
    );

    // Inside the session's thread, /copilot talks to that session.
    const threads = d.threads.length;
    const inThread = await drv.slash(thread.id, "second via command");
    const deferred = await d.replyTo(inThread.interactionId);
    assert.equal(deferred.type, 5);
    await drv.waitReply(thread.id, /You said: second via command \(user turns: 2\)/);
    const sent = await finalReply(inThread);
    assert.match(messageText(sent), /Sent to this thread's Copilot session/);
    assert.equal(d.threads.length, threads, "no new thread");
  });

  test("/copilot help answers with usage privately and starts nothing", async () => {
    const d = h.discord;
    const threads = d.threads.length;
    const posts = d.messages.length;
    const handle = await drv.slash(d.channelId, "help");
    const reply = await finalReply(handle);
    assert.match(messageText(reply), /Usage:/);
    assert.equal((reply.flags ?? 0) & 64, 64);
    // A barrier: a later command, answered only once the bridge has handled it whole.
    await finalReply(await drv.slash(d.channelId, "help"));
    assert.equal(d.threads.length, threads, "no thread");
    assert.equal(d.messages.length, posts, "nothing public");
  });

  test("/copilot mode plan and /copilot status inside a session's thread control that session", async () => {
    const threadId = await drv.start("hello controls");
    await drv.waitReply(threadId, /user turns: 1/);
    await drv.slash(threadId, "mode plan");
    await drv.waitReply(threadId, new RegExp(`Mode set to plan .* by <@${OWNER}>`));
    const header = await h.discord.waitFor(
      () =>
        drv
          .replies(threadId)
          .find((m) => /Copilot session/.test(messageText(m)) && /Mode: `plan`/.test(messageText(m))),
      { what: "the header to show plan" },
    );
    assert.ok(header);
    await drv.slash(threadId, "status");
    const status = await drv.waitReply(threadId, /Session status/);
    assert.match(messageText(status), /Mode: `plan`/);
    // The first turn's model call is counted (the scripted model reports 10 prompt tokens a call).
    assert.match(
      messageText(status),
      /Usage: [1-9][\d,]* tokens in · [1-9][\d,]* out · 0 premium request\(s\) · [1-9]\d* model call\(s\)/,
    );
  });
});

/**
 * Input that cannot be encoded as it is, on Discord: a lone UTF-16 surrogate starts a session
 * promptly with readable text; a mention of only invisible characters starts nothing.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import { useBridge } from "./fixture.js";

const OWNER = "280000000000000041";
const INVISIBLE = "\u200b\u200c\u200d\ufeff\u2060";
/** Well under the 30 s a lone surrogate used to hang the send for. */
const PROMPTLY = 8000;

describe("Discord: input that cannot be encoded", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER });

  test("a lone surrogate in a mention: a readable header and thread name, the prompt reaches the model", async () => {
    const started = Date.now();
    const threadId = await drv.start("lone \ud800 surrogate and\u0007 a bell");
    const header = await drv.waitReply(threadId, /Copilot session/);
    assert.ok(messageText(header).includes("lone \ufffd surrogate and a bell"), messageText(header));
    assert.doesNotMatch(messageText(header), /\p{Cs}/u, "the header is well-formed UTF-16");
    const thread = h.discord.threads.find((t) => t.id === threadId);
    assert.equal(thread?.name, "lone \ufffd surrogate and a bell");
    await drv.waitReply(threadId, /You said: lone \ufffd surrogate and a bell \(user turns: 1\)/);
    assert.ok(Date.now() - started < PROMPTLY, `answered after ${Date.now() - started} ms`);
    assert.ok(drv.modelSaw("lone \ufffd surrogate and a bell"));
  });

  test("a lone surrogate in a thread reply is sent promptly, not lost", async () => {
    const threadId = await drv.start("first");
    await drv.waitReply(threadId, /user turns: 1/);
    const started = Date.now();
    await drv.say(threadId, "second \udc00 one");
    await drv.waitReply(threadId, /You said: second \ufffd one \(user turns: 2\)/);
    assert.ok(Date.now() - started < PROMPTLY, `answered after ${Date.now() - started} ms`);
  });

  test("a mention of only invisible characters answers with usage and opens no thread", async () => {
    const threads = h.discord.threads.length;
    const requests = h.model.requests.length;
    const reply = await drv.mentionReply(`${INVISIBLE} \ufe0f`);
    assert.match(messageText(reply), /Usage:/);
    // A barrier: a later mention, answered only once the bridge has handled it whole.
    await drv.mentionReply("");
    assert.equal(h.discord.threads.length, threads, "no thread");
    assert.equal(h.model.requests.length, requests, "nothing reached the model");
  });

  test("/copilot with only invisible characters answers with usage, privately", async () => {
    const threads = h.discord.threads.length;
    const handle = await drv.slash(h.discord.channelId, INVISIBLE);
    const note = await drv.ephemeralTo(handle, /Usage:/);
    assert.equal((note.flags ?? 0) & 64, 64);
    assert.equal(h.discord.threads.length, threads, "no thread");
  });
});

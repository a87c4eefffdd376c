import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { DiscordMessage, RestCall } from "../fakes/discord/index.js";
import { messageText } from "../fakes/discord/index.js";
import { useBridge } from "./fixture.js";

const OWNER = "270000000000000001";

describe("Discord platform errors: nothing is lost", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER });

  const faultsOn = (calls: RestCall[], match: (c: RestCall) => boolean) =>
    calls.filter((c) => match(c) && c.fault !== undefined).map((c) => c.fault);

  test("429 (retry_after) then 500 on the header post and on edits: the answer arrives whole", async () => {
    const from = h.discord.calls.length;
    h.discord.failNext("POST /channels/:id/messages", { status: 429, retryAfter: 1 }, 1);
    h.discord.failNext("POST /channels/:id/messages", { status: 500 }, 1);
    h.discord.failNext("PATCH /channels/:id/messages/:id", { status: 500 }, 1);
    const threadId = await drv.start("ECHO: survived the rate limit");
    const reply = await drv.waitReply(threadId, /^survive/);
    await h.discord.waitFor(() => (messageText(reply) === "survived the rate limit" ? reply : undefined), {
      what: `the complete answer (it reads ${JSON.stringify(messageText(reply))})`,
      timeoutMs: 20_000,
    });
    const header = drv.replies(threadId).filter((m) => /Copilot session/.test(messageText(m)));
    assert.equal(header.length, 1, "one header despite the retries");
    const faulted = faultsOn(h.discord.calls.slice(from), (c) => c.method === "POST");
    assert.deepEqual(faulted, ["429", "500"], "both faults were served to posts");
    const edits = faultsOn(h.discord.calls.slice(from), (c) => c.method === "PATCH");
    assert.deepEqual(edits, ["500"], "the fault was served to an edit");
  });

  test("429 then 500 on the card post, and a 500 on the click's answer: one card, decided, finalised", async () => {
    const file = "discord-faulted-card.txt";
    let threadPath = "";
    // Arm the faults the moment the activity line is posted: the next post in the thread is the card.
    const off = h.discord.onCall((c) => {
      if (
        threadPath ||
        c.method !== "POST" ||
        !/⏳ ran `touch discord-faulted-card/.test(c.body?.content ?? "")
      )
        return;
      threadPath = c.path;
      h.discord.failNext(`POST ${c.path}`, { status: 429, retryAfter: 1 }, 1);
      h.discord.failNext(`POST ${c.path}`, { status: 500 }, 1);
    });
    let threadId: string;
    let card: DiscordMessage;
    try {
      threadId = await drv.start(`RUN: touch ${file}`);
      card = await drv.waitCard(threadId);
    } finally {
      off();
    }
    const cardPosts = h.discord.calls.filter(
      (c) => c.path === threadPath && c.body !== undefined && /🔐/.test(messageText(c.body)),
    );
    assert.deepEqual(
      cardPosts.map((c) => c.fault ?? String(c.status)),
      ["429", "500", "200"],
      "the card post was rate limited, then failed, then accepted",
    );
    assert.equal(drv.cards(threadId).length, 1, "one card");

    // The click is answered with the decided card itself (an interaction update, not an edit):
    // a 500 on it is retried, and the card is decided once.
    const callback = /^POST \/interactions\/\d+\/[^/]+\/callback$/;
    h.discord.failNext(callback, { status: 500 }, 1);
    const click = await drv.click(card, "Approve once");
    await drv.waitReply(threadId, /Tool bash result/);
    assert.equal(existsSync(join(h.workdir, file)), true);
    await drv.waitClosed(card);
    assert.match(messageText(card), new RegExp(`Approved once.* by <@${OWNER}>`));
    assert.deepEqual(
      faultsOn(
        h.discord.calls,
        (c) => callback.test(`${c.method} ${c.path}`) && c.path.includes(click.interactionId),
      ),
      ["500"],
    );
    assert.equal((await h.discord.replyTo(click.interactionId)).type, 7);
  });

  test("the final edit failing past discord.js's retries (500 ×4): it is retried and the text lands", async () => {
    let threadPath = "";
    // When the answer's first part is posted, arm 4 × 500 for the thread's edits: the next edit is the
    // final one, and discord.js gives up after 3 retries, so only the bridge's own retry can save it.
    const off = h.discord.onCall((c) => {
      if (threadPath || c.method !== "POST" || !/^finally/.test(c.body?.content ?? "")) return;
      threadPath = c.path;
      h.discord.failNext(`PATCH ${c.path}/:id`, { status: 500 }, 4);
    });
    try {
      const threadId = await drv.start("ECHO: finally the whole answer arrives");
      const reply = await drv.waitReply(threadId, /^finally/);
      await h.discord.waitFor(
        () => (messageText(reply) === "finally the whole answer arrives" ? reply : undefined),
        {
          what: `the answer to read in full (it reads ${JSON.stringify(messageText(reply))})`,
          timeoutMs: 20_000,
        },
      );
      const edits = h.discord.calls.filter(
        (c) => c.method === "PATCH" && c.path === `${threadPath}/${reply.id}`,
      );
      assert.deepEqual(
        edits.map((c) => c.fault ?? String(c.status)),
        ["500", "500", "500", "500", "200"],
        "the final edit failed four times, then the bridge's retry landed",
      );
    } finally {
      off();
    }
  });

  test("a dropped connection when opening the thread: the user is told, nothing half-started", async () => {
    const d = h.discord;
    const threads = d.threads.length;
    d.failNext("POST /channels/:id/messages/:id/threads", { drop: true }, 1);
    const answer = await drv.mentionReply("start despite a drop");
    assert.match(messageText(answer), /Nothing was started/);
    // A barrier: a later mention, answered only once the bridge has handled it whole.
    await drv.mentionReply("");
    assert.equal(d.threads.length, threads, "no thread");
  });
});

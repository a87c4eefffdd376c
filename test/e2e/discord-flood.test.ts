import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import { userTurns } from "../fakes/model/index.js";
import { useBridge } from "./fixture.js";

const OWNER = "290000000000000001";
const STRANGER = "290000000000000003";

describe("Discord: a flood of messages in a session thread", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER });

  test("a stranger's 6th mention within a minute is refused once, with the reason, and not sent; the owner is not limited", async () => {
    const threadId = await drv.start("SLOW: 5000");
    await drv.waitModelSaw("SLOW: 5000");
    const requests = h.model.requests.length;
    for (let i = 1; i <= 5; i++) {
      await drv.say(threadId, `stranger-${i}`, { author: STRANGER, mention: true });
      await drv.waitReply(threadId, new RegExp(`queued \\(${i} waiting\\)`));
    }
    await drv.say(threadId, "stranger-6", { author: STRANGER, mention: true });
    const refusal = await drv.waitReply(threadId, /in the last minute/);
    assert.match(
      messageText(refusal),
      new RegExp(`^<@${STRANGER}> You have sent 5 messages in this thread in the last minute`),
    );
    assert.match(messageText(refusal), /This one was not sent to Copilot; try again in \d+ s\./);
    assert.deepEqual(refusal.allowed_mentions?.users, [STRANGER], "pings only the stranger");
    await drv.say(threadId, "stranger-7", { author: STRANGER, mention: true });
    for (let i = 1; i <= 6; i++) await drv.say(threadId, `owner-${i}`);
    await drv.waitReply(threadId, /queued \(11 waiting\)/);
    assert.ok(
      !drv.replies(threadId).some((m) => /slow done/.test(messageText(m))),
      "all of it while the turn ran",
    );

    await drv.waitReply(threadId, /You said: [\s\S]*\(user turns: 2\)/);
    const sent = h.model.requests
      .slice(requests)
      .map((r) => userTurns(r.messages).at(-1) ?? "")
      .filter((p) => p.includes("stranger-"));
    assert.equal(sent.length, 1, `one model turn:\n${sent.join("\n---\n")}`);
    const combined = sent[0] ?? "";
    for (let i = 1; i <= 5; i++) assert.ok(combined.includes(`stranger-${i}\n`), `stranger-${i} was sent`);
    for (let i = 1; i <= 6; i++) assert.ok(combined.includes(`owner-${i}`), `owner-${i} was sent`);
    assert.ok(!/stranger-[67]/.test(combined), "the refused messages were not sent");
    const texts = drv.replies(threadId).map((m) => messageText(m));
    assert.equal(
      texts.filter((t) => /in the last minute/.test(t)).length,
      1,
      "refused once, not per message",
    );
    assert.equal(texts.filter((t) => /queued/.test(t) && !/You said/.test(t)).length, 1, "one queue notice");
    assert.ok(!texts.some((t) => t.startsWith(`<@${OWNER}>`)), "no notice to the owner");
  });
});

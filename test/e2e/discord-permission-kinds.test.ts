/**
 * A permission kind besides shell and write on Discord (the Slack side has them all, in
 * slack-permission-kinds.test.ts): a read outside the workspace reads as such, and "Approve for
 * session" covers the next read.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import { buttons } from "./discord-driver.js";
import { useBridge } from "./fixture.js";

const OWNER = "200000000000000071";

describe("Discord: permission kinds beyond shell and write", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER });

  test("read outside the workspace: the path in words; approved for the session, the next read is not asked", async () => {
    const outside = join(h.dir, "outside");
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, "a.txt"), "text of a\n");
    writeFileSync(join(outside, "b.txt"), "text of b\n");
    const threadId = await drv.start(`READ: ${outside}/a.txt`);
    const card = await drv.waitCard(threadId);
    assert.match(messageText(card), /Read a file or folder/);
    assert.ok(messageText(card).includes(`${outside}/a.txt`), messageText(card));
    assert.doesNotMatch(messageText(card), /[{}]|toolCallId|"kind"/);
    assert.deepEqual(
      buttons(card).map((b) => b.label),
      ["Approve once", "Approve for session", "Deny", "Deny with reason…"],
    );
    await drv.click(card, "Approve for session");
    await drv.waitReply(threadId, /Tool view result:[\s\S]*text of a/);
    await drv.waitClosed(card, { match: new RegExp(`Approved for this session.* by <@${OWNER}>`) });

    await drv.say(threadId, `READ: ${outside}/b.txt`);
    await drv.waitReply(threadId, /Tool view result:[\s\S]*text of b/);
    assert.equal(drv.cards(threadId).length, 1, "no second card");
  });
});

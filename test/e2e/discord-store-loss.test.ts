import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type DiscordDriver, startDiscordBridge } from "./discord-driver.js";
import type { BridgeHarness } from "./harness.js";

const OWNER = "240000000000000041";

describe("Discord: the store's file lost", () => {
  // Changed by the test: a restart then finds no store file at all.
  const env: Record<string, string> = {};
  let h: BridgeHarness;
  let drv: DiscordDriver;
  before(async () => {
    ({ h, drv } = await startDiscordBridge(OWNER, { env }));
  });
  after(async () => {
    await h?.stop();
  });

  test("lost while the bridge was stopped: a reply in the bot's thread is told so, once; a user's thread is left alone", async () => {
    const threadId = await drv.start("hello before the loss");
    await drv.waitReply(threadId, /user turns: 1/);
    const usersThread = h.discord.startUserThread({ owner_id: OWNER });

    env.BRIDGE_STORE_URL = `sqlite://${join(h.dir, "lost", "bridge.sqlite")}`;
    await h.crashAndRestart();

    await drv.say(usersThread, "a thread that is not the bot's", { mention: true });
    await drv.say(threadId, "are you there?");
    const notice = await drv.waitReply(threadId, /no longer known to the bridge \(its record was lost\)/);
    assert.ok(notice.content.startsWith(`<@${OWNER}> `), notice.content);
    assert.match(notice.content, /Start a new session with \/copilot/);

    await drv.say(threadId, "hello?");
    await new Promise((r) => setTimeout(r, 1500));
    const notices = drv.replies(threadId).filter((m) => /record was lost/.test(m.content));
    assert.equal(notices.length, 1, "told once");
    assert.deepEqual(
      drv.replies(usersThread).map((m) => m.content),
      [],
      "nothing in a thread the bot does not own",
    );
  });
});

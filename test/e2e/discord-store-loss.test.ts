import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import { useBridge } from "./fixture.js";

const OWNER = "240000000000000041";

describe("Discord: the store's file lost", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER });

  test("lost while the bridge was stopped: a reply in the bot's thread is told so, once; a user's thread is left alone", async () => {
    const threadId = await drv.start("hello before the loss");
    await drv.waitReply(threadId, /user turns: 1/);
    const usersThread = h.discord.startUserThread({ owner_id: OWNER });

    // A restart then finds no store file at all.
    h.setEnv({ BRIDGE_STORE_URL: `sqlite://${join(h.dir, "lost", "bridge.sqlite")}` });
    await h.crashAndRestart();

    await drv.say(usersThread, "a thread that is not the bot's", { mention: true });
    await drv.say(threadId, "are you there?");
    const notice = await drv.waitReply(threadId, /no longer known to the bridge \(its record was lost\)/);
    assert.ok(messageText(notice).startsWith(`<@${OWNER}> `), messageText(notice));
    assert.match(messageText(notice), /Start a new session with \/copilot/);

    await drv.say(threadId, "hello?");
    // A barrier: a later message, in a new session, answered by the model.
    const later = await drv.start("a session after the loss");
    await drv.waitReply(later, /You said: a session after the loss \(user turns: 1\)/);
    const notices = drv.replies(threadId).filter((m) => /record was lost/.test(messageText(m)));
    assert.equal(notices.length, 1, "told once");
    assert.deepEqual(
      drv.replies(usersThread).map((m) => messageText(m)),
      [],
      "nothing in a thread the bot does not own",
    );
  });
});

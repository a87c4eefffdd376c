import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import { buttonId, buttons } from "./discord-driver.js";
import { useBridge } from "./fixture.js";
import { pendingTerminalRequest } from "./runtime.js";

const OWNER = "260000000000000001";

describe("Discord: /copilot attach brings a terminal's session into a thread", () => {
  const { h, drv, terminal } = useBridge({
    discordOwner: OWNER,
    terminal: true,
    env: { BRIDGE_ADMINS: `discord:${OWNER}` },
  });

  test("the terminal's pending request becomes a card in a new thread; the thread's answer runs the command", async () => {
    const { session, requestId } = await pendingTerminalRequest(
      terminal,
      { ...h.model.sessionConfig(), workingDirectory: h.workdir },
      "RUN: touch discord-attached.txt",
    );

    const threadsBefore = h.discord.threads.length;
    await drv.slash(h.discord.channelId, `attach ${session.sessionId}`);
    const thread = await h.discord.waitFor(() => h.discord.threads[threadsBefore], {
      what: "the new thread",
    });
    const card = await drv.waitCard(thread.id);
    assert.ok(buttonId(card, "Approve once").endsWith(requestId), "the card answers the terminal's request");
    await drv.click(card, "Approve once");
    await h.discord.waitFor(() => existsSync(join(h.workdir, "discord-attached.txt")), {
      what: "the command to run",
    });
    await h.discord.waitFor(() => (buttons(card).length === 0 ? card : undefined), {
      what: "the card to close",
    });
    assert.match(messageText(card), new RegExp(`Approved once.* by <@${OWNER}>`));
    await session.disconnect();
  });
});

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { CopilotClient } from "@github/copilot-sdk";
import { buttonId, buttons, type DiscordDriver, startDiscordBridge } from "./discord-driver.js";
import type { BridgeHarness } from "./harness.js";
import { pendingTerminalRequest, type SharedRuntime, startSharedRuntime } from "./runtime.js";

const OWNER = "260000000000000001";

describe("Discord: /copilot attach brings a terminal's session into a thread", () => {
  let rt: SharedRuntime;
  let h: BridgeHarness;
  let drv: DiscordDriver;
  let terminal: CopilotClient;
  before(async () => {
    rt = await startSharedRuntime();
    ({ h, drv } = await startDiscordBridge(OWNER, {
      env: { ...rt.env, BRIDGE_ADMINS: `discord:${OWNER}` },
    }));
    terminal = rt.terminal();
  });
  after(async () => {
    await terminal?.stop().catch(() => undefined);
    await h?.stop();
    await rt?.stop();
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
    assert.match(card.content, new RegExp(`Approved once.* by <@${OWNER}>`));
    await session.disconnect();
  });
});

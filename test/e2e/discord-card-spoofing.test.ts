import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { DiscordMessage } from "../fakes/discord/index.js";
import { messageText } from "../fakes/discord/index.js";
import { buttons } from "./discord-driver.js";
import { useBridge } from "./fixture.js";

const OWNER = "210000000000000001";
const forged = "✅ Approved once by @owner · 10:00";

/** The card's lines outside code blocks, as Discord shows them. */
const lines = (card: DiscordMessage) =>
  messageText(card)
    .replace(/```[\s\S]*?```/g, "")
    .split("\n");

describe("Discord: a model-written description cannot pass for the card's own status", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER });

  test("a pending card shows a forged status line in the command's description quoted", async () => {
    const threadId = await drv.start(
      `RUN_AS: ${forged}\\n**Denied** by <@${OWNER}> [https://github.com/login](https://evil.example/x) | touch spoofed.txt`,
    );
    const card = await drv.waitCard(threadId);
    assert.deepEqual(
      buttons(card).map((b) => b.label),
      ["Approve once", "Deny", "Deny with reason…"],
      "the card is still pending",
    );
    const shown = lines(card);
    const forgedLines = shown.filter((l) => /Approved once|Denied/.test(l));
    assert.equal(forgedLines.length, 2, `the description is shown:\n${messageText(card)}`);
    for (const line of forgedLines)
      assert.match(line, /^> /, `quoted, not a line of the card's own: ${line}`);
    assert.match(forgedLines[0] ?? "", /^> ✅ Approved once by @owner · 10:00$/, "still readable");
    const second = forgedLines[1] ?? "";
    assert.match(second, /^> \\\*\\\*Denied\\\*\\\* by /, "not bold");
    assert.ok(!/<@\d/.test(second), `no mention: ${second}`);
    assert.ok(!/(^|[^\\])\]\(/.test(second) && !/https:\/\//.test(second), `no link: ${second}`);

    await drv.click(card, "Deny");
    await drv.waitClosed(card, { match: /Denied/ });
    const own = lines(card).filter((l) => /Approved once|Denied/.test(l) && !l.startsWith("> "));
    assert.equal(own.length, 1, `one status line of the card's own:\n${messageText(card)}`);
    assert.match(
      own[0] ?? "",
      new RegExp(`^⛔ \\*\\*Denied\\*\\* \\(Copilot stops this turn\\) by <@${OWNER}>`),
    );
    assert.equal(existsSync(join(h.workdir, "spoofed.txt")), false);
  });
});

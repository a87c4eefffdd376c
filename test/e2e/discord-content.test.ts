import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { messageText } from "../fakes/discord/index.js";
import { longText } from "../fakes/model/rules.js";
import { useBridge } from "./fixture.js";

const OWNER = "290000000000000001";

describe("Discord: long output", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER });

  /** The text lines, without fence lines (the splitter may close and reopen a fence at a cut). */
  const textLines = (text: string) =>
    text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("```"));

  test("a 5000-character answer is split into messages of at most 2000 chars with balanced fences", async () => {
    const threadId = await drv.start("LONG: 5000");
    const parts = () => drv.replies(threadId).filter((m) => /line \d{4}/.test(messageText(m)));
    // The last line of a LONG answer is the one with the highest number; wait until it is shown and stable.
    let last = "";
    let stableSince = 0;
    await h.discord.waitFor(
      () => {
        const shown = parts()
          .map((m) => messageText(m))
          .join("\n");
        if (shown !== last) {
          last = shown;
          stableSince = Date.now();
          return undefined;
        }
        return shown.length >= 4000 && Date.now() - stableSince > 1000 ? true : undefined;
      },
      { what: "the whole long answer", timeoutMs: 20_000 },
    );
    const messages = parts();
    assert.ok(messages.length >= 3, `split into ${messages.length} messages`);
    for (const m of messages) {
      assert.ok(messageText(m).length <= 2000, `a part has ${messageText(m).length} chars`);
      const fences = (messageText(m).match(/```/g) ?? []).length;
      assert.equal(fences % 2, 0, `balanced code fences in a part:\n${messageText(m).slice(0, 300)}`);
    }
    // Nothing lost, repeated or reordered.
    assert.deepEqual(textLines(messages.map((m) => messageText(m)).join("\n")), textLines(longText(5000)));
    const inFence = messages.filter((m) => /```js/.test(messageText(m)));
    assert.ok(inFence.length >= 1, "the code block is shown with its language");
  });
});

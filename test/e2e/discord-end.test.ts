/** Ending a session on Discord: `end` from the owner, the End session button refused to a stranger. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { DiscordMessage } from "../fakes/discord/index.js";
import { messageText } from "../fakes/discord/index.js";
import { buttons } from "./discord-driver.js";
import { useBridge } from "./fixture.js";

const OWNER = "320000000000000001";
const STRANGER = "320000000000000002";

describe("Discord: ending a session", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER });

  /** A message the bridge addressed to `user` in a thread (Discord has no ephemeral messages there). */
  const noticeTo = (user: string, match: RegExp, from: number): Promise<DiscordMessage> =>
    h.discord.waitFor(
      () =>
        h.discord.messages
          .slice(from)
          .find((m) => m.author.bot && messageText(m).startsWith(`<@${user}>`) && match.test(messageText(m))),
      { what: `a notice to ${user} matching ${match}` },
    );

  test("a stranger's End session click is refused; `end` from the owner closes the card and the session", async () => {
    const threadId = await drv.start("RUN: touch discord-never.txt");
    const header = await drv.waitReply(threadId, /Copilot session/, "the header");
    const card = await drv.waitCard(threadId);

    const click = await drv.click(header, "End session", STRANGER);
    await drv.ephemeralTo(
      click,
      new RegExp(`Only <@${OWNER}> or an approver can do that\\. Nothing was changed\\.`),
    );
    assert.ok(
      buttons(header).some((b) => b.label === "End session"),
      "the header keeps its controls",
    );
    assert.ok(buttons(card).length > 0, "the card still waits");

    await drv.say(threadId, "end");
    await drv.waitReply(
      threadId,
      new RegExp(`⏹️ Session ended by <@${OWNER}>\\. 1 waiting prompt was closed\\.`),
    );
    await drv.waitClosed(card, { match: /Closed \(the session ended\)/ });
    await h.discord.waitFor(() => (buttons(header).length === 0 ? header : undefined), {
      what: "the header to lose its buttons",
    });
    assert.match(messageText(header), new RegExp(`⏹️ Session ended by <@${OWNER}>`));

    const asked = h.model.requests.length;
    const from = h.discord.messages.length;
    await drv.say(threadId, "are you there?");
    await noticeTo(OWNER, /This Copilot session has ended\. Nothing was sent\./, from);
    // A barrier: a later message, in a session that is live, answered by the model.
    const live = await drv.start("a later session");
    await drv.waitReply(live, /You said: a later session \(user turns: 1\)/);
    assert.ok(
      h.model.requests.slice(asked).every((r) => JSON.stringify(r.messages).includes("a later session")),
      "nothing reached the model",
    );
    assert.equal(existsSync(join(h.workdir, "discord-never.txt")), false);
  });
});

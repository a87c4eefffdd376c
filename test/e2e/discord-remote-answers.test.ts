/**
 * Discord, end to end: a question and a plan answered on github.com / GitHub Mobile (Mission Control
 * commands `ask_user_response` / `plan_approval_response`), and a message typed there.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DiscordMessage } from "../fakes/discord/index.js";
import { messageText } from "../fakes/discord/index.js";
import { buttonId, buttons, requestIdOf } from "./discord-driver.js";
import { useBridge } from "./fixture.js";
import { checkoutOfDemo } from "./github.js";

const OWNER = "240000000000000011";

describe("Discord: questions and plans answered on GitHub", () => {
  const { h, drv, gh } = useBridge({
    discordOwner: OWNER,
    github: true,
    ready: ({ h }) => checkoutOfDemo(h.workdir),
  });

  const remoteThread = async (prompt: string) => {
    const threadId = await drv.start(prompt);
    await drv.waitReply(threadId, /user turns: 1/);
    await drv.say(threadId, "remote on");
    await drv.waitReply(threadId, /Follow and steer this session on GitHub/);
    return threadId;
  };
  const cardWith = (threadId: string, label: string) =>
    h.discord.waitFor(() => drv.replies(threadId).find((m) => buttons(m).some((b) => b.label === label)), {
      what: `a card with "${label}"`,
      timeoutMs: 20_000,
    });
  const mcSessionWith = (requestId: string) =>
    gh.waitFor(
      () =>
        [...gh.mc.sessions.values()].find((s) => s.events.some((e) => JSON.stringify(e).includes(requestId))),
      { what: "Mission Control to see the request", timeoutMs: 20_000 },
    );
  /**
   * Holds back the card's next edit with a 429 (2 s), runs `answerOnGitHub`, and once the bridge has
   * tried to close the card, clicks `customId` as a Discord client still showing the buttons would:
   * the clicker is told it was already answered.
   */
  const answerWhileShown = async (
    threadId: string,
    card: DiscordMessage,
    customId: string,
    answerOnGitHub: () => void,
  ) => {
    const cardEdit = new RegExp(`^PATCH /channels/${threadId}/messages/${card.id}$`);
    h.discord.failNext(cardEdit, { status: 429, retryAfter: 2 }, 1);
    answerOnGitHub();
    await h.discord.waitFor(
      () => h.discord.calls.some((c) => c.fault && cardEdit.test(`${c.method} ${c.path}`)),
      { what: "the GitHub answer to be recorded (the card edit is attempted)", timeoutMs: 20_000 },
    );
    assert.ok(buttons(card).length > 0, "the buttons are still shown");
    const handle = await h.discord.clickButton({ user_id: OWNER, message_id: card.id, custom_id: customId });
    const note = await drv.ephemeralTo(handle, /already answered/);
    assert.equal((note.flags ?? 0) & 64, 64, "only the clicker sees it");
  };

  test("a question answered on github.com: the card shows the answer given on GitHub; a late click changes nothing", async () => {
    const threadId = await remoteThread("hi");
    await drv.say(threadId, "ASK: Which colour? | red | blue");
    const card = await cardWith(threadId, "blue");
    const requestId = requestIdOf(card, "Answer…");
    const red = buttonId(card, "red");
    const session = await mcSessionWith(requestId);
    await answerWhileShown(threadId, card, red, () =>
      gh.mc.pushCommand(session.id, {
        type: "ask_user_response",
        content: { promptId: requestId, answer: "blue" },
      }),
    );
    await drv.waitClosed(card, { match: /Answered.* on GitHub/ });
    assert.match(messageText(card), /Answer: blue/);
    assert.doesNotMatch(messageText(card), /<@/, "no one in the thread is named as the decider");
    await drv.waitReply(threadId, /Tool ask_user result: User selected: blue/);
    assert.ok(!drv.modelSaw("User selected: red"), "the late click did not reach the model");
  });

  test("a plan approved on github.com: the card says so, the header follows; a late click changes nothing", async () => {
    const threadId = await remoteThread("hello");
    const header = await drv.waitReply(threadId, /Copilot session/, "the session header");
    await drv.say(threadId, "mode plan");
    await h.discord.waitFor(() => /Mode: `plan`/.test(messageText(header)), {
      what: "the header in plan mode",
    });
    await drv.say(threadId, "PLAN: - step one");
    const card = await cardWith(threadId, "Request changes…");
    const requestId = requestIdOf(card, "Request changes…");
    const autopilot = buttonId(card, "Approve & autopilot ★");
    const session = await mcSessionWith(requestId);
    await answerWhileShown(threadId, card, autopilot, () =>
      gh.mc.pushCommand(session.id, {
        type: "plan_approval_response",
        content: { promptId: requestId, approved: true, selectedAction: "interactive" },
      }),
    );
    await drv.waitClosed(card, { match: /Plan approved \(Approve & interactive\).* on GitHub/ });
    assert.doesNotMatch(messageText(card), /<@/);
    await h.discord.waitFor(() => /Mode: `interactive`/.test(messageText(header)), {
      what: "the header back in interactive",
    });
    await drv.waitReply(threadId, /Plan approved! Exited plan mode\.\n*\s*You are now in interactive mode/);
    assert.match(messageText(header), /Mode: `interactive`/, "the late autopilot click changed nothing");
  });

  test("a message typed on github.com shows in the thread as coming from GitHub, before Copilot's reply", async () => {
    const threadId = await remoteThread("steer me");
    const session = await gh.waitFor(
      () => [...gh.mc.sessions.values()].find((s) => JSON.stringify(s.events).includes("steer me")),
      { what: "Mission Control to see the session", timeoutMs: 20_000 },
    );
    gh.mc.pushCommand(session.id, { type: "user_message", content: "hello from github" });
    const reply = await drv.waitReply(threadId, /You said: hello from github/);
    const shown = await drv.waitReply(threadId, /From GitHub.*hello from github/);
    const replies = drv.replies(threadId);
    assert.ok(replies.indexOf(shown) < replies.indexOf(reply), "the message comes before the reply");
  });
});

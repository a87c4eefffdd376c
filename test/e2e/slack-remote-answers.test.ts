/**
 * Slack, end to end: questions and plans answered on github.com / GitHub Mobile (Mission Control
 * commands `ask_user_response` / `plan_approval_response`), and a message typed there.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SlackMessage } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";
import { checkoutOfDemo } from "./github.js";
import { type ButtonInfo, buttonsOf, visible } from "./harness.js";

const OWNER = "UOWNER11";

describe("Slack: questions and plans answered on GitHub", () => {
  const { h, gh } = useBridge({ github: true, ready: ({ h }) => checkoutOfDemo(h.workdir) });

  const say = (header: SlackMessage, text: string) => h.say(header, OWNER, text);
  /** A new session shared on GitHub; resolves with its header. */
  const remoteSession = async (prompt: string) => {
    const header = await h.startSession(OWNER, prompt);
    await h.waitForReply(header, /user turns: 1/);
    await say(header, "remote on");
    await h.waitForReply(header, /Follow and steer this session on GitHub/);
    return header;
  };
  const cardWith = (header: SlackMessage, label: string, except?: SlackMessage) =>
    h.slack.waitFor(
      () =>
        h.slack
          .thread(header.channel, header.ts)
          .find((m) => m !== except && buttonsOf(m).some((b) => b.text === label)),
      { what: `a card with "${label}"`, timeoutMs: 20_000 },
    );
  const closed = (card: SlackMessage, match: RegExp) =>
    h.slack.waitFor(() => (buttonsOf(card).length === 0 && match.test(visible(card)) ? card : undefined), {
      what: `the card to close with ${match}`,
      timeoutMs: 20_000,
    });
  /** The Mission Control session that has seen `requestId` in the exported events. */
  const mcSessionWith = (requestId: string) =>
    gh.waitFor(
      () =>
        [...gh.mc.sessions.values()].find((s) => s.events.some((e) => JSON.stringify(e).includes(requestId))),
      { what: "Mission Control to see the request", timeoutMs: 20_000 },
    );
  /** A click on a button the card no longer shows (a client that had not refreshed yet). */
  const lateClick = async (card: SlackMessage, button: ButtonInfo) => {
    const from = h.slack.ephemerals.length;
    await h.slack.sendBlockAction({
      user_id: OWNER,
      channel_id: card.channel,
      message_ts: card.ts,
      thread_ts: card.thread_ts ?? "",
      action_id: button.action_id,
      value: button.value,
    });
    return h.slack.waitFor(() => h.slack.ephemerals.slice(from).find((e) => e.user === OWNER), {
      what: "the late click's answer",
    });
  };

  test("a question answered on github.com: the card shows the answer given on GitHub; a late click changes nothing", async () => {
    const header = await remoteSession("hi");
    await say(header, "ASK: Which colour? | red | blue");
    const card = await cardWith(header, "blue");
    const red = buttonsOf(card).find((b) => b.text === "red");
    assert.ok(red);
    const requestId = red.value.slice(0, red.value.lastIndexOf(":"));
    const session = await mcSessionWith(requestId);
    gh.mc.pushCommand(session.id, {
      type: "ask_user_response",
      content: { promptId: requestId, answer: "blue" },
    });
    await closed(card, /Answered.* on GitHub/);
    assert.match(visible(card), /Answer: blue/);
    assert.doesNotMatch(visible(card), /<@/, "no one in the thread is named as the decider");
    await h.waitForReply(header, /Tool ask_user result: User selected: blue/);

    const shown = visible(card);
    const modelCalls = h.model.requests.length;
    const late = await lateClick(card, red);
    assert.match(late.text, /already answered/);
    await h.barrier(header, OWNER, "anything new?");
    assert.equal(visible(card), shown, "the card is unchanged");
    assert.ok(
      h.model.requests.slice(modelCalls).every((r) => JSON.stringify(r.messages).includes("anything new?")),
      "the model was not called again",
    );
    assert.ok(!h.model.requests.some((r) => JSON.stringify(r.messages).includes("User selected: red")));
  });

  test("a plan approved on github.com, then changes requested there: both cards say so; a late click changes nothing", async () => {
    const header = await remoteSession("hello");
    await say(header, "mode plan");
    await h.slack.waitFor(() => /Mode: `plan`/.test(visible(header)), { what: "plan mode" });
    await say(header, "PLAN: - step one\n- step two");
    const card = await cardWith(header, "Request changes…");
    const autopilot = buttonsOf(card).find((b) => b.text === "Approve & autopilot ★");
    assert.ok(
      autopilot,
      buttonsOf(card)
        .map((b) => b.text)
        .join(" | "),
    );
    const requestId = autopilot.value.slice(0, autopilot.value.lastIndexOf(":"));
    const session = await mcSessionWith(requestId);
    gh.mc.pushCommand(session.id, {
      type: "plan_approval_response",
      content: { promptId: requestId, approved: true, selectedAction: "interactive" },
    });
    // Slack text is escaped: "&" reads "&amp;" in the raw message.
    await closed(card, /Plan approved \(Approve &amp; interactive\).* on GitHub/);
    assert.doesNotMatch(visible(card), /<@/);
    await h.slack.waitFor(() => /Mode: `interactive`/.test(visible(header)), {
      what: "the header back in interactive",
    });
    await h.waitForReply(header, /Tool exit_plan_mode result: Plan approved! Exited plan mode/);
    const late = await lateClick(card, autopilot);
    assert.match(late.text, /already answered/);
    await h.barrier(header, OWNER, "anything new?");
    assert.match(visible(header), /Mode: `interactive`/, "the late autopilot click changed nothing");

    await say(header, "mode plan");
    await h.slack.waitFor(() => /Mode: `plan`/.test(visible(header)), { what: "plan mode again" });
    await say(header, "PLAN: - another plan");
    const second = await cardWith(header, "Request changes…", card);
    const changes = buttonsOf(second).find((b) => b.text === "Request changes…");
    const secondId = changes?.value ?? "";
    await mcSessionWith(secondId);
    gh.mc.pushCommand(session.id, {
      type: "plan_approval_response",
      content: { promptId: secondId, approved: false, feedback: "add tests first" },
    });
    await closed(second, /Changes requested.* on GitHub/);
    assert.match(visible(second), /Feedback: add tests first/);
    await h.waitForReply(header, /Tool exit_plan_mode result: Plan not approved\. User feedback:/);
  });

  test("a message typed on github.com shows in the thread as coming from GitHub, before Copilot's reply", async () => {
    const header = await remoteSession("steer me");
    const session = await gh.waitFor(
      () => [...gh.mc.sessions.values()].find((s) => JSON.stringify(s.events).includes("steer me")),
      { what: "Mission Control to see the session", timeoutMs: 20_000 },
    );
    gh.mc.pushCommand(session.id, { type: "user_message", content: "hello from github" });
    const reply = await h.waitForReply(header, /You said: hello from github/);
    const shown = await h.waitForReply(header, /From GitHub/);
    assert.match(visible(shown), /hello from github/);
    const thread = h.slack.thread(header.channel, header.ts);
    assert.ok(thread.indexOf(shown) < thread.indexOf(reply), "the message comes before the reply");
    // A message from the thread itself is not echoed as one from GitHub.
    await say(header, "and from slack");
    await h.waitForReply(header, /You said: and from slack/);
    const fromGitHub = h.slack
      .thread(header.channel, header.ts)
      .filter((m) => /From GitHub/.test(visible(m)));
    assert.equal(fromGitHub.length, 1);
  });
});

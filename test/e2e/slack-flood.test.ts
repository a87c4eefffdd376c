import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { userTurns } from "../fakes/model/index.js";
import { type SlackMessage, type SlackTypedText, slackEntity } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";
import { visible } from "./harness.js";

const OWNER = "UOWNERF";
const STRANGER = "USTRANGERF";

/**
 * A channel member flooding someone else's session: with the platform rate budget on (the default;
 * Slack paces a channel's posts at about one a second), controls still answer at once, queued
 * messages go to the model as one turn, the queue is bounded and strangers are rate-limited.
 */
describe("Slack: a flood of messages in a session thread", () => {
  const { h } = useBridge({ env: { BRIDGE_RATE_LIMITS: "on" } });

  const say = (header: SlackMessage, user: string, text: SlackTypedText) => h.say(header, user, text);
  const mention = (header: SlackMessage, user: string, text: string) =>
    say(header, user, [slackEntity.user(h.slack.botUserId), ` ${text}`]);
  const thread = (header: SlackMessage) => h.slack.thread(header.channel, header.ts).map(visible);
  const shown = (header: SlackMessage, match: RegExp) => thread(header).some((t) => match.test(t));
  /** The last user message of every model request (the runtime's wrapper removed). */
  const prompts = (from = 0) => h.model.requests.slice(from).map((r) => userTurns(r.messages).at(-1) ?? "");
  const waitModelSaw = (text: string) =>
    h.slack.waitFor(() => prompts().some((p) => p.includes(text)), { what: `the model to be sent ${text}` });
  const ephemeralsTo = (user: string, match: RegExp, from = 0) =>
    h.slack.ephemerals.slice(from).filter((e) => e.user === user && match.test(e.text));

  test("40 mentions from a stranger during a turn: the owner's status answers while the turn runs, stop at once", async () => {
    const header = await h.startSession(OWNER, "SLOW: 8000", "CFLOOD1");
    await waitModelSaw("SLOW: 8000");
    const requests = h.model.requests.length;
    await Promise.all(Array.from({ length: 40 }, (_, i) => mention(header, STRANGER, `flood ${i + 1}`)));
    // The bridge takes the flood in (the status is asked after it, as it was when this was reported):
    // five messages queued, and the stranger told why the sixth was not.
    await h.waitForReply(header, /queued \(5 waiting\)/);
    await h.slack.waitFor(() => ephemeralsTo(STRANGER, /last minute/)[0], { what: "the stranger's refusal" });
    await say(header, OWNER, "status");
    const status = await h.waitForReply(header, /Session status/);
    assert.match(visible(status), /State: `working`/);
    assert.ok(
      !shown(header, /slow done/),
      `status was answered while the turn still ran:\n${thread(header).join("\n")}`,
    );

    await say(header, OWNER, "stop");
    await h.waitForReply(header, new RegExp(`Stopped by <@${OWNER}>`));
    assert.ok(!shown(header, /slow done/), "stopped while the turn still ran");
    assert.ok(
      shown(header, /5 queued messages were dropped/),
      `stop drops what was queued:\n${thread(header).join("\n")}`,
    );
    // The stranger was told once why the rest were not sent; the thread got no notice per message.
    assert.equal(ephemeralsTo(STRANGER, /sent 5 messages in this thread in the last minute/).length, 1);
    assert.ok(thread(header).length < 8, `no notice per message:\n${thread(header).join("\n")}`);
    // A barrier: the next message is answered after anything the stopped turn or its queue sent on.
    await h.barrier(header, OWNER, "after the stop");
    assert.ok(
      !prompts(requests).some((p) => /flood \d+/.test(p)),
      `nothing queued was sent after the stop:\n${prompts(requests).join("\n---\n")}`,
    );
  });

  test("three messages queued during a turn are sent to the model as one turn, in order", async () => {
    const header = await h.startSession(OWNER, "SLOW: 3000", "CFLOOD2");
    await waitModelSaw("SLOW: 3000");
    const requests = h.model.requests.length;
    const texts = ["first queued", "second queued", "third queued"];
    for (const [i, text] of texts.entries()) {
      await say(header, OWNER, text);
      await h.waitForReply(header, new RegExp(`queued \\(${i + 1} waiting\\)`));
    }
    const notice = await h.waitForReply(header, /queued \(3 waiting\)/);
    assert.match(visible(notice), new RegExp(`<@${OWNER}>`));
    assert.ok(!shown(header, /slow done/), "queued while the turn ran");
    const answer = await h.waitForReply(header, /You said: first queued[\s\S]*\(user turns: 2\)/);
    assert.match(visible(answer), /first queued\s+second queued\s+third queued \(user turns: 2\)/);
    const sent = prompts(requests).filter((p) => p.includes("queued"));
    assert.deepEqual(
      sent,
      ["first queued\n\nsecond queued\n\nthird queued"],
      "one model turn with all three",
    );
    await h.slack.waitFor(() => /3 queued messages .* were sent to Copilot together/.test(visible(notice)), {
      what: "the notice to say they were sent",
    });
    assert.equal(thread(header).filter((t) => /^(⏳|📨)/.test(t)).length, 1, "one notice for the turn");
  });

  test("the 21st queued message is refused with the reason and not sent", async () => {
    const header = await h.startSession(OWNER, "SLOW: 6000", "CFLOOD3");
    await waitModelSaw("SLOW: 6000");
    const requests = h.model.requests.length;
    const from = h.slack.ephemerals.length;
    const tag = (i: number) => `msg-${String(i).padStart(2, "0")}`;
    for (let i = 1; i <= 20; i++) await say(header, OWNER, tag(i));
    await h.waitForReply(header, /queued \(20 waiting\)/);
    await say(header, OWNER, tag(21));
    const refusal = await h.slack.waitFor(() => ephemeralsTo(OWNER, /queue/, from)[0], {
      what: "the refusal",
    });
    assert.match(refusal.text, /queue is full: 20 messages are waiting/);
    assert.match(refusal.text, /not sent/);
    assert.match(refusal.text, /try again when .* turn ends/);
    assert.ok(!shown(header, /slow done/), "refused while the turn ran");
    await h.waitForReply(header, /You said: [\s\S]*\(user turns: 2\)/);
    const sent = prompts(requests).filter((p) => p.includes("msg-"));
    assert.equal(sent.length, 1, `one model turn:\n${sent.join("\n---\n")}`);
    for (let i = 1; i <= 20; i++) assert.ok(sent[0]?.includes(tag(i)), `${tag(i)} was sent`);
    assert.ok(!sent[0]?.includes(tag(21)), "the refused message was not sent");
  });

  test("a stranger's 6th message within a minute is refused and not sent; the owner is never rate-limited", async () => {
    const header = await h.startSession(OWNER, "SLOW: 5000", "CFLOOD4");
    await waitModelSaw("SLOW: 5000");
    const requests = h.model.requests.length;
    const from = h.slack.ephemerals.length;
    for (let i = 1; i <= 5; i++) {
      await mention(header, STRANGER, `stranger-${i}`);
      await h.waitForReply(header, new RegExp(`queued \\(${i} waiting\\)`));
    }
    await mention(header, STRANGER, "stranger-6");
    const refusal = await h.slack.waitFor(() => ephemeralsTo(STRANGER, /last minute/, from)[0], {
      what: "the rate-limit refusal",
    });
    assert.match(refusal.text, /You have sent 5 messages in this thread in the last minute/);
    assert.match(refusal.text, /not sent.*try again in \d+ s/);
    for (let i = 1; i <= 8; i++) await say(header, OWNER, `owner-${i}`);
    await h.waitForReply(header, /queued \(13 waiting\)/);
    await h.waitForReply(header, /You said: [\s\S]*\(user turns: 2\)/);
    const sent = prompts(requests).filter((p) => p.includes("stranger-"));
    assert.equal(sent.length, 1, `one model turn:\n${sent.join("\n---\n")}`);
    const combined = sent[0] ?? "";
    for (let i = 1; i <= 5; i++) assert.ok(combined.includes(`stranger-${i}`), `stranger-${i} was sent`);
    for (let i = 1; i <= 8; i++) assert.ok(combined.includes(`owner-${i}`), `owner-${i} was sent`);
    assert.ok(!combined.includes("stranger-6"), "the refused message was not sent");
    // Senders differ: each message is named with its sender.
    assert.match(combined, new RegExp(`From slack user ${STRANGER}:\nstranger-1`));
    assert.match(combined, new RegExp(`From slack user ${OWNER} \\(the session owner\\):\nowner-`));
    assert.deepEqual(ephemeralsTo(OWNER, /./, from), [], "the owner got no refusal");
  });
});

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { userTurns } from "../fakes/model/index.js";
import { slackEntity } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";
import { buttonsOf, visible } from "./harness.js";

const OWNER = "UOWNER2";

describe("Slack: bad input, duplicates and busy sessions", () => {
  const { h } = useBridge({ env: { BRIDGE_MAX_PROMPT_CHARS: "20000" } });

  const ephemeralFor = (user: string, from: number, match: RegExp) =>
    h.slack.waitFor(() => h.slack.ephemerals.slice(from).find((e) => e.user === user && match.test(e.text)), {
      what: `an ephemeral for ${user} matching ${match}`,
    });

  test("an empty command answers with usage and starts nothing", async () => {
    const messages = h.slack.messages.length;
    const from = h.slack.ephemerals.length;
    await h.slack.sendSlashCommand({ user_id: OWNER, channel_id: "C0002", text: "   " });
    await ephemeralFor(OWNER, from, /Usage: `\/copilot/);
    assert.equal(h.slack.messages.length, messages);
  });

  test("a 100 KB prompt is refused with its size and the limit", async () => {
    const messages = h.slack.messages.length;
    const from = h.slack.ephemerals.length;
    await h.slack.sendSlashCommand({ user_id: OWNER, channel_id: "C0002", text: "x".repeat(100_000) });
    await ephemeralFor(OWNER, from, /100000 characters long; the limit is 20000/);
    assert.equal(h.slack.messages.length, messages);
  });

  test("forged, unknown and stale button payloads change nothing", async () => {
    const header = await h.startSession(OWNER, "RUN: touch forged.txt");
    const card = await h.waitForCard(header);
    const base = { user_id: OWNER, channel_id: card.channel, message_ts: card.ts, thread_ts: header.ts };
    let from = h.slack.ephemerals.length;
    await h.slack.sendBlockAction({ ...base, action_id: "perm.once", value: "../../etc/passwd" });
    await ephemeralFor(OWNER, from, /not one this bridge knows/);
    from = h.slack.ephemerals.length;
    await h.slack.sendBlockAction({ ...base, action_id: "perm.nuke", value: "abc" });
    await ephemeralFor(OWNER, from, /not one this bridge knows/);
    from = h.slack.ephemerals.length;
    await h.slack.sendBlockAction({
      ...base,
      action_id: "perm.once",
      value: "0b5d7c1e-0000-4000-8000-000000000000",
    });
    await ephemeralFor(OWNER, from, /not pending any more/);
    assert.equal(buttonsOf(card).length, 3, "the real card is untouched");
    assert.equal(existsSync(join(h.workdir, "forged.txt")), false);

    const requestId = buttonsOf(card)[0]?.value ?? "";
    await h.click(OWNER, card, "perm.deny");
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "the card to close",
    });
    from = h.slack.ephemerals.length;
    await h.slack.sendBlockAction({ ...base, action_id: "perm.once", value: requestId });
    await ephemeralFor(OWNER, from, /already answered/);
    assert.equal(existsSync(join(h.workdir, "forged.txt")), false);
  });

  test("a click that arrives before Slack's answer to the card's post still decides the card", async () => {
    // Every post of this session shows at once but is answered 1.5 s late, so the click (sent as
    // soon as the card shows) reaches the bridge before it knows the card was posted.
    h.slack.failNext("chat.postMessage", { slowReplyMs: 1500 }, 3);
    const header = await h.startSession(OWNER, "RUN: touch quick-click.txt");
    const card = await h.slack.waitFor(
      () => h.slack.thread(header.channel, header.ts).find((m) => buttonsOf(m).length > 0),
      { what: "the card" },
    );
    const from = h.slack.ephemerals.length;
    await h.click(OWNER, card, "perm.once");
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "the card to close",
    });
    assert.match(visible(card), /Approved/);
    await h.waitForReply(header, /exit code 0/);
    assert.equal(existsSync(join(h.workdir, "quick-click.txt")), true);
    assert.equal(
      h.slack.ephemerals.slice(from).filter((e) => e.user === OWNER).length,
      0,
      "no 'not pending' notice",
    );
  });

  test("redelivered events and message+app_mention for one post give exactly one reply", async () => {
    const header = await h.startSession(OWNER, "first");
    await h.waitForReply(header, /user turns: 1/);
    const ts = h.slack.nextTs();
    const post = {
      channel: header.channel,
      user: OWNER,
      text: [slackEntity.user(h.slack.botUserId), " once only"],
      ts,
      thread_ts: header.ts,
    };
    await h.slack.sendEvent({ type: "message", ...post }, { event_id: "Ev1" });
    await h.slack.sendEvent({ type: "app_mention", ...post }, { event_id: "Ev2" });
    await h.slack.sendEvent(
      { type: "message", ...post },
      { event_id: "Ev1", retryAttempt: 1, retryReason: "timeout" },
    );
    await h.waitForReply(header, /You said: once only \(user turns: 2\)/);
    // A barrier: the next message, answered as the third turn; a second answer would come before it.
    await h.say(header, OWNER, "and then?");
    await h.waitForReply(header, /You said: and then\? \(user turns: 3\)/);
    const replies = h.slack.thread(header.channel, header.ts).filter((m) => /once only/.test(visible(m)));
    assert.equal(replies.length, 1, replies.map(visible).join("\n---\n"));
    assert.equal(
      h.model.requests.filter((r) => userTurns(r.messages).at(-1)?.includes("once only")).length,
      1,
    );
  });

  test("a message while the agent works is queued, announced, and sent after the turn", async () => {
    const header = await h.startSession(OWNER, "SLOW: 2500");
    await h.slack.waitFor(
      () => h.model.requests.some((r) => JSON.stringify(r.messages).includes("SLOW: 2500")),
      {
        what: "the slow turn to start",
      },
    );
    await h.slack.sendEvent({
      type: "message",
      channel: header.channel,
      user: OWNER,
      text: "after the slow one",
      ts: h.slack.nextTs(),
      thread_ts: header.ts,
    });
    const queued = await h.waitForReply(header, /queued \(1 waiting\)/);
    assert.equal(
      visible(queued),
      `⏳ Copilot is still working; the message from <@${OWNER}> is queued (1 waiting) and will be sent when this turn ends.`,
    );
    await h.waitForReply(header, /slow done/);
    await h.waitForReply(header, /You said: after the slow one \(user turns: 2\)/);
    const order = h.slack.thread(header.channel, header.ts).map(visible);
    const slow = order.findIndex((t) => /slow done/.test(t));
    const next = order.findIndex((t) => /after the slow one \(user turns/.test(t));
    assert.ok(slow < next, "the queued prompt is answered after the running turn");
    // The one notice of the turn says what became of the message.
    await h.slack.waitFor(() => /^📨/.test(visible(queued)), { what: "the notice to say it was sent" });
    assert.equal(visible(queued), `📨 The queued message from <@${OWNER}> was sent to Copilot.`);
    assert.equal(order.filter((t) => /^(⏳|📨)/.test(t)).length, 1, "one notice");
  });

  test("a stranger's thread message without a mention is not sent to the agent", async () => {
    const header = await h.startSession(OWNER, "hello");
    await h.waitForReply(header, /user turns: 1/);
    const requests = h.model.requests.length;
    await h.slack.sendEvent({
      type: "message",
      channel: header.channel,
      user: "USTRANGER",
      text: "ignore me",
      ts: h.slack.nextTs(),
      thread_ts: header.ts,
    });
    await h.slack.sendEvent({
      type: "message",
      channel: header.channel,
      user: "USTRANGER",
      text: [slackEntity.user(h.slack.botUserId), " but hear me"],
      ts: h.slack.nextTs(),
      thread_ts: header.ts,
    });
    await h.waitForReply(header, /You said: but hear me \(user turns: 2\)/);
    assert.ok(
      !h.model.requests.slice(requests).some((r) => JSON.stringify(r.messages).includes("ignore me")),
    );
  });
});

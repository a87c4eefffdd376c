import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { useBridge } from "./fixture.js";
import { buttonsOf, visible } from "./harness.js";

const OWNER = "UOWNER1";
const APPROVER = "UAPPROVER";
const STRANGER = "USTRANGER";

describe("Slack: /copilot end to end with the real runtime", () => {
  const { h } = useBridge({ env: { BRIDGE_APPROVERS: `slack:${APPROVER}` } });

  test("slash command opens a thread and the answer streams into it", async () => {
    const header = await h.startSession(OWNER, "hello there");
    assert.match(visible(header), /Copilot session/);
    assert.match(visible(header), new RegExp(`<@${OWNER}>`));
    assert.match(visible(header), /interactive/);
    const reply = await h.waitForReply(header, /You said: hello there \(user turns: 1\)/);
    assert.equal(reply.thread_ts, header.ts);
  });

  test("shell card: a stranger is refused, the owner approves, the command runs, the card shows who", async () => {
    const header = await h.startSession(OWNER, "RUN: touch approved-by-owner.txt");
    const card = await h.waitForCard(header);
    const text = visible(card);
    assert.match(text, /Run a shell command/);
    assert.match(text, /touch approved-by-owner\.txt/);
    assert.deepEqual(
      buttonsOf(card).map((b) => b.text),
      ["Approve once", "Deny", "Deny with reason…"],
    );

    const ephemeralsBefore = h.slack.ephemerals.length;
    await h.click(STRANGER, card, "perm.once");
    const refusal = await h.slack.waitFor(
      () => h.slack.ephemerals.slice(ephemeralsBefore).find((e) => e.user === STRANGER),
      { what: "the ephemeral refusal" },
    );
    assert.match(refusal.text, new RegExp(`Only <@${OWNER}> or an approver can decide`));
    assert.equal(existsSync(join(h.workdir, "approved-by-owner.txt")), false, "nothing ran for the stranger");
    assert.equal(buttonsOf(card).length, 3, "the card still has its buttons");

    await h.click(OWNER, card, "perm.once");
    await h.waitForReply(header, /Tool bash result/);
    assert.equal(existsSync(join(h.workdir, "approved-by-owner.txt")), true);
    const final = await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "the card to be finalised",
    });
    assert.match(visible(final), new RegExp(`Approved once.* by <@${OWNER}>`));
  });

  test("deny with a reason: nothing runs and the agent is told why", async () => {
    const header = await h.startSession(OWNER, "RUN: touch denied.txt");
    const card = await h.waitForCard(header);
    const viewsBefore = h.slack.views.length;
    await h.click(OWNER, card, "perm.deny_reason");
    const opened = await h.slack.waitFor(() => h.slack.views[viewsBefore], { what: "the deny modal" });
    assert.equal(opened.view.callback_id, "perm.deny");
    await h.slack.sendViewSubmission({
      user_id: OWNER,
      view: {
        callback_id: opened.view.callback_id,
        private_metadata: opened.view.private_metadata,
        state: { values: { reason: { value: { type: "plain_text_input", value: "not on a Friday" } } } },
      },
    });
    await h.waitForReply(header, /Tool bash result: .*User feedback: not on a Friday/);
    assert.equal(existsSync(join(h.workdir, "denied.txt")), false);
    await h.slack.waitFor(
      () => (/Denied/.test(visible(card)) && buttonsOf(card).length === 0 ? card : undefined),
      {
        what: "the card to show Denied",
      },
    );
    assert.match(visible(card), new RegExp(`Denied.* by <@${OWNER}>`));
    assert.match(visible(card), /Reason: not on a Friday/);
  });

  test("an approver may decide", async () => {
    const header = await h.startSession(OWNER, "RUN: touch by-approver.txt");
    const card = await h.waitForCard(header);
    await h.click(APPROVER, card, "perm.once");
    await h.waitForReply(header, /Tool bash result/);
    assert.equal(existsSync(join(h.workdir, "by-approver.txt")), true);
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "finalised card",
    });
    assert.match(visible(card), new RegExp(`by <@${APPROVER}>`));
  });

  test("the deciding click replaces its card through the click's response_url: no chat.update for it", async () => {
    const header = await h.startSession(OWNER, "RUN: touch one-call.txt");
    const card = await h.waitForCard(header);
    const updates = () =>
      h.slack.calls.filter((c) => c.method === "chat.update" && c.args.ts === card.ts).length;
    const before = { updates: updates(), responses: h.slack.responses.length };
    await h.click(OWNER, card, "perm.once");
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "finalised card",
    });
    assert.match(visible(card), new RegExp(`Approved once.* by <@${OWNER}>`));
    await h.waitForReply(header, /Tool bash result/);
    const replaced = h.slack.responses.slice(before.responses);
    assert.equal(replaced.length, 1, "one post to the response_url");
    assert.equal(replaced[0]?.body.replace_original, true);
    assert.equal(updates(), before.updates, "the card was not updated through chat.update");
  });

  test("the thread's status line says what the agent does while a turn runs, and clears when it ends", async () => {
    const header = await h.startSession(OWNER, "RUN: touch status-line.txt");
    const card = await h.waitForCard(header);
    const statuses = () => h.slack.assistantStatuses(header.channel, header.ts).map((s) => s.status);
    await h.slack.waitFor(() => statuses().includes("is waiting for an answer in the thread…") || undefined, {
      what: "the waiting status",
    });
    assert.equal(statuses()[0], "is thinking…");
    await h.click(OWNER, card, "perm.once");
    await h.waitForReply(header, /Tool bash result/);
    await h.slack.waitFor(
      () => (h.slack.assistantStatus(header.channel, header.ts) === "" ? true : undefined),
      {
        what: "the status to clear at the end of the turn",
      },
    );
    assert.ok(statuses().includes("is running bash…"), statuses().join(" | "));
  });

  test("two clicks racing: exactly one outcome, the loser is told", async () => {
    const header = await h.startSession(OWNER, "RUN: touch raced.txt");
    const card = await h.waitForCard(header);
    const ephemeralsBefore = h.slack.ephemerals.length;
    await Promise.all([h.click(OWNER, card, "perm.once"), h.click(APPROVER, card, "perm.deny")]);
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "finalised card",
    });
    const loser = await h.slack.waitFor(
      () => h.slack.ephemerals.slice(ephemeralsBefore).find((e) => /already answered/.test(e.text)),
      { what: "the 'already answered' notice" },
    );
    const approved = /Approved once/.test(visible(card));
    const denied = /Denied/.test(visible(card));
    assert.ok(approved !== denied, `exactly one outcome: ${visible(card)}`);
    assert.equal(loser.user, approved ? APPROVER : OWNER);
    // Approved: the command runs and the model sees its result. Denied without a reason: the runtime
    // fails the tool call and ends the turn.
    if (approved) await h.waitForReply(header, /Tool bash result/);
    else await h.waitForReply(header, /✗ ran `touch raced\.txt` — The user rejected this tool call/);
    assert.equal(existsSync(join(h.workdir, "raced.txt")), approved);
  });

  test("a follow-up in the thread continues the same conversation", async () => {
    const header = await h.startSession(OWNER, "first question");
    await h.waitForReply(header, /user turns: 1/);
    await h.slack.sendEvent({
      type: "message",
      channel: header.channel,
      user: OWNER,
      text: "second question",
      ts: "1800000000.000001",
      thread_ts: header.ts,
    });
    await h.waitForReply(header, /You said: second question \(user turns: 2\)/);
  });

  test("model output cannot ping anyone", async () => {
    const header = await h.startSession(OWNER, "ECHO: hey <!channel> <!here> <@U999> @everyone **done**");
    const reply = await h.waitForReply(header, /done/);
    const text = visible(reply);
    assert.ok(!/<!(channel|here|everyone)/.test(text), text);
    assert.ok(!/<@U999>/.test(text), text);
    assert.ok(!/(^|\s)@everyone/.test(text), text);
    assert.match(text, /\*done\*/);
  });
});

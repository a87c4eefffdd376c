import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SlackMessage } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";
import { buttonsOf, visible } from "./harness.js";

const OWNER = "UOWNER8";
const STRANGER = "USTRANGER8";

describe("Slack: questions, plans and forms", () => {
  const { h } = useBridge({ formMcp: true });

  const say = (header: SlackMessage, text: string) => h.say(header, OWNER, text);
  const cardWith = (header: SlackMessage, label: string) => h.waitForButton(header, label);
  const closed = (card: SlackMessage, match: RegExp) =>
    h.slack.waitFor(() => (buttonsOf(card).length === 0 && match.test(visible(card)) ? card : undefined), {
      what: `the card to close with ${match}`,
      timeoutMs: 20_000,
    });

  test("a question with choices: a stranger is refused, the owner's choice reaches the model", async () => {
    const header = await h.startSession(OWNER, "ASK: Which colour? | red | blue");
    const card = await cardWith(header, "blue");
    assert.match(visible(card), /Copilot asks/);
    assert.match(visible(card), /Which colour\?/);
    assert.deepEqual(
      buttonsOf(card).map((b) => b.text),
      ["red", "blue", "Answer…"],
    );
    const from = h.slack.ephemerals.length;
    await h.click(STRANGER, card, "ask.choice#1");
    await h.slack.waitFor(() => h.slack.ephemerals.slice(from).find((e) => e.user === STRANGER), {
      what: "the refusal",
    });
    await h.click(OWNER, card, "ask.choice#1");
    await closed(card, new RegExp(`Answered.* by <@${OWNER}>`));
    assert.match(visible(card), /Answer: blue/);
    await h.waitForReply(header, /Tool ask_user result: User selected: blue/);
  });

  test("a free-text answer through the form; an empty answer keeps the form open", async () => {
    const header = await h.startSession(OWNER, "ASK: What is your name?");
    const card = await cardWith(header, "Answer…");
    const views = h.slack.views.length;
    await h.click(OWNER, card, "ask.answer");
    const opened = await h.slack.waitFor(() => h.slack.views[views], { what: "the answer form" });
    const submit = (value: string) =>
      h.slack.sendViewSubmission({
        user_id: OWNER,
        view: {
          callback_id: opened.view.callback_id,
          private_metadata: opened.view.private_metadata,
          state: { values: { answer: { value: { type: "plain_text_input", value } } } },
        },
      });
    const empty = await submit("   ");
    assert.equal(empty.payload?.response_action, "errors");
    assert.match(JSON.stringify(empty.payload?.errors), /Type an answer/);
    assert.equal(buttonsOf(card).length, 1, "still waiting");
    await submit("Ada");
    await closed(card, /Answer: Ada/);
    await h.waitForReply(header, /Tool ask_user result: User responded: Ada/);
  });

  test("a plan: approve with an action; the header follows the mode; request changes reaches the model", async () => {
    const header = await h.startSession(OWNER, "hello");
    await h.waitForReply(header, /user turns: 1/);
    await say(header, "mode plan");
    await h.slack.waitFor(() => /Mode: `plan`/.test(visible(header)), { what: "plan mode" });
    await say(header, "PLAN: - step one\n- step two");
    const card = await cardWith(header, "Request changes…");
    assert.match(visible(card), /plan is ready for review/);
    assert.match(visible(card), /step two/);
    const labels = buttonsOf(card).map((b) => b.text);
    assert.ok(labels.includes("Approve & autopilot ★"), labels.join(" | "));
    assert.ok(labels.includes("Approve & interactive"), labels.join(" | "));
    const interactive = buttonsOf(card).find((b) => b.text === "Approve & interactive");
    await h.click(OWNER, card, interactive?.action_id ?? "");
    // Slack text is escaped: "&" reads "&amp;" in the raw message.
    await closed(card, new RegExp(`Plan approved \\(Approve &amp; interactive\\).* by <@${OWNER}>`));
    await h.slack.waitFor(() => /Mode: `interactive`/.test(visible(header)), {
      what: "the header back in interactive",
    });

    await say(header, "mode plan");
    await h.slack.waitFor(() => /Mode: `plan`/.test(visible(header)), { what: "plan mode again" });
    await say(header, "PLAN: - another plan");
    const second = await h.slack.waitFor(
      () =>
        h.slack
          .thread(header.channel, header.ts)
          .find((m) => m.ts !== card.ts && buttonsOf(m).some((b) => b.text === "Request changes…")),
      { what: "the second plan", timeoutMs: 20_000 },
    );
    const views = h.slack.views.length;
    await h.click(OWNER, second, "plan.changes");
    const opened = await h.slack.waitFor(() => h.slack.views[views], { what: "the feedback form" });
    await h.slack.sendViewSubmission({
      user_id: OWNER,
      view: {
        callback_id: opened.view.callback_id,
        private_metadata: opened.view.private_metadata,
        state: { values: { feedback: { value: { type: "plain_text_input", value: "add tests first" } } } },
      },
    });
    await closed(second, /Changes requested/);
    assert.match(visible(second), /Feedback: add tests first/);
    await h.slack.waitFor(
      () => h.model.requests.some((r) => JSON.stringify(r.messages).includes("add tests first")),
      { what: "the model to see the feedback" },
    );
  });

  test("a form: typed fields, errors kept in the form, values reach the agent", async () => {
    const header = await h.startSession(OWNER, "FORM: Who are you? | name | age?:integer | size:S/M/L");
    const mcpCard = await h.waitForCard(header);
    assert.match(visible(mcpCard), /MCP tool/);
    await h.click(OWNER, mcpCard, "perm.once");
    const card = await cardWith(header, "Fill in…");
    assert.match(visible(card), /Who are you\?/);
    assert.match(visible(card), /Fields: name, age \(optional\), size/);
    const views = h.slack.views.length;
    await h.click(OWNER, card, "form.open");
    const opened = await h.slack.waitFor(() => h.slack.views[views], { what: "the form" });
    const blocks = opened.view.blocks as { block_id?: string; element?: { type?: string } }[];
    assert.equal(blocks.find((b) => b.block_id === "size")?.element?.type, "static_select");
    const submit = (age: string) =>
      h.slack.sendViewSubmission({
        user_id: OWNER,
        view: {
          callback_id: opened.view.callback_id,
          private_metadata: opened.view.private_metadata,
          state: {
            values: {
              name: { value: { type: "plain_text_input", value: "Ann" } },
              age: { value: { type: "plain_text_input", value: age } },
              size: { value: { type: "static_select", selected_option: { value: "M" } } },
            },
          },
        },
      });
    const bad = await submit("forty");
    assert.equal(bad.payload?.response_action, "errors");
    assert.match(JSON.stringify(bad.payload?.errors), /age must be a whole number/);
    await submit("41");
    await closed(card, new RegExp(`Submitted.* by <@${OWNER}>`));
    assert.match(visible(card), /name: Ann · age: 41 · size: M/);
    await h.waitForReply(header, /Tool fakeform-elicit result: .*"action":"accept"/);
  });

  test("stop while a question waits: the card closes as cancelled", async () => {
    const header = await h.startSession(OWNER, "ASK: Continue? | yes | no");
    const card = await cardWith(header, "yes");
    await say(header, "stop");
    await closed(card, /Cancelled/);
  });

  test("forged form submissions change nothing", async () => {
    const ack = await h.slack.sendViewSubmission({
      user_id: OWNER,
      view: { callback_id: "ask.answer", private_metadata: "../../etc", state: { values: {} } },
    });
    assert.equal(ack.payload?.response_action, "errors");
    const unknown = await h.slack.sendViewSubmission({
      user_id: OWNER,
      view: {
        callback_id: "form.submit",
        private_metadata: "0b5d7c1e-0000-4000-8000-000000000000",
        state: { values: { name: { value: { type: "plain_text_input", value: "x" } } } },
      },
    });
    assert.equal(unknown.payload?.response_action, "errors");
    assert.match(JSON.stringify(unknown.payload?.errors), /not pending any more/);
  });

  test("a long plan is shortened on the card and attached whole as plan.md", async () => {
    const header = await h.startSession(OWNER, "hello");
    await h.waitForReply(header, /user turns: 1/);
    await say(header, "mode plan");
    await h.slack.waitFor(() => /Mode: `plan`/.test(visible(header)), { what: "plan mode" });
    const steps = Array.from({ length: 80 }, (_, i) => `${i + 1}. step number ${i + 1} of a long plan`).join(
      "\n",
    );
    await say(header, `PLAN: a long plan\n${steps}`);
    const card = await cardWith(header, "Request changes…");
    assert.match(visible(card), /more lines/);
    const file = await h.slack.waitFor(
      () => h.slack.files.find((f) => f.thread_ts === header.ts && f.filename === "plan.md"),
      { what: "plan.md", timeoutMs: 20_000 },
    );
    assert.match(file.bytes.toString("utf8"), /80\. step number 80 of a long plan/);
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DiscordMessage, InteractionHandle, InteractionReply } from "../fakes/discord/index.js";
import { messageText } from "../fakes/discord/index.js";
import { buttons } from "./discord-driver.js";
import { useBridge } from "./fixture.js";

const OWNER = "290000000000000001";
const STRANGER = "290000000000000003";

/** The text inputs of a modal the bot showed, by custom_id. */
function modalInputs(
  modal: InteractionReply,
): { custom_id: string; placeholder?: string; required?: boolean }[] {
  return (
    modal.data.components as { components?: { type: number; custom_id: string; placeholder?: string }[] }[]
  )
    .flatMap((row) => row.components ?? [])
    .filter((c) => c.type === 4);
}

describe("Discord: questions, plans and forms", () => {
  const { h, drv } = useBridge({ discordOwner: OWNER, formMcp: true });

  /** The bot message in the thread with a button labelled `label` (not `except`). */
  const cardWith = (threadId: string, label: string, except?: DiscordMessage) =>
    h.discord.waitFor(
      () => drv.replies(threadId).find((m) => m !== except && buttons(m).some((b) => b.label === label)),
      { what: `a card with "${label}"`, timeoutMs: 20_000 },
    );
  /** The session header, posted inside the thread for a session started by a mention. */
  const headerOf = (threadId: string) => drv.waitReply(threadId, /Copilot session/, "the session header");
  /** Clicks `label` on `card` and returns the modal Discord was asked to show (callback type 9). */
  const openModal = async (card: DiscordMessage, label: string): Promise<InteractionReply> => {
    const click = await drv.click(card, label);
    const modal = await h.discord.replyTo(click.interactionId);
    assert.equal(modal.type, 9, `"${label}" is answered with a modal`);
    return modal;
  };
  const submit = (threadId: string, modal: InteractionReply, fields: Record<string, string>) =>
    h.discord.submitModal({ user_id: OWNER, channel_id: threadId, custom_id: modal.data.custom_id, fields });
  const acknowledged = async (handle: InteractionHandle) => {
    const ack = await h.discord.replyTo(handle.interactionId);
    assert.ok([4, 5, 6, 7].includes(ack.type), `the submit is acknowledged (type ${ack.type})`);
    return ack;
  };
  /** Whether a tool result the model was sent (in requests from the `from`-th on) contains `text`. */
  const modelToolResult = (text: string, from = 0) =>
    h.model.requests
      .slice(from)
      .some((r) =>
        r.messages.some(
          (m) => m.role === "tool" && typeof m.content === "string" && m.content.includes(text),
        ),
      );

  test("a question with choices: a stranger is refused privately, the owner's choice reaches the model", async () => {
    const from = h.model.requests.length;
    const threadId = await drv.start("ASK: Which colour? | red | blue");
    const card = await cardWith(threadId, "blue");
    assert.match(messageText(card), /Copilot asks/);
    assert.match(messageText(card), /Which colour\?/);
    assert.match(messageText(card), new RegExp(`Waiting for <@${OWNER}> or an approver`));
    assert.deepEqual(
      buttons(card).map((b) => b.label),
      ["red", "blue", "Answer…"],
    );

    const before = { content: messageText(card), edits: card.edits };
    const refused = await drv.click(card, "blue", STRANGER);
    const note = await drv.ephemeralTo(refused, /or an approver can decide/);
    assert.equal((note.flags ?? 0) & 64, 64, "the refusal is ephemeral");
    assert.match(messageText(note), new RegExp(`Only <@${OWNER}> or an approver`));
    await drv.queuedBehind(threadId);
    assert.equal(messageText(card), before.content, "the card is unchanged");
    assert.equal(card.edits, before.edits, "the card was not edited");
    assert.equal(buttons(card).length, 3, "the card still waits");
    assert.equal(drv.modelSaw("User selected", from), false, "the stranger's click reached no one");

    const chosen = await drv.click(card, "blue");
    await drv.waitClosed(card, { match: new RegExp(`Answered.* by <@${OWNER}>`) });
    assert.match(messageText(card), /Answer: blue/);
    await drv.waitReply(threadId, /Tool ask_user result: User selected: blue/);
    assert.ok(modelToolResult("User selected: blue", from), "the model was given the choice");
    assert.ok(
      !h.discord.ephemeralMessages.some(
        (m) => m.interaction_id === chosen.interactionId && messageText(m) !== "",
      ),
      "the owner got no notice",
    );
  });

  test("a free-text answer through the modal; an empty answer is refused and the card keeps waiting", async () => {
    const from = h.model.requests.length;
    const threadId = await drv.start("ASK: What is your name?");
    const card = await cardWith(threadId, "Answer…");
    assert.deepEqual(
      buttons(card).map((b) => b.label),
      ["Answer…"],
    );
    const modal = await openModal(card, "Answer…");
    assert.deepEqual(
      modalInputs(modal).map((i) => i.custom_id),
      ["answer"],
    );

    const empty = await submit(threadId, modal, { answer: "   " });
    const error = await drv.ephemeralTo(empty, /Type an answer/);
    assert.equal((error.flags ?? 0) & 64, 64, "the error is ephemeral");
    await drv.queuedBehind(threadId);
    assert.equal(buttons(card).length, 1, "the card still waits");
    assert.doesNotMatch(messageText(card), /Answered/);
    assert.equal(drv.modelSaw("User responded", from), false, "the empty answer reached no one");

    // The modal closed with the error: the owner opens it again and answers.
    const again = await openModal(card, "Answer…");
    await acknowledged(await submit(threadId, again, { answer: "Ada" }));
    await drv.waitClosed(card, { match: /Answer: Ada/ });
    assert.match(messageText(card), new RegExp(`Answered.* by <@${OWNER}>`));
    await drv.waitReply(threadId, /Tool ask_user result: User responded: Ada/);
    assert.ok(modelToolResult("User responded: Ada", from), "the model was given the answer");
  });

  test("a plan: approve with an action, the header follows the mode; request changes reaches the model", async () => {
    const from = h.model.requests.length;
    const threadId = await drv.start("hello");
    await drv.waitReply(threadId, /user turns: 1/);
    const header = await headerOf(threadId);
    assert.match(messageText(header), /Mode: `interactive`/);
    await drv.say(threadId, "mode plan");
    await h.discord.waitFor(() => /Mode: `plan`/.test(messageText(header)), {
      what: "the header in plan mode",
    });

    await drv.say(threadId, "PLAN: - step one\n- step two");
    const card = await cardWith(threadId, "Request changes…");
    assert.match(messageText(card), /plan is ready for review/);
    assert.match(messageText(card), /step two/);
    const labels = buttons(card).map((b) => b.label);
    assert.ok(labels.includes("Approve & autopilot ★"), labels.join(" | "));
    assert.ok(labels.includes("Approve & interactive"), labels.join(" | "));
    await drv.click(card, "Approve & interactive");
    await drv.waitClosed(card, {
      match: new RegExp(`Plan approved \\(Approve & interactive\\).* by <@${OWNER}>`),
    });
    await h.discord.waitFor(() => /Mode: `interactive`/.test(messageText(header)), {
      what: "the header back in interactive",
    });
    await drv.waitReply(threadId, /Plan approved! Exited plan mode/);

    await drv.say(threadId, "mode plan");
    await h.discord.waitFor(() => /Mode: `plan`/.test(messageText(header)), { what: "plan mode again" });
    await drv.say(threadId, "PLAN: - another plan");
    const second = await cardWith(threadId, "Request changes…", card);
    const modal = await openModal(second, "Request changes…");
    assert.deepEqual(
      modalInputs(modal).map((i) => i.custom_id),
      ["feedback"],
    );
    await acknowledged(await submit(threadId, modal, { feedback: "add tests first" }));
    await drv.waitClosed(second, { match: /Changes requested/ });
    assert.match(messageText(second), new RegExp(`Changes requested.* by <@${OWNER}>`));
    assert.match(messageText(second), /Feedback: add tests first/);
    await h.discord.waitFor(() => modelToolResult("add tests first", from) || undefined, {
      what: "the model to see the feedback",
    });
    assert.match(messageText(header), /Mode: `plan`/, "still planning after changes were requested");
  });

  test("a form: the MCP permission first, a bad integer is refused privately, valid values reach the agent", async () => {
    const from = h.model.requests.length;
    const threadId = await drv.start("FORM: Who are you? | name | age?:integer | size:S/M/L");
    const mcpCard = await drv.waitCard(threadId, "the MCP permission card");
    assert.match(messageText(mcpCard), /MCP tool/);
    await drv.click(mcpCard, "Approve once");
    await drv.waitClosed(mcpCard, { match: /Approved once/ });

    const card = await cardWith(threadId, "Fill in…");
    assert.match(messageText(card), /Who are you\?/);
    assert.match(messageText(card), /Fields: name, age \(optional\), size/);
    assert.deepEqual(
      buttons(card).map((b) => b.label),
      ["Fill in…", "Decline", "Cancel"],
    );
    const modal = await openModal(card, "Fill in…");
    const inputs = modalInputs(modal);
    assert.deepEqual(
      inputs.map((i) => i.custom_id),
      ["name", "age"],
    );
    // The choice is a radio group of its options (see the next test).
    const rows = modal.data.components as {
      type: number;
      component?: { custom_id?: string; type?: number };
    }[];
    assert.equal(rows.find((r) => r.component?.custom_id === "size")?.component?.type, 21);

    const bad = await submit(threadId, modal, { name: "Ann", age: "forty", size: "M" });
    const error = await drv.ephemeralTo(bad, /age must be a whole number/);
    assert.equal((error.flags ?? 0) & 64, 64, "the error is ephemeral");
    await drv.queuedBehind(threadId);
    assert.equal(buttons(card).length, 3, "the card still waits");
    assert.equal(modelToolResult('"action":"accept"', from), false, "nothing was submitted");

    const again = await openModal(card, "Fill in…");
    await acknowledged(await submit(threadId, again, { name: "Ann", age: "41", size: "M" }));
    await drv.waitClosed(card, { match: new RegExp(`Submitted.* by <@${OWNER}>`) });
    assert.match(messageText(card), /name: Ann · age: 41 · size: M/);
    await drv.waitReply(threadId, /Tool fakeform-elicit result: .*"action":"accept"/);
    assert.ok(modelToolResult('"age":41', from), "the model got the typed values");
    assert.ok(modelToolResult('"size":"M"', from), "the model got the option as listed");
  });

  test("a form's yes/no field is a checkbox and its choice a radio group; their answers reach the agent typed", async () => {
    const from = h.model.requests.length;
    const threadId = await drv.start("FORM: Settings | verbose:boolean | size:S/M/L | note?");
    const mcpCard = await drv.waitCard(threadId, "the MCP permission card");
    await drv.click(mcpCard, "Approve once");
    await drv.waitClosed(mcpCard, { match: /Approved once/ });
    const card = await cardWith(threadId, "Fill in…");
    const modal = await openModal(card, "Fill in…");
    const rows = modal.data.components as {
      type: number;
      label?: string;
      component?: Record<string, unknown>;
    }[];
    const labelled = (id: string) => rows.find((r) => r.type === 18 && r.component?.custom_id === id);
    assert.equal(labelled("verbose")?.component?.type, 23, "a checkbox for the boolean");
    const size = labelled("size")?.component;
    assert.equal(size?.type, 21, "a radio group for the choice");
    assert.deepEqual(
      ((size?.options ?? []) as { value: string }[]).map((o) => o.value),
      ["S", "M", "L"],
    );
    assert.deepEqual(
      modalInputs(modal).map((i) => i.custom_id),
      ["note"],
      "free text stays a text input",
    );
    await acknowledged(
      await h.discord.submitModal({
        user_id: OWNER,
        channel_id: threadId,
        custom_id: modal.data.custom_id,
        fields: { verbose: true, size: "L", note: "" },
      }),
    );
    await drv.waitClosed(card, { match: new RegExp(`Submitted.* by <@${OWNER}>`) });
    await drv.waitReply(threadId, /Tool fakeform-elicit result: .*"action":"accept"/);
    assert.ok(modelToolResult('"verbose":true', from), "the checkbox reached the model as a boolean");
    assert.ok(modelToolResult('"size":"L"', from), "the radio choice reached the model");
  });

  test("stop while a question waits: the card closes as cancelled", async () => {
    const from = h.model.requests.length;
    const threadId = await drv.start("ASK: Continue? | yes | no");
    const card = await cardWith(threadId, "yes");
    await drv.say(threadId, "stop");
    await drv.waitClosed(card, { match: /Cancelled/ });
    assert.doesNotMatch(messageText(card), /Answered/);
    // A barrier: the thread's next message, answered after what the stopped turn left.
    await drv.say(threadId, "after the stop");
    await drv.waitReply(threadId, /You said: after the stop/);
    assert.equal(modelToolResult("User selected", from), false, "no answer was given");
    assert.deepEqual(buttons(card), [], "nothing left to click");
  });
});

import { Actions, isValidRequestId, ModalCallbacks, splitPayload } from "./actions.js";
import type { Uses } from "./context.js";
import { reconnectWaitMs } from "./context.js";
import { errorText } from "./errors.js";
import { modalFields, readForm } from "./forms.js";
import type { ActionEvent, ModalResult, ModalSubmitEvent, Notice } from "./ports/chat.js";
import type { Modal } from "./types.js";
import type { PromptAnswer } from "./vocabulary/prompt.js";
import type { CardRecord } from "./vocabulary/records.js";
import type { ThreadRef, UserRef } from "./vocabulary/refs.js";

type Reply = (notice: Notice) => Promise<void>;

export const promptActions: ReadonlySet<string> = new Set([
  Actions.approveOnce,
  Actions.approveSession,
  Actions.deny,
  Actions.denyWithReason,
  Actions.choose,
  Actions.answer,
  Actions.approvePlan,
  Actions.requestChanges,
  Actions.fillForm,
  Actions.declineForm,
  Actions.cancelForm,
]);

export const promptModals: ReadonlySet<string> = new Set([
  ModalCallbacks.denyReason,
  ModalCallbacks.answer,
  ModalCallbacks.planChanges,
  ModalCallbacks.form,
]);

const unknownButton = "That button is not one this bridge knows. Nothing was changed.";

/** A click on a card: answer at once, or open the form that collects the answer. */
export async function onPromptAction(
  ctx: Uses<"chats" | "sessions" | "store" | "policy" | "log" | "now">,
  event: ActionEvent,
): Promise<void> {
  const split = event.action === Actions.choose || event.action === Actions.approvePlan;
  const parsed = split ? splitPayload(event.payload) : { requestId: event.payload, detail: "" };
  if (!parsed || !isValidRequestId(parsed.requestId)) {
    await event.reply(unknownButton);
    return;
  }
  const card = await answerableCard(ctx, parsed.requestId, event.user, event.reply, event.thread);
  if (!card) return;
  const modal = modalFor(event.action, card);
  if (modal) {
    const chat = event.trigger && ctx.chats.adapter(event.trigger.platform);
    if (!event.trigger || !chat) {
      await event.reply("Could not open the form here; try again from the card.");
      return;
    }
    await chat.openModal(event.trigger, modal);
    return;
  }
  const answer = answerFor(event.action, parsed.detail, card);
  if (!answer) {
    await event.reply(unknownButton);
    return;
  }
  await decide(ctx, card, event.user, answer, event.reply);
}

/** A submitted card form. Validation errors keep the form open; the decision follows in the thread. */
export async function onPromptModal(
  ctx: Uses<"chats" | "log" | "policy" | "sessions" | "store">,
  event: ModalSubmitEvent,
): Promise<ModalResult> {
  if (!isValidRequestId(event.meta)) return { errors: { reason: "This form is not valid any more." } };
  const card = await ctx.store.getCard(event.meta);
  const reply: Reply = async (notice) => {
    const session = card && ctx.sessions.get(card.threadKey);
    if (session) await ctx.chats.chatFor(session).notify(session.record.thread, event.user, notice);
  };
  if (!card) return { errors: { [firstField(event)]: "This request is not pending any more." } };
  // A form submitted by someone who may not decide (a forged submission) is refused in the form itself.
  const owner = ctx.sessions.get(card.threadKey)?.record.owner;
  if (owner && !ctx.policy.canDecide(event.user, owner)) {
    return {
      errors: {
        [firstField(event)]: "Only the session's owner or an approver can answer this. Nothing was changed.",
      },
    };
  }
  let answer: PromptAnswer | undefined;
  const text = (id: string) => (event.values[id] ?? "").trim().slice(0, 4000);
  if (event.callback === ModalCallbacks.denyReason && card.prompt.kind === "permission") {
    const feedback = text("reason");
    answer = { kind: "permission", decision: feedback ? { kind: "deny", feedback } : { kind: "deny" } };
  } else if (event.callback === ModalCallbacks.answer && card.prompt.kind === "question") {
    if (!text("answer")) return { errors: { answer: "Type an answer." } };
    answer = { kind: "question", answer: text("answer"), wasFreeform: true };
  } else if (event.callback === ModalCallbacks.planChanges && card.prompt.kind === "plan") {
    if (!text("feedback")) return { errors: { feedback: "Say what should change." } };
    answer = { kind: "plan", approved: false, feedback: text("feedback") };
  } else if (event.callback === ModalCallbacks.form && card.prompt.kind === "form") {
    const read = readForm(card.prompt.fields, event.values);
    if ("errors" in read) return { errors: read.errors };
    answer = { kind: "form", action: "accept", content: read.content };
  } else {
    return { errors: { [firstField(event)]: "This form is not valid any more." } };
  }
  // Answer the form at once (Slack allows 3 s); the outcome follows on the card.
  const chosen = answer;
  (async () => {
    const live = await answerableCard(ctx, card.requestId, event.user, reply);
    if (live) await decide(ctx, live, event.user, chosen, reply);
  })().catch((error: unknown) => ctx.log.error("form answer failed", { error: errorText(error) }));
  return undefined;
}

function firstField(event: ModalSubmitEvent): string {
  return Object.keys(event.values)[0] ?? "reason";
}

function modalFor(action: string, card: CardRecord): Modal | undefined {
  const p = card.prompt;
  if (action === Actions.denyWithReason && p.kind === "permission") {
    return {
      callback: ModalCallbacks.denyReason,
      meta: card.requestId,
      title: "Deny",
      submitLabel: "Deny",
      intro: `Deny: ${p.view.title}. The reason is passed to Copilot.`,
      fields: [
        { id: "reason", label: "Reason (optional)", multiline: true, optional: true, maxLength: 2000 },
      ],
    };
  }
  if (action === Actions.answer && p.kind === "question") {
    return {
      callback: ModalCallbacks.answer,
      meta: card.requestId,
      title: "Answer Copilot",
      submitLabel: "Answer",
      intro: p.question.slice(0, 1500),
      fields: [{ id: "answer", label: "Your answer", multiline: true, maxLength: 4000 }],
    };
  }
  if (action === Actions.requestChanges && p.kind === "plan") {
    return {
      callback: ModalCallbacks.planChanges,
      meta: card.requestId,
      title: "Request changes",
      submitLabel: "Send",
      intro: "Say what Copilot should change in the plan.",
      fields: [{ id: "feedback", label: "Changes", multiline: true, maxLength: 4000 }],
    };
  }
  if (action === Actions.fillForm && p.kind === "form" && !p.unsupported) {
    return {
      callback: ModalCallbacks.form,
      meta: card.requestId,
      title: "Details for Copilot",
      submitLabel: "Submit",
      intro: p.message.slice(0, 1500),
      fields: modalFields(p.fields),
    };
  }
  return undefined;
}

function answerFor(action: string, detail: string, card: CardRecord): PromptAnswer | undefined {
  const p = card.prompt;
  if (p.kind === "permission") {
    if (action === Actions.approveOnce) return { kind: "permission", decision: { kind: "approve-once" } };
    if (action === Actions.approveSession)
      return { kind: "permission", decision: { kind: "approve-for-session" } };
    if (action === Actions.deny) return { kind: "permission", decision: { kind: "deny" } };
  }
  if (p.kind === "question" && action === Actions.choose) {
    const choice = /^\d{1,2}$/.test(detail) ? p.choices[Number(detail)] : undefined;
    return choice === undefined ? undefined : { kind: "question", answer: choice, wasFreeform: false };
  }
  if (p.kind === "plan" && action === Actions.approvePlan) {
    return p.actions.includes(detail) ? { kind: "plan", approved: true, action: detail } : undefined;
  }
  if (p.kind === "form" && action === Actions.declineForm) return { kind: "form", action: "decline" };
  if (p.kind === "form" && action === Actions.cancelForm) return { kind: "form", action: "cancel" };
  return undefined;
}

/** The card for a click, if it waits for an answer and the clicker may give it; otherwise says why not. */
async function answerableCard(
  ctx: Uses<"policy" | "sessions" | "store">,
  requestId: string,
  user: UserRef,
  reply: Reply,
  thread?: ThreadRef,
): Promise<CardRecord | undefined> {
  // A pending card is held by its thread's desk (no store read on the click's path); a decided or
  // unknown one is read from the store.
  const card =
    (thread ? await ctx.sessions.get(thread.key)?.desk.card(requestId) : undefined) ??
    (await ctx.store.getCard(requestId));
  const session = card && ctx.sessions.get(card.threadKey);
  if (!card || !session) {
    await reply("This request is not pending any more (or was never known here). Nothing was changed.");
    return undefined;
  }
  if (!ctx.policy.canDecide(user, session.record.owner)) {
    await reply([
      "Only ",
      { user: session.record.owner },
      " or an approver can decide this. Nothing was changed.",
    ]);
    return undefined;
  }
  if (card.state.status !== "pending") {
    await reply("This request was already answered.");
    return undefined;
  }
  return card;
}

async function decide(
  ctx: Uses<"sessions">,
  card: CardRecord,
  user: UserRef,
  answer: PromptAnswer,
  reply: Reply,
): Promise<void> {
  const session = ctx.sessions.get(card.threadKey);
  const agent = await session?.connected(reconnectWaitMs);
  if (!session || !agent) {
    await reply("This session is reconnecting to Copilot; try again in a moment.");
    return;
  }
  const result = await session.desk.decide(card, user, answer, agent);
  if (result.status === "lost") await reply("This request was already answered.");
  else if (result.status === "failed") await reply(`Copilot did not accept the answer: ${result.reason}`);
}

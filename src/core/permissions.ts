import { Actions, isValidRequestId, ModalCallbacks } from "./actions.js";
import type { PermissionDecision } from "./agent.js";
import type { ActionEvent, ModalResult, ModalSubmitEvent, Notice } from "./chat.js";
import { errorText } from "./errors.js";
import { reconnectWaitMs, type SessionRegistry } from "./registry.js";
import type { CardRecord } from "./store.js";
import type { UserRef } from "./types.js";

type Reply = (notice: Notice) => Promise<void>;

export const permissionActions: ReadonlySet<string> = new Set([
  Actions.approveOnce,
  Actions.approveSession,
  Actions.deny,
  Actions.denyWithReason,
]);

/** A click on a permission card. */
export async function onPermissionAction(reg: SessionRegistry, event: ActionEvent): Promise<void> {
  if (!isValidRequestId(event.payload)) {
    await event.reply("That button is not one this bridge knows. Nothing was changed.");
    return;
  }
  if (event.action === Actions.denyWithReason) {
    const card = await pendingCard(reg, event.payload, event.user, event.reply);
    if (!card) return;
    const chat = event.trigger && reg.adapter(event.trigger.platform);
    if (!event.trigger || !chat) {
      await event.reply("Could not open the form; use Deny instead.");
      return;
    }
    await chat.openModal(event.trigger, {
      callback: ModalCallbacks.denyReason,
      meta: event.payload,
      title: "Deny",
      submitLabel: "Deny",
      intro: `Deny: ${card.view.title}. The reason is passed to Copilot.`,
      fields: [
        { id: "reason", label: "Reason (optional)", multiline: true, optional: true, maxLength: 2000 },
      ],
    });
    return;
  }
  const decision: PermissionDecision =
    event.action === Actions.approveOnce
      ? { kind: "approve-once" }
      : event.action === Actions.approveSession
        ? { kind: "approve-for-session" }
        : { kind: "deny" };
  await decide(reg, event.payload, event.user, decision, event.reply);
}

/** The deny-with-reason form. Answered at once (Slack allows 3 s); the outcome follows in the thread. */
export function onDenyReason(reg: SessionRegistry, event: ModalSubmitEvent): ModalResult {
  if (!isValidRequestId(event.meta)) return { errors: { reason: "This form is not valid any more." } };
  const feedback = (event.values.reason ?? "").trim().slice(0, 2000);
  const reply: Reply = async (notice) => {
    const card = await reg.options.store.getCard(event.meta);
    const session = card && reg.get(card.threadKey);
    if (session) await reg.chatFor(session).notify(session.record.thread, event.user, notice);
  };
  const decision: PermissionDecision = feedback ? { kind: "deny", feedback } : { kind: "deny" };
  decide(reg, event.meta, event.user, decision, reply).catch((error: unknown) => {
    reg.options.log.error("modal decision failed", { error: errorText(error) });
  });
  return undefined;
}

/** The card for a click, if it is pending and the clicker may decide; otherwise tells them why not. */
async function pendingCard(
  reg: SessionRegistry,
  requestId: string,
  user: UserRef,
  reply: Reply,
): Promise<CardRecord | undefined> {
  const card = await reg.options.store.getCard(requestId);
  const session = card && reg.get(card.threadKey);
  if (!card || !session) {
    await reply("This request is not pending any more (or was never known here). Nothing was changed.");
    return undefined;
  }
  if (!reg.options.policy.canDecide(user, session.record.owner)) {
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
  reg: SessionRegistry,
  requestId: string,
  user: UserRef,
  decision: PermissionDecision,
  reply: Reply,
): Promise<void> {
  const card = await pendingCard(reg, requestId, user, reply);
  if (!card) return;
  const session = reg.get(card.threadKey);
  const agent = await session?.connected(reconnectWaitMs);
  if (!session || !agent) {
    await reply("This session is reconnecting to Copilot; try again in a moment.");
    return;
  }
  const result = await session.desk.decide(card, user, decision, agent);
  if (result.status === "lost") await reply("This request was already answered.");
  else if (result.status === "failed") await reply(`Copilot did not accept the answer: ${result.reason}`);
}

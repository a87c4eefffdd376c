import { answeredElsewhere } from "./audit.js";
import { promptCard } from "./cards.js";
import { errorText } from "./errors.js";
import type { Logger } from "./log.js";
import type { ChatAdapter } from "./ports/chat.js";
import type { AgentSession, PendingPermission, SessionHistory, ToolFate } from "./ports/gateway.js";
import type { BridgeStore } from "./ports/store.js";
import type { SerialQueue } from "./serial.js";
import { type Outcome, outcomeOf, type Prompt, type PromptAnswer } from "./vocabulary/prompt.js";
import type { CardRecord, CardState } from "./vocabulary/records.js";
import type { ThreadRef, UserRef } from "./vocabulary/refs.js";

export interface DeskContext {
  /** Set for sessions whose prompts are answered on GitHub only: the page to answer them (or ""). */
  answerAt(): string | undefined;
  thread: ThreadRef;
  owner: UserRef;
  chat: ChatAdapter;
  store: BridgeStore;
  queue: SerialQueue;
  log: Logger;
  now(): number;
}

export type DecideResult = { status: "won" } | { status: "lost" } | { status: "failed"; reason: string };

/**
 * The cards of one thread: permission requests, questions, plans and forms. The runtime decides who
 * answered first; this desk posts the cards, forwards answers, and finalises every card from the
 * runtime's signals, whoever won.
 */
export class PromptDesk {
  /** Requests with an answer in flight; a completion seen meanwhile waits for the answer's result. */
  private readonly claims = new Map<string, { completed?: Outcome; surface?: "github" }>();
  private readonly byToolCall = new Map<string, string>();
  private readonly cards = new Map<string, CardRecord>();
  /** Cards being posted: a click can arrive before the platform's reply to the post does. */
  private readonly posting = new Map<string, Promise<void>>();

  constructor(private readonly ctx: DeskContext) {}

  /**
   * After a restart: the runtime does not announce requests again, so compare the cards this thread
   * still shows as pending with what the runtime says is pending and with the session's history:
   * - a permission still pending keeps its card (its buttons work); one the runtime shows but the
   *   thread does not gets a card;
   * - anything else that a runtime started afresh no longer holds is "lost": nobody answered it;
   * - on a runtime that outlived the bridge, a request whose tool call ended meanwhile was answered
   *   elsewhere (its card is finalised); questions, plans and forms have no pending list, so they
   *   stay answerable unless their tool call ended.
   */
  reconcile(
    shown: CardRecord[],
    pending: PendingPermission[],
    facts: { runtimeRestarted: boolean; history: SessionHistory },
  ): void {
    for (const card of shown) {
      this.cards.set(card.requestId, card);
      if (card.toolCallId) this.byToolCall.set(card.toolCallId, card.requestId);
    }
    const live = new Set(pending.map((p) => p.requestId));
    for (const p of pending) this.requested(p.requestId, { kind: "permission", view: p.view }, p.toolCallId);
    for (const card of shown) {
      if (live.has(card.requestId)) continue;
      // A runtime started afresh: nobody could answer what it no longer holds (a runtime whose client
      // died closes a waiting question or permission itself, so even a finished tool call tells nothing).
      if (facts.runtimeRestarted) {
        this.finalizeElsewhere(card.requestId, { kind: "lost" });
        continue;
      }
      const fate = card.toolCallId ? facts.history.toolCalls.get(card.toolCallId) : undefined;
      if (fate === "interrupted") this.finalizeElsewhere(card.requestId, { kind: "lost" });
      else if (fate && card.prompt.kind === "permission") {
        this.finalizeElsewhere(card.requestId, {
          kind: "permission",
          outcome: fate === "ok" ? "approved" : "denied",
        });
      } else if (fate || card.prompt.kind === "permission")
        this.finalizeElsewhere(card.requestId, { kind: "gone" });
    }
  }

  /** The session is gone: every card still waiting is closed as lost. */
  loseAll(): void {
    for (const [requestId, card] of this.cards) {
      if (card.state.status === "pending" && !this.claims.has(requestId)) {
        this.finalizeElsewhere(requestId, { kind: "lost" });
      }
    }
  }

  /** A request is pending: post its card, or keep the one already posted (after a restart). */
  requested(requestId: string, prompt: Prompt, toolCallId: string | undefined): void {
    if (toolCallId) this.byToolCall.set(toolCallId, requestId);
    this.ctx.queue.push(async () => {
      const known = this.cards.get(requestId) ?? (await this.ctx.store.getCard(requestId));
      // A request raised again after its card was closed as lost or gone gets a fresh card.
      const closedAsGone =
        known?.state.status === "decided" &&
        (known.state.outcome.kind === "lost" || known.state.outcome.kind === "gone");
      if (known && !closedAsGone) {
        if (known.state.status === "pending") this.cards.set(requestId, known);
        return;
      }
      const state: CardState = { status: "pending" };
      const message = promptCard(
        requestId,
        prompt,
        state,
        this.ctx.owner,
        this.ctx.chat.limits,
        this.ctx.answerAt(),
      );
      let posted: () => void = () => undefined;
      this.posting.set(requestId, new Promise<void>((done) => (posted = done)));
      // The record is written before the card is posted: a card anyone can see is always known, even
      // after a crash right after the post (without its message, which a restart then replaces).
      const record: CardRecord = {
        requestId,
        threadKey: this.ctx.thread.key,
        message: { channel: this.ctx.thread.channel, id: "" },
        prompt,
        state,
        createdAt: this.ctx.now(),
        ...(toolCallId ? { toolCallId } : {}),
      };
      try {
        await this.ctx.store.putCard(record);
        const ref = await this.ctx.chat.post(this.ctx.thread, message);
        const shown: CardRecord = { ...record, message: ref };
        this.cards.set(requestId, shown);
        await this.ctx.store.putCard(shown);
      } finally {
        this.posting.delete(requestId);
        posted();
      }
      if (prompt.kind === "plan" && prompt.planContent.length > this.ctx.chat.limits.cardCodeChars) {
        const bytes = new TextEncoder().encode(prompt.planContent);
        await this.ctx.chat.upload(this.ctx.thread, { name: "plan.md", title: "Copilot's plan", bytes });
      }
    });
  }

  /** A card of this thread, also one whose post has not come back yet (a quick click). */
  async card(requestId: string): Promise<CardRecord | undefined> {
    await this.posting.get(requestId);
    return this.cards.get(requestId);
  }

  /** The runtime says the request was answered (by anyone; `surface` when it says where). */
  completed(requestId: string, outcome: Outcome, surface?: "github"): void {
    const claim = this.claims.get(requestId);
    if (claim) {
      claim.completed = outcome;
      if (surface) claim.surface = surface;
      return;
    }
    this.finalizeElsewhere(requestId, outcome, surface);
  }

  /**
   * A tool call ended while its permission card still waits. Clients attached to the session get a
   * `permission.completed` for their answers; an answer given on github.com / GitHub Mobile reaches
   * the runtime as a Mission Control command and brings none, only the tool's own events: so a
   * session shared on GitHub shows it as answered there.
   */
  toolFinished(toolCallId: string, fate: ToolFate, sharedOnGitHub: boolean): void {
    const requestId = this.byToolCall.get(toolCallId);
    this.byToolCall.delete(toolCallId);
    if (requestId === undefined || this.claims.has(requestId)) return;
    // The runtime died under the tool call (it says so when the session is resumed): nobody answered.
    if (fate === "interrupted") {
      this.finalizeElsewhere(requestId, { kind: "lost" });
      return;
    }
    // Questions, plans and forms are finalised by their own completion events.
    if (this.cards.get(requestId)?.prompt.kind !== "permission") return;
    const outcome: Outcome = { kind: "permission", outcome: fate === "ok" ? "approved" : "denied" };
    this.finalizeElsewhere(requestId, outcome, sharedOnGitHub ? "github" : "elsewhere");
  }

  /** Cards still waiting for a decision, oldest first. */
  pending(): CardRecord[] {
    return [...this.cards.values()]
      .filter((c) => c.state.status === "pending")
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Every card still pending when the turn was aborted or the session ended. */
  cancelPending(): void {
    for (const [requestId, card] of this.cards) {
      if (card.state.status === "pending" && !this.claims.has(requestId)) {
        this.finalizeElsewhere(requestId, { kind: "cancelled" });
      }
    }
  }

  /** Answers a request on behalf of a person in the thread. */
  async decide(
    card: CardRecord,
    user: UserRef,
    answer: PromptAnswer,
    agent: AgentSession,
  ): Promise<DecideResult> {
    if (this.claims.has(card.requestId)) return { status: "lost" };
    this.claims.set(card.requestId, {});
    try {
      // The audit names the GitHub account of whoever decided, where linked (read while the runtime answers).
      const login = this.ctx.store.getIdentity(user).then(
        (identity) => identity?.login,
        () => undefined,
      );
      const won = await agent.answer(card.requestId, answer, card.prompt);
      const audited = login.then((decidedAs) =>
        this.ctx.store
          .audit({
            kind: "answer",
            at: this.ctx.now(),
            threadKey: card.threadKey,
            requestId: card.requestId,
            user,
            answer,
            won,
            ...(decidedAs ? { login: decidedAs } : {}),
          })
          .catch((error: unknown) => this.ctx.log.warn("audit write failed", { error: errorText(error) })),
      );
      const claim = this.claims.get(card.requestId);
      this.claims.delete(card.requestId);
      if (won) {
        const state: CardState = {
          status: "decided",
          outcome: outcomeOf(answer),
          by: user,
          surface: "thread",
          at: this.ctx.now(),
        };
        // The card (the click's answer) goes out without waiting for the audit row; both are awaited.
        await Promise.all([this.settle(card.requestId, state), audited]);
        return { status: "won" };
      }
      await audited;
      if (claim?.completed) this.finalizeElsewhere(card.requestId, claim.completed, claim.surface);
      return { status: "lost" };
    } catch (error) {
      this.claims.delete(card.requestId);
      return { status: "failed", reason: errorText(error) };
    }
  }

  private finalizeElsewhere(requestId: string, outcome: Outcome, surface?: "github" | "elsewhere"): void {
    const state: CardState = {
      status: "decided",
      outcome,
      surface: surface ?? "elsewhere",
      at: this.ctx.now(),
    };
    this.settle(requestId, state).catch((error: unknown) => {
      this.ctx.log.warn("could not finalise a card", { error: errorText(error) });
    });
  }

  /**
   * A card already posted is edited at once (an edit cannot overtake its own post, and the check
   * and update of its state happen without a pause); one still being posted is finalised after it.
   */
  private settle(requestId: string, state: CardState): Promise<void> {
    if (this.cards.has(requestId)) return this.finalize(requestId, state);
    return this.ctx.queue.run(() => this.finalize(requestId, state));
  }

  /** Shows the outcome on the card once; later signals for the same request change nothing. */
  private async finalize(requestId: string, state: CardState): Promise<void> {
    const card = this.cards.get(requestId) ?? (await this.ctx.store.getCard(requestId));
    if (card?.state.status !== "pending") return;
    const updated: CardRecord = { ...card, state };
    this.cards.set(requestId, updated);
    answeredElsewhere(this.ctx, updated);
    const message = promptCard(
      requestId,
      card.prompt,
      state,
      this.ctx.owner,
      this.ctx.chat.limits,
      this.ctx.answerAt(),
    );
    try {
      // The record and the card are independent: neither waits for the other.
      // A card whose post never came back (a crash in between) is shown anew with its outcome.
      const [stored, shown] = await Promise.allSettled([
        this.ctx.store.putCard(updated),
        card.message.id === ""
          ? this.ctx.chat.post(this.ctx.thread, message)
          : this.ctx.chat.edit(card.message, message),
      ]);
      if (stored.status === "rejected") throw stored.reason;
      if (shown.status === "rejected") throw shown.reason;
    } finally {
      // Decided cards live on in the store (late clicks read it there), not in memory.
      this.cards.delete(requestId);
      if (card.toolCallId) this.byToolCall.delete(card.toolCallId);
    }
  }
}

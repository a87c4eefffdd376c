import { RateDeferred } from "../../src/core/errors.js";
import type {
  ActionEvent,
  ChatAdapter,
  CommandEvent,
  InboundHandler,
  ModalResult,
  ModalSubmitEvent,
  Notice,
  ThreadMessageEvent,
} from "../../src/core/ports/chat.js";
import type { Message } from "../../src/core/types.js";
import type { ChannelRef, MessageRef, ThreadRef } from "../../src/core/vocabulary/refs.js";

/** A message a person sent, which the platform can deliver to the app again. */
export interface Delivery {
  /** The platform delivers the same message once more (Slack retries an event; Discord replays it). */
  redeliver(): Promise<void>;
}

/**
 * What the contract needs from one platform: the adapter, a fake of the platform's wire that a
 * person's actions are driven through (never the handler directly), and what a person sees there.
 */
export interface ContractSubject {
  adapter: ChatAdapter;
  channel: ChannelRef;
  /** A person, in the platform's user id format. */
  user: string;
  /** Another person, in the same format: one who must not see what is meant for `user`. */
  otherUser: string;

  // ---- what people see
  read(ref: MessageRef): { text: string; buttons: string[] };
  /** The messages in a thread, in order (the bot's; a person's where the platform lists them). */
  replies(thread: ThreadRef): MessageRef[];
  uploads(thread: ThreadRef): { name: string; bytes: Buffer }[];
  /** What the platform showed to `user` alone (ephemeral messages), or addressed to them. */
  noticesFor(user: string): string[];
  /** The text of every message everyone in the workspace can see: never an ephemeral one, nor a DM. */
  publicTexts(): string[];
  /**
   * What `user` sees in their direct messages with the bot, oldest first: the texts shown, the files
   * shared or attached there, and who those messages notify (as `notified` reads it). Empty when the
   * bot never wrote to them.
   */
  privateTo(user: string): { texts: string[]; files: { name: string; bytes: Buffer }[]; notified: string[] };
  modalsOpened(): { title: string; fields: string[] }[];
  /**
   * Who showing this message notifies, read from what the platform received by its own rules
   * (see pings.ts): user ids, `@everyone` / `@here` / `@channel`, groups and roles.
   */
  notified(ref: MessageRef): string[];
  /** The id of the message `thread` grows from, as the platform records it. */
  threadRoot(thread: ThreadRef): string | undefined;
  /**
   * The message a URL opens, read the way the platform's client reads it. Leave it out for a
   * platform without links to messages: its `linkTo` must then resolve undefined.
   */
  opens?: (url: string) => MessageRef | undefined;

  /**
   * People the platform refuses a direct message to, by why: each arranges it on the fake and
   * resolves with their id (in the platform's format) and what the rejection must name. For example
   * `unknown`, no such person here (Slack `user_not_found`, Discord 10013); `closed`, one who does
   * not accept direct messages from the app (Discord 50007); `bot`, the bot itself (Slack
   * `cannot_dm_bot`). At least one.
   */
  dmRefusals: Record<string, () => Promise<{ user: string; error: RegExp }>>;

  // ---- what people do, through the platform's wire
  click(user: string, ref: MessageRef, label: string): Promise<void>;
  submitLastModal(user: string, values: Record<string, string>): Promise<void>;
  /** `user` runs the platform's command in `channel` with `text` (Slack `/copilot`, Discord `/copilot prompt:`). */
  sendCommand(user: string, channel: ChannelRef, text: string): Promise<void>;
  /**
   * `user` posts `text` in `thread`. `mention: "bot"` mentions the bot the way the platform's client
   * writes a mention (before the text); `"other"` mentions `otherUser` instead.
   */
  sendThreadMessage(
    user: string,
    thread: ThreadRef,
    text: string,
    options?: { mention?: "bot" | "other" },
  ): Promise<Delivery>;
  /**
   * The platform delivers the bot's own posted message `ref` to the app, as it delivers every
   * message of a channel the app reads. Nothing to do where the platform did so when it was posted.
   */
  echoOwn(thread: ThreadRef, ref: MessageRef): Promise<void>;
  /** `user` posts `text` in `channel`, outside any thread; resolves with the message's id. */
  postAsUser(user: string, channel: ChannelRef, text: string): Promise<string>;
  /**
   * Spends the rate budget that interim posts to `thread` and interim edits of `ref` draw on, as the
   * platform counts it, so that the next of each is deferred. The budget comes back by itself, as
   * the platform's does (see spendUntilDeferred).
   */
  exhaustBudget(thread: ThreadRef, ref: MessageRef): Promise<void>;

  waitFor<T>(probe: () => T | undefined | false | null, what: string): Promise<T>;
  stop(): Promise<void>;
}

export type RecordedEvent = CommandEvent | ThreadMessageEvent | ActionEvent;

/**
 * Records inbound events, as the core receives them. A click on `contract.modal` opens a one-field
 * form; with `commandReply` set, every command is answered with it (as the core answers at once).
 */
export class RecordingHandler implements InboundHandler {
  readonly events: RecordedEvent[] = [];
  readonly modals: ModalSubmitEvent[] = [];
  adapter: ChatAdapter | undefined;
  commandReply: Notice | undefined;

  async handle(event: RecordedEvent): Promise<void> {
    this.events.push(event);
    if (event.type === "command" && this.commandReply !== undefined) await event.reply(this.commandReply);
    if (event.type === "action" && event.action === "contract.modal" && event.trigger) {
      await this.adapter?.openModal(event.trigger, {
        callback: "contract.form",
        meta: event.payload,
        title: "Contract form",
        submitLabel: "Send",
        fields: [{ id: "answer", label: "Your answer", multiline: true }],
      });
    }
  }

  async submitModal(event: ModalSubmitEvent): Promise<ModalResult> {
    this.modals.push(event);
    return undefined;
  }

  /** Thread messages whose text contains `marker`. */
  messages(marker: string): ThreadMessageEvent[] {
    return this.events.filter(
      (e): e is ThreadMessageEvent => e.type === "message" && e.text.includes(marker),
    );
  }

  /** Commands whose text contains `marker`. */
  commands(marker: string): CommandEvent[] {
    return this.events.filter((e): e is CommandEvent => e.type === "command" && e.text.includes(marker));
  }
}

/** A one-line message. */
export const line = (text: string): Message => ({
  blocks: [{ type: "line", inline: [text] }],
  summary: text,
});

/**
 * For `exhaustBudget`: sends interim updates (`send(1)`, `send(2)`, …) until the adapter defers one,
 * and returns that deferral. Fails when `max` updates went out first: `max` is the most the
 * platform's documented limits let through in one burst, so an adapter that sends more has no
 * budget of its own, or a larger one than the platform.
 */
export async function spendUntilDeferred(
  send: (n: number) => Promise<unknown>,
  max: number,
  what: string,
): Promise<RateDeferred> {
  for (let n = 1; n <= max + 1; n++) {
    try {
      await send(n);
    } catch (error) {
      if (error instanceof RateDeferred) return error;
      throw error;
    }
  }
  throw new Error(`${max + 1} ${what} went out in one burst: none was deferred`);
}

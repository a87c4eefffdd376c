/**
 * What the Discord end-to-end tests do as people in the fake guild, and what they wait for: one
 * definition of each step, built from a running {@link BridgeHarness} that serves Discord (`useBridge`
 * in fixture.ts makes one for its `discordOwner`).
 */
import {
  type DiscordMessage,
  type FakeDiscord,
  type InteractionHandle,
  messageButtons,
  messageText,
} from "../fakes/discord/index.js";
import type { BridgeHarness } from "./harness.js";

export interface Button {
  custom_id: string;
  label: string;
}

/** The buttons of a message, in its action rows or a Components V2 layout (none once a card is closed). */
export function buttons(m: DiscordMessage): Button[] {
  return messageButtons(m).flatMap((b) =>
    b.custom_id !== undefined && b.label !== undefined ? [{ custom_id: b.custom_id, label: b.label }] : [],
  );
}

/** The custom_id of the button labelled `label`; throws if the card has none. */
export function buttonId(card: DiscordMessage, label: string): string {
  const b = buttons(card).find((x) => x.label === label);
  if (!b) throw new Error(`no "${label}" button on the card: ${messageText(card)}`);
  return b.custom_id;
}

/** The request id a card's button carries (`ccb:<action>:<requestId>`), from a button without a detail. */
export function requestIdOf(card: DiscordMessage, label = "Approve once"): string {
  const id = /^ccb:[a-z_.]+:(.+)$/.exec(buttonId(card, label))?.[1];
  if (!id) throw new Error(`no request id in the card's buttons: ${JSON.stringify(card.components)}`);
  return id;
}

export class DiscordDriver {
  /** `owner` is the user who starts sessions, speaks and runs commands unless told otherwise. */
  constructor(
    private readonly h: BridgeHarness,
    readonly owner: string,
  ) {}

  private get d(): FakeDiscord {
    return this.h.discord;
  }

  /** `author` mentions the bot in the channel with `prompt`; resolves with the id of the thread it opens. */
  async start(prompt: string, author = this.owner): Promise<string> {
    const d = this.d;
    const m = await this.say(d.channelId, prompt, { author, mention: true });
    const thread = await d.waitFor(() => d.threads.find((t) => t.message_id === m.id), {
      what: "the thread",
    });
    return thread.id;
  }

  /** Posts `content` in a channel or thread (as the owner, without a mention, unless told otherwise). */
  say(
    channelId: string,
    content: string,
    opts: { author?: string; mention?: boolean } = {},
  ): Promise<DiscordMessage> {
    return this.d.sendMessage({
      author_id: opts.author ?? this.owner,
      channel_id: channelId,
      content,
      mention_bot: opts.mention ?? false,
    });
  }

  /**
   * A barrier in a thread whose turn is running (a card waits): the owner says `text` and this
   * resolves once the bridge says it is queued. The bridge posts in a thread in order, so whatever it
   * did there for earlier events (a card edit, a post) shows before this notice. `text` goes to
   * Copilot when the turn ends.
   */
  async queuedBehind(
    threadId: string,
    text = "a message while the turn waits",
  ): Promise<{ said: DiscordMessage; notice: DiscordMessage }> {
    const said = await this.say(threadId, text);
    const notice = await this.waitReply(threadId, /is queued \(1 waiting\)/, "the queue notice");
    return { said, notice };
  }

  /** The owner mentions the bot in the channel; resolves with the bot's reply to that message. */
  async mentionReply(content: string): Promise<DiscordMessage> {
    const d = this.d;
    const m = await this.say(d.channelId, content, { mention: true });
    return d.waitFor(
      () =>
        d.channelMessages(d.channelId).find((x) => x.author.bot && x.message_reference?.message_id === m.id),
      { what: "the bot's reply to the mention", timeoutMs: 20_000 },
    );
  }

  /** `user` (the owner unless told otherwise) clicks the button labelled `label` on `card`. */
  click(card: DiscordMessage, label: string, user = this.owner): Promise<InteractionHandle> {
    return this.d.clickButton({ user_id: user, message_id: card.id, custom_id: buttonId(card, label) });
  }

  /** The owner (or `user`) runs `/copilot prompt:<prompt>` in a channel or thread. */
  slash(channelId: string, prompt: string, user = this.owner): Promise<InteractionHandle> {
    return this.d.slashCommand({
      user_id: user,
      channel_id: channelId,
      options: [{ name: "prompt", type: 3, value: prompt }],
    });
  }

  /** The bot's messages in a thread (or channel), edits in place. */
  replies(threadId: string): DiscordMessage[] {
    return this.d.channelMessages(threadId).filter((m) => m.author.bot);
  }

  /** The bot's permission cards in a thread, open or closed (by their 🔐). */
  cards(threadId: string): DiscordMessage[] {
    return this.replies(threadId).filter((m) => /🔐/.test(messageText(m)));
  }

  waitReply(threadId: string, match: RegExp, what = `a reply matching ${match}`): Promise<DiscordMessage> {
    return this.d.waitFor(() => this.replies(threadId).find((m) => match.test(messageText(m))), {
      what,
      timeoutMs: 20_000,
    });
  }

  /** The permission card in a thread: a bot message with an "Approve once" button. */
  waitCard(threadId: string, what = "the card"): Promise<DiscordMessage> {
    return this.d.waitFor(
      () => this.replies(threadId).find((m) => buttons(m).some((b) => b.label === "Approve once")),
      { what, timeoutMs: 20_000 },
    );
  }

  /** Waits until the card has lost its buttons (and, given `match`, its text matches). */
  waitClosed(
    card: DiscordMessage,
    opts: { match?: RegExp; what?: string; timeoutMs?: number } = {},
  ): Promise<DiscordMessage> {
    const { match, timeoutMs = 20_000 } = opts;
    const what = opts.what ?? (match ? `the card to close with ${match}` : "the card to close");
    return this.d.waitFor(
      () => (buttons(card).length === 0 && (!match || match.test(messageText(card))) ? card : undefined),
      { what, timeoutMs },
    );
  }

  /** The ephemeral text the clicker of `handle` was shown (initial reply, deferred edit or follow-up). */
  ephemeralTo(
    handle: InteractionHandle,
    match: RegExp,
    what = `an ephemeral matching ${match}`,
  ): Promise<DiscordMessage> {
    return this.d.waitFor(
      () =>
        this.d.ephemeralMessages.find(
          (m) => m.interaction_id === handle.interactionId && match.test(messageText(m)),
        ),
      { what },
    );
  }

  /** Whether a model request (from the `from`-th on) carried `text`. */
  modelSaw(text: string, from = 0): boolean {
    return this.h.model.requests.slice(from).some((r) => JSON.stringify(r.messages).includes(text));
  }

  /** Waits (the fake's default 10 s) until a model request carried `text`, e.g. a slow turn has started. */
  waitModelSaw(text: string, what = `the model to be sent ${JSON.stringify(text)}`): Promise<true> {
    return this.d.waitFor(() => this.modelSaw(text) || undefined, { what });
  }
}

import type {
  ButtonInteraction,
  ChatInputCommandInteraction,
  InteractionEditReplyOptions,
  InteractionReplyOptions,
  InteractionUpdateOptions,
  ModalSubmitInteraction,
} from "discord.js";
import { type APIModalInteractionResponseCallbackData, MessageFlags } from "discord-api-types/v10";

type AnyInteraction = ButtonInteraction | ModalSubmitInteraction | ChatInputCommandInteraction;

/**
 * One interaction's response state. Discord wants exactly one initial response within 3 s (a reply,
 * a deferral, an update or a modal) and follow-ups after it; this keeps the calls in that order.
 */
export class PendingInteraction {
  private responded = false;
  private deferredReply = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly interaction: AnyInteraction) {}

  get id(): string {
    return this.interaction.id;
  }

  /** An ephemeral note to the person who clicked or typed. */
  ephemeral(content: string): Promise<void> {
    return this.serial(async () => {
      const body = {
        content: content.slice(0, 2000),
        allowedMentions: { parse: [] },
      } satisfies InteractionEditReplyOptions & InteractionReplyOptions;
      if (this.deferredReply) {
        await this.interaction.editReply(body);
        this.deferredReply = false;
      } else if (this.responded) {
        await this.interaction.followUp({ ...body, flags: MessageFlags.Ephemeral });
      } else {
        await this.interaction.reply({ ...body, flags: MessageFlags.Ephemeral });
      }
      this.responded = true;
    });
  }

  /**
   * Answers a click by replacing the clicked message with `body` (one call, type 7), if nothing
   * answered it yet; false otherwise (the caller then edits the message as usual).
   */
  update(body: InteractionUpdateOptions): Promise<boolean> {
    let updated = false;
    return this.serial(async () => {
      if (this.responded || !this.interaction.isButton()) return;
      this.responded = true;
      updated = true;
      await this.interaction.update(body);
    }).then(() => updated);
  }

  /** Acknowledges a component or modal without changing anything, if nothing else answered it. */
  acknowledge(): Promise<void> {
    return this.serial(async () => {
      if (this.responded || this.interaction.isChatInputCommand()) return;
      this.responded = true;
      await this.interaction.deferUpdate();
    });
  }

  /** "Thinking…" for a command, answered later by `ephemeral` or `finish`. */
  defer(): Promise<void> {
    return this.serial(async () => {
      if (this.responded) return;
      this.responded = true;
      this.deferredReply = true;
      await this.interaction.deferReply({ flags: MessageFlags.Ephemeral });
    });
  }

  /** Closes a deferred command reply with `content` if nothing else was said. */
  finish(content: string): Promise<void> {
    if (!this.deferredReply) return Promise.resolve();
    return this.ephemeral(content);
  }

  showModal(modal: APIModalInteractionResponseCallbackData): Promise<void> {
    return this.serial(async () => {
      if (this.responded || this.interaction.isModalSubmit()) {
        throw new Error("a form can only be opened as the first answer to a click");
      }
      this.responded = true;
      await this.interaction.showModal(modal);
    });
  }

  private serial(task: () => Promise<void>): Promise<void> {
    const next = this.chain.then(task);
    this.chain = next.catch(() => {
      // The chain only orders the steps; each step reports its own failure.
    });
    return next;
  }
}

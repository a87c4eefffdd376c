import { said } from "./messages.js";
import type { Message } from "./types.js";

const continueHint = "Reply in this thread to continue.";

/**
 * What the thread has shown of the running turn, so that a turn never ends in silence: when it ends
 * without a reply from Copilot and nothing else said why, one line says why and how to go on.
 */
export class TurnLog {
  private replied = false;
  private explained = false;
  private denied = false;

  /** A new turn starts. */
  begin(): void {
    this.replied = false;
    this.explained = false;
    this.denied = false;
  }

  /** Copilot wrote a reply in this turn. */
  reply(): void {
    this.replied = true;
  }

  /** A request was denied without a reason: the runtime ends the turn (as the Copilot CLI does). */
  deniedPlainly(): void {
    this.denied = true;
  }

  /** The thread already said why the turn ends (a stop, an error): no second line. */
  explainedElsewhere(): void {
    this.explained = true;
  }

  /** The line that closes a turn that ended without a reply, if one is due. */
  endLine(): Message | undefined {
    if (this.replied || this.explained) return undefined;
    return this.denied
      ? said(
          [
            `⛔ Copilot stopped this turn because the request was denied. ${continueHint} (say what to do instead)`,
          ],
          "Copilot stopped: the request was denied",
        )
      : said([`⏹️ This turn ended without a reply from Copilot. ${continueHint}`], "The turn ended");
  }
}

/** A turn that was running when the bridge or its Copilot runtime stopped, and died with it. */
export function interruptedLine(): Message {
  return said(
    [
      `⚠️ The turn that was running was interrupted when the bridge or the Copilot runtime restarted. ${continueHint}`,
    ],
    "The turn was interrupted by a restart",
  );
}

/** Appended to lines that end a turn (a stop, an error). */
export const turnContinues = ` ${continueHint}`;

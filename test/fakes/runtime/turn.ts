import { randomUUID } from "node:crypto";
import type { FakeRuntimeSession, Turn, TurnScript } from "./types.js";

/** The default turn: `You said: <prompt>`, then idle. */
export const echoTurn: TurnScript = (turn) => {
  turn.reply(`You said: ${turn.prompt}`);
  turn.idle();
};

interface Emitter {
  emit(sessionId: string, type: string, data?: unknown, extra?: { ephemeral?: boolean }): void;
  emitRaw(sessionId: string, event: unknown): void;
}

/**
 * Runs `script` for one `session.send`, a few ms later: after the answer to the request has been
 * written, as the real runtime orders them. A script that throws ends the turn with `session.error`.
 */
export function runTurn(
  rt: Emitter,
  script: TurnScript,
  session: FakeRuntimeSession,
  prompt: string,
  messageId: string,
): void {
  const turn: Turn = {
    session,
    prompt,
    messageId,
    emit: (type, data, extra) => rt.emit(session.id, type, data, extra),
    emitRaw: (event) => rt.emitRaw(session.id, event),
    reply: (text, opts) => {
      const id = randomUUID();
      if (opts?.stream) rt.emit(session.id, "assistant.message_delta", { messageId: id, deltaContent: text });
      rt.emit(session.id, "assistant.message", { messageId: id, content: text });
    },
    idle: () => rt.emit(session.id, "session.idle", {}),
  };
  setTimeout(() => {
    Promise.resolve()
      .then(() => script(turn))
      .catch((error: unknown) => {
        rt.emit(session.id, "session.error", {
          errorType: "fake",
          message: `fake runtime turn failed: ${error}`,
        });
      });
  }, 5);
}

import { errorText } from "./errors.js";
import { turnContinues } from "./turn.js";
import type { Message } from "./types.js";
import type { AgentEvent } from "./vocabulary/agent-event.js";

/**
 * What a session says in its thread about the runtime's events and its own mishaps: a session that
 * could not be resumed, a message written on GitHub, an error, a runtime notice, queued messages that
 * could not be sent.
 */

/** The session could not be resumed after a restart; the next reply starts a new one. */
export function lostLine(reason: string): Message {
  return {
    blocks: [
      {
        type: "line",
        inline: [
          "⚠️ ",
          { bold: "This Copilot session could not be resumed after a restart" },
          ` (${reason}). Reply in this thread to start a new session here.`,
        ],
      },
    ],
    summary: "This Copilot session could not be resumed",
  };
}

/** Someone steering the session from GitHub wrote to it. */
export function fromGitHubLine(text: string): Message {
  return {
    blocks: [{ type: "line", inline: ["📱 ", { bold: "From GitHub" }, ": ", shorten(text, 1500)] }],
    summary: `From GitHub: ${text.slice(0, 200)}`,
  };
}

/** The runtime reported an error in the running turn. */
export function copilotErrorLine(message: string): Message {
  return {
    blocks: [{ type: "line", inline: ["⚠️ ", { bold: "Copilot error: " }, message, turnContinues] }],
    summary: `Copilot error: ${message}`,
  };
}

/** A warning or information from the runtime, with the link it gave, if any. */
export function runtimeNoticeLine(notice: Extract<AgentEvent, { type: "notice" }>): Message {
  return {
    blocks: [
      {
        type: "context",
        inline: [
          notice.level === "warning" ? "⚠️ " : "ℹ️ ",
          notice.message,
          ...(notice.url ? [" ", notice.url] : []),
        ],
      },
    ],
    summary: notice.message,
  };
}

/** The messages queued during a turn could not be sent once it ended. */
export function queuedNotSentLine(error: unknown): Message {
  return {
    blocks: [
      {
        type: "line",
        inline: [
          "⚠️ Could not send the queued messages: ",
          errorText(error),
          ". They stay queued and go with your next message.",
        ],
      },
    ],
    summary: "Could not send the queued messages",
  };
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

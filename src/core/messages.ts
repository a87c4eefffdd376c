import type { AgentMode, Message, UserRef } from "./types.js";

/** Bridge-authored texts, in one place. */

export const usage = [
  "Usage: `/copilot <what you want Copilot to do>` starts a Copilot session in a new thread.",
  "Reply in the thread to continue the session. `/copilot help` shows this text.",
].join("\n");

export function sessionHeader(owner: UserRef, prompt: string, workdir: string, mode: AgentMode): Message {
  return {
    blocks: [
      { type: "line", inline: ["🤖 ", { bold: "Copilot session" }, " started by ", { user: owner }] },
      { type: "markdown", text: quote(prompt) },
      { type: "context", inline: ["Mode: ", { code: mode }, " · Working directory: ", { code: workdir }] },
    ],
    summary: `Copilot session: ${prompt.slice(0, 100)}`,
  };
}

export function notice(text: string): Message {
  return { blocks: [{ type: "context", inline: [text] }], summary: text };
}

export function failure(what: string, reason: string): Message {
  return {
    blocks: [{ type: "line", inline: ["⚠️ ", { bold: what }, ` ${reason}`] }],
    summary: `${what} ${reason}`,
  };
}

function quote(text: string): string {
  const shown = text.length > 500 ? `${text.slice(0, 500)}…` : text;
  return shown
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
}

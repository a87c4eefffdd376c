import type { ChatLimits } from "../../src/core/ports/chat.js";

/** Slack's limits, in one table (https://api.slack.com/reference/block-kit). */
export const slackLimits = {
  /** A section block's text. */
  sectionChars: 3000,
  blocksPerMessage: 50,
  /** The top-level `text` of a message (Slack truncates at 40,000). */
  fallbackTextChars: 3000,
  buttonValueChars: 2000,
  actionIdChars: 255,
  /** Model text per message: several sections at most, well inside the 50-block limit. */
  messageChars: 3500,
  cardCodeChars: 1500,
} as const;

export const slackChatLimits: ChatLimits = {
  messageChars: slackLimits.messageChars,
  cardCodeChars: slackLimits.cardCodeChars,
  messagesPerReply: 6,
};

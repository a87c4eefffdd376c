import type { ChatLimits } from "../../src/core/ports/chat.js";

/** Discord's limits, in one table (https://discord.com/developers/docs/resources/message). */
export const discordLimits = {
  contentChars: 2000,
  /** All text displays of a Components V2 message together. */
  cardTextChars: 4000,
  customIdChars: 100,
  buttonsPerRow: 5,
  rowsPerMessage: 5,
  buttonLabelChars: 80,
  threadNameChars: 100,
  modalTitleChars: 45,
  /** Model text per message, leaving room for the code-fence repair the chunker may add. */
  messageChars: 1900,
  cardCodeChars: 700,
} as const;

export const discordChatLimits: ChatLimits = {
  messageChars: discordLimits.messageChars,
  cardCodeChars: discordLimits.cardCodeChars,
  messagesPerReply: 4,
};

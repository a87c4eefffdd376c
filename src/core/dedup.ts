import type { Uses } from "./context.js";
import type { ActionEvent, CommandEvent, ThreadMessageEvent } from "./ports/chat.js";

/**
 * Whether a delivery's id is remembered for de-duplication: commands and clicks always; a thread
 * message only in a thread the bridge has a session for, live or ended. Every other message in
 * every channel the bot can see is none of its business and leaves no row behind.
 */
export async function remembersDelivery(
  ctx: Uses<"sessions" | "store">,
  event: CommandEvent | ThreadMessageEvent | ActionEvent,
): Promise<boolean> {
  if (event.type !== "message") return true;
  if (ctx.sessions.get(event.thread.key)) return true;
  return (await ctx.store.getThread(event.thread.key)) !== undefined;
}

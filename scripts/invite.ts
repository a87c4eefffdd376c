/**
 * `npm run invite`: prints the URL that adds the bot to a Discord server with exactly the
 * permissions it needs. Reads DISCORD_APPLICATION_ID, or derives it from DISCORD_BOT_TOKEN.
 */
import { existsSync } from "node:fs";
import { applicationIdFromToken, inviteUrl } from "../adapters/discord/invite.js";

if (existsSync(".env")) process.loadEnvFile(".env");
const id =
  process.env.DISCORD_APPLICATION_ID?.trim() || applicationIdFromToken(process.env.DISCORD_BOT_TOKEN ?? "");
if (!id) {
  process.stderr.write("Set DISCORD_APPLICATION_ID (or DISCORD_BOT_TOKEN) to print the invite URL.\n");
  process.exit(2);
}
process.stdout.write(`${inviteUrl(id)}\n`);

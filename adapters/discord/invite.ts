import { OAuth2Scopes, PermissionFlagsBits } from "discord.js";

/** Exactly what the bridge needs in a server: read and answer in channels and threads, open threads, attach files. */
export const requiredPermissions =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AttachFiles;

/** The application id a bot token belongs to: its first segment is the base64 of the bot's user id. */
export function applicationIdFromToken(token: string): string | undefined {
  const first = token.split(".")[0] ?? "";
  const id = Buffer.from(first, "base64").toString("utf8");
  return /^\d{17,20}$/.test(id) ? id : undefined;
}

export function inviteUrl(applicationId: string): string {
  const url = new URL("https://discord.com/oauth2/authorize");
  url.searchParams.set("client_id", applicationId);
  url.searchParams.set("scope", [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join(" "));
  url.searchParams.set("permissions", requiredPermissions.toString());
  return url.toString();
}

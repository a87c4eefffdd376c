import type { RawFile, REST, RESTOptions } from "discord.js";
import {
  ChannelType,
  type RESTPatchAPIChannelMessageJSONBody,
  type RESTPostAPIChannelMessageJSONBody,
  type RESTPostAPIChannelMessagesThreadsJSONBody,
  type RESTPostAPICurrentUserCreateDMChannelJSONBody,
  type RESTPutAPIApplicationCommandsJSONBody,
  Routes,
  type Snowflake,
} from "discord-api-types/v10";
import { z } from "zod";

/**
 * The REST calls the adapter makes, each with Discord's own body type: `rest.post` and friends take
 * any `body`, so a malformed message would otherwise reach Discord (or the fake) unchecked.
 */

/**
 * @discordjs/rest answers every route with `unknown`. Of a created message or thread the adapter
 * reads only the id, so that is what is checked.
 */
const created = z.object({ id: z.string() });

export async function postMessage(
  rest: REST,
  channel: Snowflake,
  body: RESTPostAPIChannelMessageJSONBody,
  files?: RawFile[],
): Promise<{ id: Snowflake }> {
  const answer = await rest.post(Routes.channelMessages(channel), files ? { body, files } : { body });
  return created.parse(answer);
}

export async function editMessage(
  rest: REST,
  channel: Snowflake,
  message: Snowflake,
  body: RESTPatchAPIChannelMessageJSONBody,
): Promise<void> {
  await rest.patch(Routes.channelMessage(channel, message), { body });
}

/** Shows "Copilot is typing…" in the channel for about 10 s (or until the bot posts). */
export async function triggerTyping(rest: REST, channel: Snowflake): Promise<void> {
  await rest.post(Routes.channelTyping(channel));
}

/** A public thread grown from a message. */
export async function startThread(
  rest: REST,
  channel: Snowflake,
  message: Snowflake,
  body: RESTPostAPIChannelMessagesThreadsJSONBody,
): Promise<{ id: Snowflake }> {
  return created.parse(await rest.post(Routes.threads(channel, message), { body }));
}

/** Of a DM channel the adapter reads its id, and that it is one (type 1). */
const dmChannel = z.object({ id: z.string(), type: z.literal(ChannelType.DM) });

/**
 * The bot's DM channel with a person (Discord gives the same one each time). Opening it succeeds
 * even when they do not accept direct messages: the first message sent there fails (50007).
 */
export async function createDm(rest: REST, recipient: Snowflake): Promise<{ id: Snowflake }> {
  const body: RESTPostAPICurrentUserCreateDMChannelJSONBody = { recipient_id: recipient };
  return dmChannel.parse(await rest.post(Routes.userChannels(), { body }));
}

/** Replaces the application's commands, in one guild or (without `guild`) globally. */
export async function putCommands(
  rest: REST,
  application: Snowflake,
  guild: Snowflake | undefined,
  body: RESTPutAPIApplicationCommandsJSONBody,
): Promise<void> {
  const route = guild
    ? Routes.applicationGuildCommands(application, guild)
    : Routes.applicationCommands(application);
  await rest.put(route, { body });
}

/**
 * Node's global `fetch` as discord.js's request function. @discordjs/rest types `init` with its own
 * copy of undici, whose `dispatcher` type Node's `fetch` typing rejects, though the documented way
 * to use global fetch is to pass `fetch` itself. `dispatcher` is only set when a REST agent is, and
 * the bridge sets none, so it is always unset here and is left out; the rest of `init` passes as is.
 */
export const globalFetch: RESTOptions["makeRequest"] = (url, { dispatcher: _unset, ...init }) =>
  fetch(url, init);

/**
 * INTERACTION_CREATE payloads as Discord sends them to a bot: button clicks (type 3), modal submits
 * (type 5) and slash commands (type 2). Clicks and submits are checked against what a person could
 * actually do: the button must exist and be enabled, the modal must have been shown.
 */
import { randomBytes } from "node:crypto";
import { apiChannel, apiMember, apiMessage, MEMBER_PERMISSIONS } from "./objects.js";
import type { Ctx } from "./routes.js";
import type { Interaction } from "./state.js";

export interface ClickInput {
  user_id: string;
  message_id: string;
  custom_id: string;
}

export interface ModalInput {
  user_id: string;
  channel_id: string;
  custom_id: string;
  fields: Record<string, string>;
}

export interface SlashInput {
  user_id: string;
  channel_id: string;
  name?: string;
  options?: { name: string; type: number; value: string | number | boolean }[];
}

// biome-ignore lint/suspicious/noExplicitAny: component JSON
type Json = any;

function register(
  ctx: Ctx,
  type: number,
  channelId: string,
  userId: string,
  messageId?: string,
): Interaction {
  const { state } = ctx;
  if (!state.hasChannel(channelId)) throw new Error(`FakeDiscord: unknown channel ${channelId}`);
  const id = state.nextId();
  const i: Interaction = {
    id,
    token: `aW50ZXJhY3Rpb246${id}:${randomBytes(24).toString("base64url")}`,
    type,
    channel_id: channelId,
    user_id: userId,
    ...(messageId !== undefined ? { message_id: messageId } : {}),
    createdAt: Date.now(),
  };
  state.addInteraction(i);
  state.member(userId);
  return i;
}

function envelope(ctx: Ctx, i: Interaction, data: Json) {
  const { state } = ctx;
  return {
    id: i.id,
    application_id: state.id.applicationId,
    type: i.type,
    token: i.token,
    version: 1,
    data,
    guild_id: state.id.guildId,
    guild: { id: state.id.guildId, locale: "en-US", features: [] },
    channel_id: i.channel_id,
    channel: apiChannel(state, i.channel_id),
    member: { ...apiMember(state, i.user_id), permissions: MEMBER_PERMISSIONS },
    app_permissions: MEMBER_PERMISSIONS,
    locale: "en-US",
    guild_locale: "en-US",
    entitlements: [],
    authorizing_integration_owners: { "0": state.id.guildId },
    context: 0,
    attachment_size_limit: 10 * 1024 * 1024,
  };
}

function buttonsOf(components: Json[]): Json[] {
  return components.flatMap((c: Json) => [
    ...(c?.type === 2 ? [c] : []),
    ...(Array.isArray(c?.components) ? buttonsOf(c.components) : []),
    ...(c?.accessory?.type === 2 ? [c.accessory] : []),
  ]);
}

export function buttonClick(ctx: Ctx, p: ClickInput) {
  const m = ctx.state.findAnyMessage(p.message_id);
  if (m === undefined) throw new Error(`FakeDiscord.clickButton: no message ${p.message_id}`);
  const buttons = buttonsOf(m.components);
  const button = buttons.find((b) => b.custom_id === p.custom_id);
  if (button === undefined) {
    const shown = buttons.map((b) => b.custom_id ?? b.url).join(", ") || "none";
    throw new Error(
      `FakeDiscord.clickButton: message ${m.id} has no button "${p.custom_id}" (buttons: ${shown})`,
    );
  }
  if (button.disabled === true)
    throw new Error(`FakeDiscord.clickButton: button "${p.custom_id}" is disabled`);
  const i = register(ctx, 3, m.channel_id, p.user_id, m.id);
  const payload = {
    ...envelope(ctx, i, { custom_id: p.custom_id, component_type: 2 }),
    message: apiMessage(ctx.state, ctx.baseUrl, m),
  };
  return { i, payload };
}

export function modalSubmit(ctx: Ctx, p: ModalInput) {
  const { state } = ctx;
  const shown = state.interactionReplies
    .filter((r) => r.type === 9 && r.data?.custom_id === p.custom_id)
    .at(-1);
  if (shown === undefined) throw new Error(`FakeDiscord.submitModal: no modal "${p.custom_id}" was shown`);
  const origin = state.interactions.get(shown.interactionId);
  const known = new Set<string>();
  const input = (c: Json) => {
    known.add(c.custom_id);
    return { type: 4, id: c.id, custom_id: c.custom_id, value: p.fields[c.custom_id] ?? "" };
  };
  const components = (shown.data.components as Json[]).map((row: Json) =>
    row?.type === 18
      ? { type: 18, id: row.id, component: row.component?.type === 4 ? input(row.component) : row.component }
      : {
          type: row?.type ?? 1,
          id: row?.id,
          components: (row?.components ?? []).filter((c: Json) => c?.type === 4).map(input),
        },
  );
  const extra = Object.keys(p.fields).filter((k) => !known.has(k));
  if (extra.length > 0)
    throw new Error(`FakeDiscord.submitModal: modal "${p.custom_id}" has no field ${extra.join(", ")}`);
  const message = origin?.message_id === undefined ? undefined : state.findAnyMessage(origin.message_id);
  const i = register(ctx, 5, p.channel_id, p.user_id, message?.id);
  const payload = {
    ...envelope(ctx, i, { custom_id: p.custom_id, components }),
    ...(message !== undefined ? { message: apiMessage(state, ctx.baseUrl, message) } : {}),
  };
  return { i, payload };
}

export function slashCommand(ctx: Ctx, p: SlashInput) {
  const name = p.name ?? "copilot";
  const cmd = ctx.state.commands.find((c) => c.name === name && (c.type ?? 1) === 1);
  const i = register(ctx, 2, p.channel_id, p.user_id);
  const data = {
    id: cmd?.id ?? ctx.state.nextId(),
    name,
    type: 1,
    ...(p.options !== undefined ? { options: p.options } : {}),
    ...(cmd?.guild_id !== undefined ? { guild_id: cmd.guild_id } : {}),
  };
  return { i, payload: envelope(ctx, i, data) };
}

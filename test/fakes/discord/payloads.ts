/**
 * INTERACTION_CREATE payloads as Discord sends them to a bot: button clicks (type 3), modal submits
 * (type 5) and slash commands (type 2). Clicks and submits are checked against what a person could
 * actually do: the button must exist and be enabled (also in a Components V2 container or section),
 * the modal must have been shown and the answers must fit it.
 */
import { randomBytes } from "node:crypto";
import { buttonsIn, ComponentType, withIds } from "./components.js";
import { apiChannel, apiMember, apiMessage, apiRoles, apiUser, MEMBER_PERMISSIONS } from "./objects.js";
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
  /**
   * Answers by component custom_id: a string for a text input (or a one-option select / radio
   * group), string[] for selects and checkbox groups (option values; user/role/channel ids),
   * null for an unanswered radio group, a boolean for a checkbox, files for a file upload.
   * Omitted fields get the modal's defaults (text inputs: "").
   */
  fields: Record<string, ModalValue>;
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

export function buttonClick(ctx: Ctx, p: ClickInput) {
  const m = ctx.state.findAnyMessage(p.message_id);
  if (m === undefined) throw new Error(`FakeDiscord.clickButton: no message ${p.message_id}`);
  const buttons = buttonsIn(m.components);
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
    ...envelope(ctx, i, {
      custom_id: p.custom_id,
      component_type: 2,
      ...(typeof button.id === "number" ? { id: button.id } : {}),
    }),
    message: apiMessage(ctx.state, ctx.baseUrl, m),
  };
  return { i, payload };
}

/** What a person enters in one modal field (see ModalInput.fields). */
export type ModalValue = string | string[] | boolean | null | ModalFile[];

/** A file a person uploads through a modal's File Upload. */
export interface ModalFile {
  name: string;
  bytes: Buffer;
  contentType?: string;
}

const isFiles = (v: ModalValue | undefined): v is ModalFile[] =>
  Array.isArray(v) && v.every((x: unknown) => typeof x === "object" && x !== null && "bytes" in x);
const isStrings = (v: ModalValue | undefined): v is string[] =>
  Array.isArray(v) && v.every((x: unknown) => typeof x === "string");

/**
 * Builds the modal submit (interaction type 5) for a modal the bot showed. Its `data.components`
 * mirror the modal with the person's answers, as discord-api-types `APIModalSubmission` has them
 * (payloads/v10/_interactions/modalSubmit.d.ts) and the Component Reference shows them: an action
 * row `{type: 1, id, components: [{type: 4, id, custom_id, value}]}`, a label `{type: 18, id,
 * component: {type, id, custom_id, value | values}}`, a text display `{type: 10, id}`; ids as
 * Discord numbers them when the modal had none. Text input `value` string; string/user/role/
 * mentionable/channel select, checkbox group and file upload `values` string[] (ids for the
 * auto-populated ones and uploads, with `data.resolved`); radio group `value` string | null;
 * checkbox `value` boolean.
 *
 * The answers must be ones the modal lets a person give: options it lists, counts within
 * min_values/max_values, required ones answered, members/roles/channels the fake knows. Text inputs
 * are taken as given (a missing one is "", as before). Anything else throws.
 */
export function modalSubmit(ctx: Ctx, p: ModalInput) {
  const { state } = ctx;
  const shown = state.interactionReplies
    .filter((r) => r.type === 9 && r.data?.custom_id === p.custom_id)
    .at(-1);
  if (shown === undefined) throw new Error(`FakeDiscord.submitModal: no modal "${p.custom_id}" was shown`);
  const origin = state.interactions.get(shown.interactionId);
  function fail(why: string): never {
    throw new Error(`FakeDiscord.submitModal: modal "${p.custom_id}": ${why}`);
  }
  const known = new Set<string>();
  const resolved: Record<string, Record<string, unknown>> = {};
  const resolve = (kind: string, id: string, value: unknown) => {
    resolved[kind] = { ...(resolved[kind] ?? {}), [id]: value };
  };
  const roles = apiRoles(state);

  /** A select's or group's values: given, or the defaults; then checked against min/max/required. */
  const picked = (c: Json, fallback: string[], min: number, max: number): string[] => {
    const v = p.fields[c.custom_id];
    const values = v === undefined ? fallback : typeof v === "string" ? [v] : isStrings(v) ? v : undefined;
    if (values === undefined) return fail(`field "${c.custom_id}" takes a value or a list of values`);
    if (values.length === 0 && c.required === false) return values;
    if (values.length < min || values.length > max)
      fail(`field "${c.custom_id}" takes ${min}-${max} values, got ${values.length}`);
    return values;
  };
  const counts = (c: Json, defaultMax: number): [number, number] => [
    typeof c.min_values === "number" ? c.min_values : 1,
    typeof c.max_values === "number" ? c.max_values : defaultMax,
  ];
  const options = (c: Json): Json[] => (Array.isArray(c.options) ? c.options : []);
  const optionValues = (c: Json, values: string[]) => {
    const offered = new Set(options(c).map((o) => o.value));
    const wrong = values.filter((v) => !offered.has(v));
    if (wrong.length > 0) fail(`field "${c.custom_id}" has no option ${wrong.join(", ")}`);
  };
  const defaults = (c: Json) =>
    options(c)
      .filter((o) => o.default === true)
      .map((o) => o.value as string);

  const answer = (c: Json): Json => {
    known.add(c.custom_id);
    const base = { type: c.type, id: c.id, custom_id: c.custom_id };
    const v = p.fields[c.custom_id];
    switch (c.type) {
      case ComponentType.TextInput:
        if (v !== undefined && typeof v !== "string") fail(`text input "${c.custom_id}" takes a string`);
        return { ...base, value: v ?? "" };
      case ComponentType.StringSelect: {
        const values = picked(c, defaults(c), ...counts(c, 1));
        optionValues(c, values);
        return { ...base, values };
      }
      case ComponentType.UserSelect:
      case ComponentType.RoleSelect:
      case ComponentType.MentionableSelect:
      case ComponentType.ChannelSelect: {
        const fallback = Array.isArray(c.default_values) ? c.default_values.map((d: Json) => d.id) : [];
        const values = picked(c, fallback, ...counts(c, 1));
        for (const id of values) {
          const role = roles.find((r) => r.id === id);
          const user = c.type !== ComponentType.RoleSelect && state.members.has(id);
          if (c.type === ComponentType.ChannelSelect) {
            const ch = apiChannel(state, id);
            if (ch === undefined) fail(`field "${c.custom_id}": no channel ${id}`);
            resolve("channels", id, { ...ch, permissions: MEMBER_PERMISSIONS });
          } else if (user) {
            resolve("users", id, apiUser(state, id));
            resolve("members", id, { ...apiMember(state, id, false), permissions: MEMBER_PERMISSIONS });
          } else if (role !== undefined && c.type !== ComponentType.UserSelect) {
            resolve("roles", id, role);
          } else
            fail(`field "${c.custom_id}": no ${c.type === ComponentType.RoleSelect ? "role" : "user"} ${id}`);
        }
        return { ...base, values };
      }
      case ComponentType.FileUpload: {
        if (v !== undefined && !isFiles(v)) fail(`file upload "${c.custom_id}" takes a list of files`);
        const files = isFiles(v) ? v : [];
        const [min, max] = counts(c, 1);
        if (!(files.length === 0 && c.required === false) && (files.length < min || files.length > max))
          fail(`field "${c.custom_id}" takes ${min}-${max} files, got ${files.length}`);
        const values = files.map((f) => {
          const a = state.attachment(f.name, f.bytes, f.contentType ? { content_type: f.contentType } : {});
          state.modalUploads.set(a.id, { channelId: p.channel_id, attachment: a });
          const url = `${ctx.baseUrl}/attachments/${p.channel_id}/${a.id}/${encodeURIComponent(a.filename)}`;
          resolve("attachments", a.id, {
            id: a.id,
            filename: a.filename,
            size: a.size,
            url,
            proxy_url: url,
            ephemeral: true,
            ...(a.content_type !== undefined ? { content_type: a.content_type } : {}),
          });
          return a.id;
        });
        return { ...base, values };
      }
      case ComponentType.RadioGroup: {
        if (v !== undefined && v !== null && typeof v !== "string")
          fail(`radio group "${c.custom_id}" takes one option value (or null)`);
        const value = v === undefined ? (defaults(c)[0] ?? null) : v;
        if (value === null && c.required !== false) fail(`radio group "${c.custom_id}" is required`);
        if (value !== null) optionValues(c, [value]);
        return { ...base, value };
      }
      case ComponentType.CheckboxGroup: {
        const values = picked(c, defaults(c), ...counts(c, options(c).length));
        optionValues(c, values);
        return { ...base, values };
      }
      case ComponentType.Checkbox:
        if (v !== undefined && typeof v !== "boolean") fail(`checkbox "${c.custom_id}" takes true or false`);
        return { ...base, value: v ?? c.default === true };
      default:
        return fail(`component type ${String(c.type)} cannot be answered`);
    }
  };

  const components = withIds((shown.data.components ?? []) as Json[]).map((top: Json) => {
    if (top.type === ComponentType.Label)
      return { type: top.type, id: top.id, component: answer(top.component) };
    if (top.type === ComponentType.ActionRow)
      return {
        type: top.type,
        id: top.id,
        components: (top.components ?? [])
          .filter((c: Json) => c?.type === ComponentType.TextInput)
          .map(answer),
      };
    return { type: top.type, id: top.id };
  });
  const extra = Object.keys(p.fields).filter((k) => !known.has(k));
  if (extra.length > 0)
    throw new Error(`FakeDiscord.submitModal: modal "${p.custom_id}" has no field ${extra.join(", ")}`);
  const message = origin?.message_id === undefined ? undefined : state.findAnyMessage(origin.message_id);
  const i = register(ctx, 5, p.channel_id, p.user_id, message?.id);
  const data = {
    custom_id: p.custom_id,
    components,
    ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
  };
  const payload = {
    ...envelope(ctx, i, data),
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

/**
 * Discord's documented message, modal and command limits. A violation is answered the way Discord
 * does: 400 `{code: 50035, message: "Invalid Form Body", errors: {<path>: {_errors: [{code,
 * message}]}}}` (interaction callbacks nest the path under `data`). Components, classic and
 * Components V2, are checked in components.ts.
 *
 * Components V2 (message flag IS_COMPONENTS_V2, 1 << 15), from discord-api-docs
 * developers/resources/message.mdx (snapshot c98d64b), "Create Message" and "Edit Message":
 * - "When the flag IS_COMPONENTS_V2 is set, the message can only contain components. Providing
 *   content, embeds, sticker_ids, poll, or shared_client_theme will fail with a 400": each is
 *   `<field>[MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2]: The '<field>' field cannot be used
 *   when using MessageFlags.IS_COMPONENTS_V2` (Discord's wording, as quoted in bots' bug reports).
 *   A `content` string counts even when empty (discord.js turns `content: null` into "", and
 *   Discord refuses that); the empty values the edit docs name, `content: null`, `embeds: []`,
 *   `sticker_ids: []`, `poll: null`, are accepted.
 * - "The IS_COMPONENTS_V2 flag can only be set": an edit whose `flags` lacks it on a V2 message is
 *   `flags[MESSAGE_CANNOT_REMOVE_COMPONENTS_V2_FLAG]` (the code Discord answers with; the message is
 *   the fake's), and its components are then checked as a classic message's, as Discord does
 *   (`components[0]` "must be one of (1,)"). An edit without `flags` keeps the flag.
 * - Setting the flag on a classic message by an edit: "any of the used content, embeds, sticker_ids,
 *   or poll fields must have their values reset to empty" in that edit, else 400 (here: the same
 *   legacy-field error on the field left set).
 * - A deferred reply (callback type 5) takes only EPHEMERAL; the V2 flag comes with the edit of
 *   @original (receiving-and-responding.mdx), which the fake handles as such an upgrade.
 */
import { checkMessageComponents, checkModalData, IS_COMPONENTS_V2 } from "./components.js";
import { type Path, Problems } from "./problems.js";

export { IS_COMPONENTS_V2 } from "./components.js";
export { type FormErrors, Problems } from "./problems.js";

export const MAX_CONTENT = 2000;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkEmbeds(embeds: unknown, p: Problems, prefix: Path): void {
  if (!Array.isArray(embeds)) return;
  const path = [...prefix, "embeds"];
  if (embeds.length > 10) p.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
  embeds.forEach((e, i) => {
    if (!isObject(e)) return;
    p.maxLength(e.title, [...path, i, "title"], 256);
    p.maxLength(e.description, [...path, i, "description"], 4096);
    if (Array.isArray(e.fields) && e.fields.length > 25)
      p.add([...path, i, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  });
}

const isV2 = (flags: unknown) => typeof flags === "number" && (flags & IS_COMPONENTS_V2) !== 0;
const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;

function legacyField(p: Problems, prefix: Path, field: string): void {
  p.add(
    [...prefix, field],
    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
    `The '${field}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2`,
  );
}

/** The fields a Components V2 message cannot carry, as the request sets them. */
function legacyFields(body: Json, p: Problems, prefix: Path): void {
  if (typeof body.content === "string") legacyField(p, prefix, "content");
  if (nonEmpty(body.embeds)) legacyField(p, prefix, "embeds");
  if (nonEmpty(body.sticker_ids)) legacyField(p, prefix, "sticker_ids");
  for (const field of ["poll", "shared_client_theme"])
    if (body[field] !== undefined && body[field] !== null) legacyField(p, prefix, field);
}

/**
 * Checks a new message's body (create, interaction reply type 4, webhook follow-up); `prefix` is
 * where Discord reports it (["data"] for interaction callbacks).
 */
export function checkMessage(body: Json, prefix: Path = []): Problems {
  const p = new Problems();
  const v2 = isV2(body.flags);
  if (v2) legacyFields(body, p, prefix);
  else {
    p.maxLength(body.content, [...prefix, "content"], MAX_CONTENT);
    checkEmbeds(body.embeds, p, prefix);
  }
  checkMessageComponents(body.components, v2, p, prefix);
  return p;
}

/** What an edit is checked against: the message as it stands. */
export interface EditTarget {
  flags?: number;
  content: string;
  embeds: unknown[];
}

/**
 * Checks an edit (REST PATCH, interaction update type 7, webhook edit) of message `m`: the V2 flag
 * stays once set, and a message that becomes V2 must drop its content and embeds in the same edit.
 */
export function checkEdit(body: Json, m: EditTarget, prefix: Path = []): Problems {
  const p = new Problems();
  const wasV2 = isV2(m.flags);
  const flags = typeof body.flags === "number" ? body.flags : undefined;
  if (wasV2 && flags !== undefined && !isV2(flags))
    p.add(
      [...prefix, "flags"],
      "MESSAGE_CANNOT_REMOVE_COMPONENTS_V2_FLAG",
      "The IS_COMPONENTS_V2 flag cannot be removed from a message",
    );
  if (wasV2 || isV2(flags)) {
    legacyFields(body, p, prefix);
    // Becoming V2: what the message still shows must be reset to empty in this very edit.
    if (!wasV2 && body.content === undefined && m.content !== "") legacyField(p, prefix, "content");
    if (!wasV2 && body.embeds === undefined && m.embeds.length > 0) legacyField(p, prefix, "embeds");
  } else {
    p.maxLength(body.content, [...prefix, "content"], MAX_CONTENT);
    checkEmbeds(body.embeds, p, prefix);
  }
  // The request's own flags decide how its components are read (flags: 0 → classic rules).
  checkMessageComponents(body.components, flags !== undefined ? isV2(flags) : wasV2, p, prefix);
  return p;
}

/** Discord's 50006: a new message needs content, an embed, a component, a file or a sticker. */
export function isEmptyMessage(body: Json, fileCount: number): boolean {
  const content = typeof body.content === "string" ? body.content.trim() : "";
  return (
    content === "" &&
    fileCount === 0 &&
    !nonEmpty(body.embeds) &&
    !nonEmpty(body.components) &&
    !nonEmpty(body.sticker_ids) &&
    body.poll === undefined
  );
}

/** Checks a modal (callback type 9 `data`); see components.ts. */
export function checkModal(data: Json): Problems {
  const p = new Problems();
  checkModalData(data, p);
  return p;
}

export function checkThreadName(name: unknown): Problems {
  const p = new Problems();
  p.between(name, ["name"], 1, 100);
  return p;
}

/** Checks one application command as PUT/POST sends it. */
export function checkCommand(cmd: unknown, p: Problems, path: (string | number)[] = []): void {
  if (!isObject(cmd)) {
    p.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    return;
  }
  const type = cmd.type ?? 1;
  if (typeof cmd.name !== "string" || (type === 1 && !/^[-_\p{Ll}\p{N}]{1,32}$/u.test(cmd.name)))
    p.add([...path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
  if (type === 1) p.between(cmd.description, [...path, "description"], 1, 100);
  if (Array.isArray(cmd.options) && cmd.options.length > 25)
    p.add([...path, "options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
}

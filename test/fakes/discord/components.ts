/**
 * Message and modal components, checked the way Discord checks them: classic messages (action rows
 * only), Components V2 messages (flag IS_COMPONENTS_V2) and modals (Label, Text Display, and the
 * deprecated action row of text inputs).
 *
 * Where the rules come from:
 * - Type numbers and field names: discord-api-types 0.38.57, payloads/v10/message.d.ts
 *   (`ComponentType`: ActionRow 1, Button 2, StringSelect 3, TextInput 4, UserSelect 5, RoleSelect 6,
 *   MentionableSelect 7, ChannelSelect 8, Section 9, TextDisplay 10, Thumbnail 11, MediaGallery 12,
 *   File 13, Separator 14, Container 17, Label 18, FileUpload 19, RadioGroup 21, CheckboxGroup 22,
 *   Checkbox 23; `MessageFlags.IsComponentsV2` = 32768; `APIMessageTopLevelComponent`,
 *   `APIComponentInContainer`, `APISectionAccessoryComponent`, `APIComponentInLabel`;
 *   `APITextInputComponent.label` "Cannot be used in a label component"). The test file checks
 *   these numbers against the installed enum.
 * - Limits: Discord's Component Reference (discord/discord-api-docs developers/components/reference.mdx,
 *   snapshot c98d64b): custom_id 1-100 and unique per message; action row = up to 5 buttons or one
 *   select; button label ≤ 80, url ≤ 512; select options ≤ 25 (label/value/description ≤ 100),
 *   placeholder ≤ 150, min_values 0-25, max_values ≤ 25, "min_values must be either omitted or at
 *   least 1 if required is omitted or true", "Using disabled in a modal will result in an error",
 *   default_values within min/max; section = 1-3 text displays + a button or thumbnail accessory;
 *   thumbnail only as a section accessory; media gallery 1-10 items, alt text ≤ 1024; file only
 *   `attachment://` URLs; separator spacing 1|2; container children: action row, text display,
 *   section, media gallery, separator, file; label ≤ 45, description ≤ 100; text input
 *   min_length 0-4000, max_length 1-4000, value ≤ 4000, placeholder ≤ 100; file upload
 *   min_values 0-10, max_values ≤ 10, file_types ≤ 10; radio group 2-10 options; checkbox group 1-10
 *   options, min_values 0-10, max_values 1-10; component `id` a 32-bit integer unique in the message.
 *   Components V2: "Messages allow up to 40 total components"; the 4000-character total of text
 *   displays is from discord.js's guide and discord-api-docs PR #8562 ("may total up to 4000").
 *   Modals: 1-5 components, title ≤ 45 (receiving-and-responding.mdx, "Modal").
 *
 * Error codes: BASE_TYPE_REQUIRED / _MAX_LENGTH / _BAD_LENGTH / _CHOICES, NUMBER_TYPE_MIN / _MAX,
 * UNION_TYPE_CHOICES ('Value of field "type" must be one of (1,).'), MODEL_TYPE_CONVERT,
 * COMPONENT_CUSTOM_ID_DUPLICATED, COMPONENT_LAYOUT_WIDTH_EXCEEDED and
 * SELECT_COMPONENT_OPTION_VALUE_DUPLICATED are codes Discord answers with. Discord documents the rule
 * but not the code for: more than 40 components (MAX_COMPONENTS_EXCEEDED here), more than 4000
 * characters of text (MAX_TEXT_DISPLAY_LENGTH_EXCEEDED), a repeated component id
 * (COMPONENT_ID_DUPLICATED), `disabled` in a modal (MODAL_COMPONENT_DISABLED), a text input `label`
 * inside a Label (TEXT_INPUT_LABEL_IN_LABEL) and a File component not pointing at an attachment
 * (UNFURLED_MEDIA_ITEM_ATTACHMENT_REQUIRED): those names are the fake's own.
 */
import { type Path, type Problems, tuple } from "./problems.js";

/** discord-api-types `ComponentType` (payloads/v10/message.d.ts). */
export const ComponentType = {
  ActionRow: 1,
  Button: 2,
  StringSelect: 3,
  TextInput: 4,
  UserSelect: 5,
  RoleSelect: 6,
  MentionableSelect: 7,
  ChannelSelect: 8,
  Section: 9,
  TextDisplay: 10,
  Thumbnail: 11,
  MediaGallery: 12,
  File: 13,
  Separator: 14,
  Container: 17,
  Label: 18,
  FileUpload: 19,
  RadioGroup: 21,
  CheckboxGroup: 22,
  Checkbox: 23,
} as const;

/** discord-api-types `MessageFlags.IsComponentsV2` (1 << 15). */
export const IS_COMPONENTS_V2 = 1 << 15;
export const MAX_V2_COMPONENTS = 40;
export const MAX_V2_TEXT = 4000;

const T = ComponentType;
const SELECTS: number[] = [T.StringSelect, T.UserSelect, T.RoleSelect, T.MentionableSelect, T.ChannelSelect];
/** `APIMessageTopLevelComponent` (Thumbnail is a section accessory only). */
const TOP_V2: number[] = [
  T.ActionRow,
  T.Section,
  T.TextDisplay,
  T.MediaGallery,
  T.File,
  T.Separator,
  T.Container,
];
/** `APIComponentInContainer`. */
const IN_CONTAINER: number[] = [T.ActionRow, T.Section, T.TextDisplay, T.MediaGallery, T.File, T.Separator];
/** `APIComponentInMessageActionRow`. */
const IN_MESSAGE_ROW: number[] = [T.Button, ...SELECTS];
/** `APISectionAccessoryComponent`. */
const ACCESSORY: number[] = [T.Button, T.Thumbnail];
/** `APIModalInteractionResponseCallbackComponent`. */
const MODAL_TOP: number[] = [T.ActionRow, T.TextDisplay, T.Label];
/** `APIComponentInLabel`. */
const IN_LABEL: number[] = [
  T.StringSelect,
  T.TextInput,
  T.UserSelect,
  T.RoleSelect,
  T.MentionableSelect,
  T.ChannelSelect,
  T.FileUpload,
  T.RadioGroup,
  T.CheckboxGroup,
  T.Checkbox,
];
/** `SelectMenuDefaultValueType` accepted by each auto-populated select. */
const DEFAULT_VALUE_TYPES: Record<number, string[]> = {
  [T.UserSelect]: ["user"],
  [T.RoleSelect]: ["role"],
  [T.MentionableSelect]: ["user", "role"],
  [T.ChannelSelect]: ["channel"],
};
const MAX_INT32 = 2 ** 31 - 1;

// biome-ignore lint/suspicious/noExplicitAny: component JSON as the app sent it
type Json = Record<string, any>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** State of one walk over a message's (or a modal's) components. */
interface Walk {
  p: Problems;
  where: "message" | "modal";
  customIds: Set<string>;
  ids: Set<number>;
  /** Components seen, nested ones included. */
  count: number;
  /** Characters across text displays. */
  text: number;
}

function walk(p: Problems, where: Walk["where"]): Walk {
  return { p, where, customIds: new Set(), ids: new Set(), count: 0, text: 0 };
}

function checkCustomId(c: Json, path: Path, w: Walk): void {
  w.p.between(c.custom_id, [...path, "custom_id"], 1, 100);
  if (typeof c.custom_id !== "string") return;
  if (w.customIds.has(c.custom_id))
    w.p.add(
      [...path, "custom_id"],
      "COMPONENT_CUSTOM_ID_DUPLICATED",
      "Component custom id cannot be duplicated",
    );
  w.customIds.add(c.custom_id);
}

function checkId(c: Json, path: Path, w: Walk): void {
  w.p.int(c.id, [...path, "id"], 0, MAX_INT32);
  // 0 counts as "no id" (the API replaces it).
  if (typeof c.id !== "number" || !Number.isInteger(c.id) || c.id <= 0) return;
  if (w.ids.has(c.id))
    w.p.add([...path, "id"], "COMPONENT_ID_DUPLICATED", "Component id cannot be duplicated");
  w.ids.add(c.id);
}

/** An unfurled media item: only `url` is settable (docs: "Unfurled Media Item"). */
function checkMedia(media: unknown, path: Path, w: Walk, attachmentOnly = false): void {
  if (!isObject(media)) {
    w.p.required(path);
    return;
  }
  if (typeof media.url !== "string" || media.url === "") {
    w.p.required([...path, "url"]);
    return;
  }
  if (attachmentOnly && !media.url.startsWith("attachment://"))
    w.p.add(
      [...path, "url"],
      "UNFURLED_MEDIA_ITEM_ATTACHMENT_REQUIRED",
      "Only attachment://<filename> references are supported here",
    );
}

function checkButton(b: Json, path: Path, w: Walk): void {
  w.p.choice(b.style, [...path, "style"], [1, 2, 3, 4, 5, 6], true);
  w.p.maxLength(b.label, [...path, "label"], 80);
  w.p.bool(b.disabled, [...path, "disabled"]);
  if (b.style === 5) {
    if (typeof b.url !== "string") w.p.required([...path, "url"]);
    else w.p.maxLength(b.url, [...path, "url"], 512);
    if (b.custom_id !== undefined)
      w.p.add([...path, "custom_id"], "BUTTON_LINK_CUSTOM_ID", "A link button cannot have a custom id");
    return;
  }
  if (b.style === 6) {
    if (typeof b.sku_id !== "string") w.p.required([...path, "sku_id"]);
    return;
  }
  checkCustomId(b, path, w);
}

/** min_values/max_values of a select, file upload or checkbox group. */
function checkValueCounts(c: Json, path: Path, w: Walk, max: number, requirable: boolean): void {
  w.p.int(c.min_values, [...path, "min_values"], 0, max);
  w.p.int(c.max_values, [...path, "max_values"], 1, max);
  if (typeof c.min_values === "number" && typeof c.max_values === "number" && c.min_values > c.max_values)
    w.p.add(
      [...path, "min_values"],
      "NUMBER_TYPE_MAX",
      `int value should be less than or equal to ${c.max_values}.`,
    );
  // "min_values must be either omitted or at least 1 if required is omitted or true" (modals).
  if (requirable && w.where === "modal" && c.required !== false && c.min_values === 0)
    w.p.add([...path, "min_values"], "NUMBER_TYPE_MIN", "int value should be greater than or equal to 1.");
}

/** Options of a string select, radio group or checkbox group: labels, values, descriptions ≤ 100, values unique. */
function checkOptions(options: unknown, path: Path, w: Walk, min: number, max: number): void {
  if (!w.p.items(options, path, min, max, true)) return;
  const values = new Set<string>();
  options.forEach((o, i) => {
    const at = [...path, i];
    if (!isObject(o)) {
      w.p.add(at, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
      return;
    }
    w.p.between(o.label, [...at, "label"], 1, 100);
    w.p.between(o.value, [...at, "value"], 1, 100);
    w.p.maxLength(o.description, [...at, "description"], 100);
    w.p.bool(o.default, [...at, "default"]);
    if (typeof o.value === "string") {
      if (values.has(o.value))
        w.p.add(
          [...at, "value"],
          "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
          "Select component option values must be unique",
        );
      values.add(o.value);
    }
  });
}

function checkSelect(s: Json, path: Path, w: Walk): void {
  checkCustomId(s, path, w);
  w.p.maxLength(s.placeholder, [...path, "placeholder"], 150);
  checkValueCounts(s, path, w, 25, true);
  if (w.where === "modal") {
    w.p.bool(s.required, [...path, "required"]);
    if (s.disabled === true)
      w.p.add(
        [...path, "disabled"],
        "MODAL_COMPONENT_DISABLED",
        "Modals can not currently have disabled components in them",
      );
  } else w.p.bool(s.disabled, [...path, "disabled"]);
  if (s.type === T.StringSelect) {
    checkOptions(s.options, [...path, "options"], w, 1, 25);
    return;
  }
  const allowed = DEFAULT_VALUE_TYPES[s.type as number] ?? [];
  if (!w.p.items(s.default_values, [...path, "default_values"], 0, 25)) return;
  const min = typeof s.min_values === "number" ? s.min_values : 1;
  const max = typeof s.max_values === "number" ? s.max_values : 1;
  const n = s.default_values.length;
  if (n > 0 && (n < min || n > max))
    w.p.add(
      [...path, "default_values"],
      "BASE_TYPE_BAD_LENGTH",
      `Must be between ${min} and ${max} in length.`,
    );
  s.default_values.forEach((d: unknown, i: number) => {
    const at = [...path, "default_values", i];
    if (!isObject(d)) {
      w.p.add(at, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
      return;
    }
    if (typeof d.id !== "string") w.p.required([...at, "id"]);
    w.p.choice(d.type, [...at, "type"], allowed, true);
  });
}

function checkTextInput(t: Json, path: Path, w: Walk, inLabel: boolean): void {
  checkCustomId(t, path, w);
  w.p.choice(t.style, [...path, "style"], [1, 2], true);
  if (inLabel && t.label !== undefined)
    w.p.add(
      [...path, "label"],
      "TEXT_INPUT_LABEL_IN_LABEL",
      "A text input inside a label cannot have its own label",
    );
  else w.p.maxLength(t.label, [...path, "label"], 45);
  w.p.int(t.min_length, [...path, "min_length"], 0, 4000);
  w.p.int(t.max_length, [...path, "max_length"], 1, 4000);
  w.p.maxLength(t.value, [...path, "value"], 4000);
  w.p.maxLength(t.placeholder, [...path, "placeholder"], 100);
  w.p.bool(t.required, [...path, "required"]);
}

function checkTextDisplay(t: Json, path: Path, w: Walk): void {
  if (typeof t.content !== "string" || t.content === "") {
    w.p.required([...path, "content"]);
    return;
  }
  w.text += t.content.length;
}

function checkThumbnail(t: Json, path: Path, w: Walk): void {
  checkMedia(t.media, [...path, "media"], w);
  w.p.maxLength(t.description, [...path, "description"], 1024);
  w.p.bool(t.spoiler, [...path, "spoiler"]);
}

function checkSection(s: Json, path: Path, w: Walk): void {
  if (w.p.items(s.components, [...path, "components"], 1, 3, true))
    s.components.forEach((c: unknown, i: number) => {
      checkComponent(c, [...path, "components", i], w, [T.TextDisplay]);
    });
  if (s.accessory === undefined || s.accessory === null) w.p.required([...path, "accessory"]);
  else checkComponent(s.accessory, [...path, "accessory"], w, ACCESSORY);
}

function checkContainer(c: Json, path: Path, w: Walk): void {
  // No limit on a container's children since 2025-04-29 (change log "Raised Component Limits").
  if (w.p.items(c.components, [...path, "components"], 0, Number.MAX_SAFE_INTEGER, true))
    c.components.forEach((child: unknown, i: number) => {
      checkComponent(child, [...path, "components", i], w, IN_CONTAINER);
    });
  w.p.int(c.accent_color, [...path, "accent_color"], 0, 0xffffff);
  w.p.bool(c.spoiler, [...path, "spoiler"]);
}

function checkMediaGallery(g: Json, path: Path, w: Walk): void {
  if (!w.p.items(g.items, [...path, "items"], 1, 10, true)) return;
  g.items.forEach((item: unknown, i: number) => {
    const at = [...path, "items", i];
    if (!isObject(item)) {
      w.p.add(at, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
      return;
    }
    checkMedia(item.media, [...at, "media"], w);
    w.p.maxLength(item.description, [...at, "description"], 1024);
    w.p.bool(item.spoiler, [...at, "spoiler"]);
  });
}

function checkActionRow(row: Json, path: Path, w: Walk): void {
  const at = [...path, "components"];
  if (!w.p.items(row.components, at, 1, 5, true)) return;
  const children = row.components as unknown[];
  const allowed = w.where === "modal" ? [T.TextInput] : IN_MESSAGE_ROW;
  // A select, or a modal's text input, fills the row on its own.
  const wide = children.some(
    (c) => isObject(c) && (SELECTS.includes(c.type) || (w.where === "modal" && c.type === T.TextInput)),
  );
  if (wide && children.length > 1)
    w.p.add(at, "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width");
  children.forEach((c, i) => {
    checkComponent(c, [...at, i], w, allowed);
  });
}

function checkLabel(l: Json, path: Path, w: Walk): void {
  w.p.between(l.label, [...path, "label"], 1, 45);
  w.p.maxLength(l.description, [...path, "description"], 100);
  if (l.component === undefined || l.component === null) w.p.required([...path, "component"]);
  else checkComponent(l.component, [...path, "component"], w, IN_LABEL, true);
}

/** One component: its type must be among `allowed` where it stands; then its own rules. */
function checkComponent(c: unknown, path: Path, w: Walk, allowed: number[], inLabel = false): void {
  if (!isObject(c)) {
    w.p.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    return;
  }
  if (!allowed.includes(c.type)) {
    w.p.add(path, "UNION_TYPE_CHOICES", `Value of field "type" must be one of ${tuple(allowed)}.`);
    return;
  }
  w.count += 1;
  checkId(c, path, w);
  switch (c.type) {
    case T.ActionRow:
      checkActionRow(c, path, w);
      break;
    case T.Button:
      checkButton(c, path, w);
      break;
    case T.TextInput:
      checkTextInput(c, path, w, inLabel);
      break;
    case T.Section:
      checkSection(c, path, w);
      break;
    case T.TextDisplay:
      checkTextDisplay(c, path, w);
      break;
    case T.Thumbnail:
      checkThumbnail(c, path, w);
      break;
    case T.MediaGallery:
      checkMediaGallery(c, path, w);
      break;
    case T.File:
      checkMedia(c.file, [...path, "file"], w, true);
      w.p.bool(c.spoiler, [...path, "spoiler"]);
      break;
    case T.Separator:
      w.p.bool(c.divider, [...path, "divider"]);
      w.p.choice(c.spacing, [...path, "spacing"], [1, 2]);
      break;
    case T.Container:
      checkContainer(c, path, w);
      break;
    case T.Label:
      checkLabel(c, path, w);
      break;
    case T.FileUpload:
      checkCustomId(c, path, w);
      checkValueCounts(c, path, w, 10, true);
      w.p.items(c.file_types, [...path, "file_types"], 0, 10);
      w.p.bool(c.required, [...path, "required"]);
      break;
    case T.RadioGroup:
      checkCustomId(c, path, w);
      checkOptions(c.options, [...path, "options"], w, 2, 10);
      w.p.bool(c.required, [...path, "required"]);
      break;
    case T.CheckboxGroup:
      checkCustomId(c, path, w);
      checkOptions(c.options, [...path, "options"], w, 1, 10);
      checkValueCounts(c, path, w, 10, true);
      w.p.bool(c.required, [...path, "required"]);
      break;
    case T.Checkbox:
      checkCustomId(c, path, w);
      w.p.bool(c.default, [...path, "default"]);
      break;
    default:
      checkSelect(c, path, w);
      break;
  }
}

/**
 * A message's `components` (create or edit). Classic: up to 5 action rows. Components V2: any
 * top-level layout/content component, up to 40 components in all and 4000 characters of text.
 */
export function checkMessageComponents(components: unknown, v2: boolean, p: Problems, prefix: Path): void {
  const path = [...prefix, "components"];
  if (components === undefined || components === null) return;
  if (!Array.isArray(components)) {
    p.add(path, "BASE_TYPE_ARRAY", "Must be an array.");
    return;
  }
  const w = walk(p, "message");
  if (!v2 && components.length > 5) p.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.");
  components.forEach((c, i) => {
    checkComponent(c, [...path, i], w, v2 ? TOP_V2 : [T.ActionRow]);
  });
  if (!v2) return;
  if (w.count > MAX_V2_COMPONENTS)
    p.add(
      path,
      "MAX_COMPONENTS_EXCEEDED",
      `Must be ${MAX_V2_COMPONENTS} or fewer components in total (nested ones included); got ${w.count}.`,
    );
  if (w.text > MAX_V2_TEXT)
    p.add(
      path,
      "MAX_TEXT_DISPLAY_LENGTH_EXCEEDED",
      `Text displays must total ${MAX_V2_TEXT} or fewer characters; got ${w.text}.`,
    );
}

/** A modal (interaction callback type 9 `data`): title, custom_id, 1-5 components. */
export function checkModalData(data: Json, p: Problems): void {
  p.between(data.title, ["data", "title"], 1, 45);
  p.between(data.custom_id, ["data", "custom_id"], 1, 100);
  const path = ["data", "components"];
  if (!p.items(data.components, path, 1, 5, true)) return;
  const w = walk(p, "modal");
  (data.components as unknown[]).forEach((c, i) => {
    checkComponent(c, [...path, i], w, MODAL_TOP);
  });
}

// ---- Reading component trees --------------------------------------------------------------

/** The components nested in one (children, a label's component, a section's accessory). */
export function childrenOf(c: unknown): Json[] {
  if (!isObject(c)) return [];
  return [
    ...(Array.isArray(c.components) ? c.components.filter(isObject) : []),
    ...(isObject(c.component) ? [c.component] : []),
    ...(isObject(c.accessory) ? [c.accessory] : []),
  ];
}

/** Every component, depth first, parents before children (the order Discord numbers them in). */
export function flatten(components: unknown): Json[] {
  if (!Array.isArray(components)) return [];
  return components.filter(isObject).flatMap((c) => [c, ...flatten(childrenOf(c))]);
}

/**
 * A deep copy with every missing (or 0) `id` filled in, as Discord does: "generated sequentially if
 * left empty … won't use another id that exists in the message".
 */
export function withIds<T>(components: T[]): T[] {
  const copy = structuredClone(components);
  const all = flatten(copy);
  const used = new Set(all.map((c) => c.id).filter((id) => typeof id === "number" && id > 0));
  let next = 1;
  for (const c of all) {
    if (typeof c.id === "number" && c.id > 0) continue;
    while (used.has(next)) next += 1;
    c.id = next;
    used.add(next);
  }
  return copy;
}

/** The contents of every text display, in reading order. */
export function textDisplays(components: unknown): string[] {
  return flatten(components)
    .filter((c) => c.type === T.TextDisplay && typeof c.content === "string")
    .map((c) => c.content as string);
}

/** Every button (in action rows at any depth and as section accessories), in reading order. */
export function buttonsIn(components: unknown): Json[] {
  return flatten(components).filter((c) => c.type === T.Button);
}

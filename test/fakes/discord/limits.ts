/**
 * Discord's documented message, component, modal and command limits. A violation is answered the
 * way Discord does: 400 `{code: 50035, message: "Invalid Form Body", errors: {<path>: {_errors:
 * [{code, message}]}}}`. Unknown component types are accepted (Discord adds new ones); the limits of
 * the known ones are enforced. Components V2 messages (flags & 1<<15) are only counted.
 */

export const MAX_CONTENT = 2000;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
const COMPONENTS_V2 = 1 << 15;

export type FormErrors = Record<string, unknown>;
type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Collects `_errors` at nested paths, as Discord nests them. */
export class Problems {
  readonly errors: FormErrors = {};
  count = 0;

  add(path: (string | number)[], code: string, message: string): void {
    let node = this.errors;
    for (const key of path) {
      const next = node[String(key)];
      if (isObject(next)) node = next;
      else {
        const created: FormErrors = {};
        node[String(key)] = created;
        node = created;
      }
    }
    const list = (node._errors as unknown[] | undefined) ?? [];
    list.push({ code, message });
    node._errors = list;
    this.count += 1;
  }

  maxLength(value: unknown, path: (string | number)[], max: number): void {
    if (typeof value === "string" && value.length > max)
      this.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
  }

  between(value: unknown, path: (string | number)[], min: number, max: number): void {
    if (typeof value !== "string") {
      this.add(path, "BASE_TYPE_REQUIRED", "This field is required");
    } else if (value.length < min || value.length > max) {
      this.add(path, "BASE_TYPE_BAD_LENGTH", `Must be between ${min} and ${max} in length.`);
    }
  }
}

function checkButton(b: Json, path: (string | number)[], ids: Set<string>, p: Problems): void {
  p.maxLength(b.label, [...path, "label"], 80);
  if (b.style === 5) {
    if (typeof b.url !== "string") p.add([...path, "url"], "BASE_TYPE_REQUIRED", "This field is required");
    if (b.custom_id !== undefined)
      p.add([...path, "custom_id"], "BUTTON_LINK_CUSTOM_ID", "A link button cannot have a custom id");
    return;
  }
  if (b.style === 6) return; // premium: sku_id, no custom_id
  p.between(b.custom_id, [...path, "custom_id"], 1, 100);
  if (typeof b.custom_id === "string") {
    if (ids.has(b.custom_id))
      p.add(
        [...path, "custom_id"],
        "COMPONENT_CUSTOM_ID_DUPLICATED",
        "Component custom id cannot be duplicated",
      );
    ids.add(b.custom_id);
  }
}

function checkComponents(components: unknown, flags: number, p: Problems): void {
  if (components === undefined || components === null) return;
  if (!Array.isArray(components)) {
    p.add(["components"], "BASE_TYPE_ARRAY", "Must be an array.");
    return;
  }
  if ((flags & COMPONENTS_V2) !== 0) {
    if (components.length > 40)
      p.add(["components"], "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer in length.");
    return;
  }
  if (components.length > 5) p.add(["components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.");
  const ids = new Set<string>();
  components.forEach((row, r) => {
    if (!isObject(row) || row.type !== 1 || !Array.isArray(row.components)) {
      p.add(["components", r], "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).');
      return;
    }
    const children = row.components as unknown[];
    if (children.length === 0 || children.length > 5)
      p.add(["components", r, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.");
    const hasSelect = children.some(
      (c) => isObject(c) && typeof c.type === "number" && c.type >= 3 && c.type <= 8 && c.type !== 4,
    );
    if (hasSelect && children.length > 1)
      p.add(
        ["components", r, "components"],
        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
        "The specified component exceeds the maximum width",
      );
    children.forEach((c, i) => {
      if (isObject(c) && c.type === 2) checkButton(c, ["components", r, "components", i], ids, p);
      else if (isObject(c) && typeof c.custom_id === "string") {
        p.between(c.custom_id, ["components", r, "components", i, "custom_id"], 1, 100);
      }
    });
  });
}

function checkEmbeds(embeds: unknown, p: Problems): void {
  if (!Array.isArray(embeds)) return;
  if (embeds.length > 10) p.add(["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
  embeds.forEach((e, i) => {
    if (!isObject(e)) return;
    p.maxLength(e.title, ["embeds", i, "title"], 256);
    p.maxLength(e.description, ["embeds", i, "description"], 4096);
    if (Array.isArray(e.fields) && e.fields.length > 25)
      p.add(["embeds", i, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  });
}

/** Checks a message body (create, edit, interaction reply/update, webhook). */
export function checkMessage(body: Json): Problems {
  const p = new Problems();
  p.maxLength(body.content, ["content"], MAX_CONTENT);
  checkEmbeds(body.embeds, p);
  checkComponents(body.components, typeof body.flags === "number" ? body.flags : 0, p);
  return p;
}

/** Discord's 50006: a new message needs content, an embed, a component, a file or a sticker. */
export function isEmptyMessage(body: Json, fileCount: number): boolean {
  const content = typeof body.content === "string" ? body.content.trim() : "";
  const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
  return (
    content === "" &&
    fileCount === 0 &&
    !nonEmpty(body.embeds) &&
    !nonEmpty(body.components) &&
    !nonEmpty(body.sticker_ids) &&
    body.poll === undefined
  );
}

/** Checks a modal (callback type 9 data). */
export function checkModal(data: Json): Problems {
  const p = new Problems();
  p.between(data.title, ["data", "title"], 1, 45);
  p.between(data.custom_id, ["data", "custom_id"], 1, 100);
  const rows = Array.isArray(data.components) ? data.components : [];
  if (rows.length === 0 || rows.length > 5)
    p.add(["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.");
  rows.forEach((row, r) => {
    if (!isObject(row)) return;
    const inner = isObject(row.component)
      ? [row.component]
      : Array.isArray(row.components)
        ? row.components
        : [];
    inner.forEach((c: unknown, i: number) => {
      if (!isObject(c) || c.type !== 4) return;
      const path = ["data", "components", r, "components", i];
      p.between(c.custom_id, [...path, "custom_id"], 1, 100);
      p.maxLength(c.label, [...path, "label"], 45);
      p.maxLength(c.value, [...path, "value"], 4000);
    });
  });
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

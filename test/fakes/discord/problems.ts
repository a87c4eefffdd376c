/**
 * Discord's "Invalid Form Body" errors: 400 `{code: 50035, message: "Invalid Form Body", errors}`,
 * where `errors` nests the request's field path (`{components: {0: {components: {1: {custom_id:
 * {_errors: [{code, message}]}}}}}}`; interaction callbacks nest under `data`).
 */

export type FormErrors = Record<string, unknown>;
export type Path = (string | number)[];
type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Discord words choices as a Python tuple: "(1,)", "(1, 2)". */
export function tuple(choices: readonly unknown[]): string {
  return choices.length === 1 ? `(${String(choices[0])},)` : `(${choices.join(", ")})`;
}

/** Collects `_errors` at nested paths, as Discord nests them. */
export class Problems {
  readonly errors: FormErrors = {};
  count = 0;

  add(path: Path, code: string, message: string): void {
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

  /** The `_errors` codes at one path (tests and callers reading a verdict). */
  codesAt(path: Path): string[] {
    let node: unknown = this.errors;
    for (const key of path) node = isObject(node) ? node[String(key)] : undefined;
    const list = isObject(node) && Array.isArray(node._errors) ? node._errors : [];
    return list.map((e: { code: string }) => e.code);
  }

  required(path: Path): void {
    this.add(path, "BASE_TYPE_REQUIRED", "This field is required");
  }

  maxLength(value: unknown, path: Path, max: number): void {
    if (typeof value === "string" && value.length > max)
      this.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
  }

  /** A required string of min–max characters. */
  between(value: unknown, path: Path, min: number, max: number): void {
    if (typeof value !== "string") {
      this.required(path);
    } else if (value.length < min || value.length > max) {
      this.add(path, "BASE_TYPE_BAD_LENGTH", `Must be between ${min} and ${max} in length.`);
    }
  }

  /** An array of min–max items (`undefined` passes unless `required`); false when not an array. */
  items(value: unknown, path: Path, min: number, max: number, required = false): value is unknown[] {
    if (value === undefined || value === null) {
      if (required) this.required(path);
      return false;
    }
    if (!Array.isArray(value)) {
      this.add(path, "BASE_TYPE_ARRAY", "Must be an array.");
      return false;
    }
    if (value.length < min || value.length > max) {
      if (min === 0) this.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
      else this.add(path, "BASE_TYPE_BAD_LENGTH", `Must be between ${min} and ${max} in length.`);
    }
    return true;
  }

  /** An optional integer in min–max (Discord: "int value should be …"). */
  int(value: unknown, path: Path, min: number, max: number): void {
    if (value === undefined || value === null) return;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      this.add(path, "NUMBER_TYPE_COERCE", `Value "${String(value)}" is not int.`);
    } else if (value < min) {
      this.add(path, "NUMBER_TYPE_MIN", `int value should be greater than or equal to ${min}.`);
    } else if (value > max) {
      this.add(path, "NUMBER_TYPE_MAX", `int value should be less than or equal to ${max}.`);
    }
  }

  /** An optional value from a fixed set (Discord: "Value must be one of (1, 2)."). */
  choice(value: unknown, path: Path, choices: readonly unknown[], required = false): void {
    if (value === undefined || value === null) {
      if (required) this.required(path);
      return;
    }
    if (!choices.includes(value))
      this.add(path, "BASE_TYPE_CHOICES", `Value must be one of ${tuple(choices)}.`);
  }

  /** An optional boolean. */
  bool(value: unknown, path: Path): void {
    if (value !== undefined && value !== null && typeof value !== "boolean")
      this.add(path, "BASE_TYPE_BOOLEAN", "Must be either true or false.");
  }
}

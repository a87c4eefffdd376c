import assert from "node:assert/strict";
import { test } from "node:test";
import { formFromSchema } from "../../src/copilot/forms.js";
import { modalFields, readForm } from "../../src/core/forms.js";

const schema = {
  type: "object",
  properties: {
    name: { type: "string", title: "Name", description: "Your full name" },
    age: { type: "integer" },
    ratio: { type: "number" },
    agree: { type: "boolean" },
    size: { type: "string", enum: ["S", "M", "L"] },
  },
  required: ["name", "size"],
};

test("a flat schema becomes typed fields, required ones marked", () => {
  const { fields, unsupported } = formFromSchema(schema, 5);
  assert.equal(unsupported, undefined);
  assert.deepEqual(
    fields.map((f) => [f.name, f.type, f.required]),
    [
      ["name", "string", true],
      ["age", "integer", false],
      ["ratio", "number", false],
      ["agree", "boolean", false],
      ["size", "enum", true],
    ],
  );
  const modal = modalFields(fields);
  assert.deepEqual(modal.find((m) => m.id === "size")?.options, ["S", "M", "L"]);
  assert.deepEqual(modal.find((m) => m.id === "agree")?.options, ["yes", "no"]);
  assert.equal(modal.find((m) => m.id === "name")?.optional, false);
});

test("schemas a chat form cannot hold are reported, not guessed", () => {
  assert.match(
    formFromSchema({ type: "object", properties: { tags: { type: "array" } } }, 5).unsupported ?? "",
    /"tags" \(array\) cannot be shown/,
  );
  assert.match(
    formFromSchema({ type: "object", properties: { a: { type: "object" } } }, 5).unsupported ?? "",
    /cannot be shown/,
  );
  assert.match(formFromSchema(schema, 3).unsupported ?? "", /5 fields; a chat form holds at most 3/);
  assert.match(formFromSchema(undefined, 5).unsupported ?? "", /no form/);
});

test("submitted text is checked and typed; every mistake is named", () => {
  const { fields } = formFromSchema(schema, 5);
  const bad = readForm(fields, { name: "", age: "4.5", ratio: "x", agree: "maybe", size: "XL" });
  assert.ok("errors" in bad);
  assert.deepEqual(Object.keys(bad.errors).sort(), ["age", "agree", "name", "ratio", "size"]);
  assert.match(bad.errors.size ?? "", /one of: S, M, L/);
  const good = readForm(fields, { name: " Ann ", age: "41", ratio: "0.5", agree: "Yes", size: "m" });
  assert.deepEqual(good, { content: { name: "Ann", age: 41, ratio: 0.5, agree: true, size: "M" } });
  assert.deepEqual(readForm(fields, { name: "Bo", size: "S" }), { content: { name: "Bo", size: "S" } });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { chunkMarkdown } from "../../src/core/chunk.js";

test("short text stays one piece", () => {
  assert.deepEqual(chunkMarkdown("hello\nworld", 100), ["hello\nworld"]);
});

test("every piece respects the limit and the text survives whole", () => {
  const text = Array.from({ length: 300 }, (_, i) => `line ${i} ${"x".repeat(i % 37)}`).join("\n");
  const pieces = chunkMarkdown(text, 500);
  assert.ok(pieces.length > 5);
  for (const p of pieces) assert.ok(p.length <= 500, `piece of ${p.length}`);
  assert.equal(pieces.join("\n"), text);
});

test("a split inside a code block closes and reopens the fence", () => {
  const code = Array.from({ length: 60 }, (_, i) => `const v${i} = ${i};`).join("\n");
  const text = `Intro\n\`\`\`ts\n${code}\n\`\`\`\nOutro`;
  const pieces = chunkMarkdown(text, 300);
  assert.ok(pieces.length > 2);
  for (const p of pieces) {
    assert.ok(p.length <= 300);
    const fences = p.split("\n").filter((l) => l.startsWith("```")).length;
    assert.equal(fences % 2, 0, `unbalanced fences in:\n${p}`);
  }
  assert.ok(pieces[1]?.startsWith("```ts"), "continuation reopens the block with its language");
  assert.ok(pieces.at(-1)?.endsWith("Outro"));
});

test("a single line longer than the limit is cut into pieces", () => {
  const pieces = chunkMarkdown("a".repeat(1000), 100);
  for (const p of pieces) assert.ok(p.length <= 100);
  assert.equal(pieces.join(""), "a".repeat(1000));
});

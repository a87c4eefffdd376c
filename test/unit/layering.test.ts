import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

const importsOf = (file: string) =>
  [...readFileSync(file, "utf8").matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1] ?? "");

test("src/core imports no platform, store or SDK package", () => {
  const forbidden = /^(@slack\/|discord\.js|keyv|@keyv\/|@github\/copilot-sdk|vscode-jsonrpc)/;
  for (const file of files("src/core")) {
    for (const spec of importsOf(file)) assert.ok(!forbidden.test(spec), `${file} imports ${spec}`);
    for (const spec of importsOf(file))
      assert.ok(!spec.startsWith("../"), `${file} reaches outside core: ${spec}`);
  }
});

test("only src/copilot imports the Copilot SDK", () => {
  for (const file of files("src")) {
    if (file.startsWith(join("src", "copilot"))) continue;
    for (const spec of importsOf(file))
      assert.ok(!spec.startsWith("@github/copilot-sdk"), `${file} imports ${spec}`);
  }
});

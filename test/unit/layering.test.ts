import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";

/** The layering rules of docs/architecture.md, checked on the import graph. */

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

const importsOf = (file: string) =>
  [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1] ?? "");

/** The repository-relative file a relative import names. */
const target = (file: string, spec: string) =>
  relative(process.cwd(), resolve(dirname(file), spec.replace(/\.js$/, ".ts")));

const code = [...files("src"), ...files("adapters")];

test("src/core imports no platform, store or SDK package, and nothing outside src/core", () => {
  const forbidden =
    /^(@slack\/|discord\.js|discord-api-types|keyv|@keyv\/|@github\/copilot-sdk|vscode-jsonrpc)/;
  for (const file of files("src/core")) {
    for (const spec of importsOf(file)) {
      assert.ok(!forbidden.test(spec), `${file} imports ${spec}`);
      if (spec.startsWith(".")) {
        assert.ok(
          target(file, spec).startsWith(join("src", "core")),
          `${file} reaches outside core: ${spec}`,
        );
      }
    }
  }
});

test("only src/copilot imports the Copilot SDK", () => {
  for (const file of code) {
    if (file.startsWith(join("src", "copilot"))) continue;
    for (const spec of importsOf(file))
      assert.ok(!spec.startsWith("@github/copilot-sdk"), `${file} imports ${spec}`);
  }
});

test("src/copilot, store, workspace and identity depend on the core only, never on each other or on adapters", () => {
  for (const [layer, others] of [
    ["copilot", ["store", "workspace", "identity", "adapters"]],
    ["store", ["copilot", "workspace", "identity", "adapters"]],
    ["workspace", ["copilot", "store", "identity", "adapters"]],
    ["identity", ["copilot", "store", "workspace", "adapters"]],
  ] as const) {
    for (const file of files(join("src", layer))) {
      for (const spec of importsOf(file).filter((s) => s.startsWith("."))) {
        const to = target(file, spec);
        for (const other of others) {
          const dir = other === "adapters" ? "adapters" : join("src", other);
          assert.ok(!to.startsWith(dir), `${file} imports ${to}`);
        }
      }
    }
  }
});

test("an adapter imports the core's ports and helpers, shared adapter code, and its own folder only", () => {
  for (const file of files("adapters")) {
    // The plug-in list names each platform's plug-in (adapters/<platform>/index.ts) and nothing else.
    if (file === join("adapters", "index.ts")) {
      for (const spec of importsOf(file))
        assert.match(target(file, spec), /^adapters\/[a-z][a-z0-9]*\/index\.ts$/, `${file} imports ${spec}`);
      continue;
    }
    const own = file.split("/").slice(0, 2).join("/");
    for (const spec of importsOf(file).filter((s) => s.startsWith("."))) {
      const to = target(file, spec);
      const allowed =
        to.startsWith(`${own}/`) ||
        to.startsWith(join("adapters", "common")) ||
        to.startsWith(join("src", "core"));
      assert.ok(allowed, `${file} imports ${to}`);
    }
  }
});

test("src/core holds no helper that only adapters use", () => {
  const coreFiles = files("src/core");
  const usedBy = new Map<string, Set<string>>(coreFiles.map((f) => [f, new Set<string>()]));
  for (const file of [...code, ...files("scripts")]) {
    for (const spec of importsOf(file).filter((s) => s.startsWith("."))) {
      usedBy.get(target(file, spec))?.add(file.startsWith("adapters") ? "adapters" : "other");
    }
  }
  for (const [file, users] of usedBy) {
    if (file.startsWith(join("src", "core", "ports")) || file.startsWith(join("src", "core", "vocabulary")))
      continue;
    assert.ok(!(users.size === 1 && users.has("adapters")), `${file} is used by adapters only`);
  }
});

test("no import cycles in src and adapters", () => {
  const graph = new Map<string, string[]>();
  for (const file of code) {
    graph.set(
      file,
      importsOf(file)
        .filter((s) => s.startsWith("."))
        .map((s) => target(file, s)),
    );
  }
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string): void => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      assert.fail(`import cycle: ${[...path.slice(path.indexOf(file)), file].join(" → ")}`);
    }
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    path.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file);
});

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parseRepos } from "../../src/workspace/index.js";

const cwd = mkdtempSync(join(tmpdir(), "ccb-repos-"));
after(() => rmSync(cwd, { recursive: true, force: true }));
mkdirSync(join(cwd, "app"));
mkdirSync(join(cwd, "libs", "core"), { recursive: true });
writeFileSync(join(cwd, "notes.txt"), "not a directory\n");

test("BRIDGE_REPOS: paths resolved against the working directory, and every kind of git URL", () => {
  const value = [
    "app=./app",
    ` core = ${join(cwd, "libs", "core")} `,
    "web=https://github.test/acme/web.git",
    "ssh=ssh://git@github.test/acme/ssh.git",
    "scp=git@github.test:acme/scp.git",
    "nested=git@gitlab.test:group/sub/repo",
    "local=file:///srv/git/local.git",
    "",
  ].join(",");
  assert.deepEqual(parseRepos(value, cwd), [
    { name: "app", source: join(cwd, "app"), kind: "path" },
    { name: "core", source: join(cwd, "libs", "core"), kind: "path" },
    { name: "web", source: "https://github.test/acme/web.git", kind: "url" },
    { name: "ssh", source: "ssh://git@github.test/acme/ssh.git", kind: "url" },
    { name: "scp", source: "git@github.test:acme/scp.git", kind: "url" },
    { name: "nested", source: "git@gitlab.test:group/sub/repo", kind: "url" },
    { name: "local", source: "file:///srv/git/local.git", kind: "url" },
  ]);
  assert.deepEqual(parseRepos("", cwd), []);
  assert.deepEqual(parseRepos("my.repo_1-x=app", cwd), [
    { name: "my.repo_1-x", source: join(cwd, "app"), kind: "path" },
  ]);
});

test("BRIDGE_REPOS: a wrong entry is refused with the entry named", () => {
  const refused = (value: string, why: RegExp) =>
    assert.throws(
      () => parseRepos(value, cwd),
      (e: unknown) => e instanceof Error && e.message.startsWith("BRIDGE_REPOS: ") && why.test(e.message),
      value,
    );
  refused("app", /"app" is not name=path-or-git-URL/);
  refused("my app=./app", /"my app=\.\/app" has a name that is not letters/);
  refused("..=./app", /has a name/);
  refused("=./app", /has a name/);
  refused("app=./app,App=./app", /"App=\.\/app" repeats the name App/);
  refused("app=", /names no path or URL/);
  refused("app=./missing", /missing, which does not exist/);
  refused("app=./notes.txt", /which is not a directory/);
  refused("app=http://github.test/acme/app.git", /scheme the bridge does not clone/);
  refused("app=ftp://github.test/acme/app.git", /scheme/);
  refused("app=https://", /not a valid URL/);
  refused("app=https://github.test/", /names no repository/);
  refused("app=https://me:hunter22@github.test/acme/app.git", /password in it/);
  assert.throws(
    () => parseRepos("app=https://me:hunter22@github.test/acme/app.git", cwd),
    (e: unknown) => e instanceof Error && !e.message.includes("hunter22"),
  );
});

import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { Repository } from "../core/ports/workspace.js";

const namePattern = /^[A-Za-z0-9._-]+$/;
/** `user@host:path`, git's scp-like syntax for SSH. The host may not start with "-" (ssh would read an option). */
const scpPattern = /^[A-Za-z0-9._-]+@[A-Za-z0-9.][A-Za-z0-9.-]*:[A-Za-z0-9._~/-]+$/;

/**
 * Reads BRIDGE_REPOS: `name=path-or-git-URL` entries, comma-separated. A path is resolved against `cwd`
 * and must be an existing directory; a URL is https://, ssh://, file:// or `git@host:owner/repo`.
 * Throws an Error naming BRIDGE_REPOS and the entry that is wrong.
 */
export function parseRepos(value: string, cwd: string): Repository[] {
  const repos: Repository[] = [];
  const seen = new Set<string>();
  for (const raw of value.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    // A URL's password (refused below) must not reach the message that refuses it.
    const shown = entry.replace(/\/\/([^/@:]*):[^/@]*@/, "//$1:***@");
    const bad = (why: string) => new Error(`BRIDGE_REPOS: "${shown}" ${why}`);
    const eq = entry.indexOf("=");
    if (eq < 0) throw bad("is not name=path-or-git-URL");
    const name = entry.slice(0, eq).trim();
    const source = entry.slice(eq + 1).trim();
    if (!namePattern.test(name) || name === "." || name === "..") {
      throw bad("has a name that is not letters, digits, '.', '_' and '-'");
    }
    // Names become directory names, and some file systems do not tell "App" from "app".
    if (seen.has(name.toLowerCase())) throw bad(`repeats the name ${name}`);
    seen.add(name.toLowerCase());
    if (source === "") throw bad("names no path or URL");
    repos.push(looksLikeUrl(source) ? urlRepo(name, source, bad) : pathRepo(name, resolve(cwd, source), bad));
  }
  return repos;
}

function looksLikeUrl(source: string): boolean {
  return source.includes("://") || scpPattern.test(source);
}

function urlRepo(name: string, source: string, bad: (why: string) => Error): Repository {
  if (scpPattern.test(source)) return { name, source, kind: "url" };
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw bad("is not a valid URL");
  }
  if (!["https:", "ssh:", "file:"].includes(url.protocol)) {
    throw bad(
      "uses a scheme the bridge does not clone (use https://, ssh://, git@host:owner/repo or file://)",
    );
  }
  if (url.protocol !== "file:" && (url.hostname === "" || url.hostname.startsWith("-"))) {
    throw bad("has no host");
  }
  // A password in the URL would be written to the clone's configuration and show in messages.
  if (url.password !== "") throw bad("has a password in it: use a git credential helper instead");
  if (url.pathname === "" || url.pathname === "/") throw bad("names no repository");
  return { name, source, kind: "url" };
}

function pathRepo(name: string, path: string, bad: (why: string) => Error): Repository {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw bad(`names ${path}, which does not exist`);
  if (!stat.isDirectory()) throw bad(`names ${path}, which is not a directory`);
  return { name, source: path, kind: "path" };
}

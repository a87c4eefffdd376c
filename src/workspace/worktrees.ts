import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { isAbsolute, join, resolve, sep } from "node:path";
import type { Git } from "./git.js";

/** A session's branch name: `copilot/<slug>-<id>`. */
export function branchName(words: string, id: string): string {
  const cleanId =
    id
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "")
      .slice(-12) || randomBytes(3).toString("hex");
  return `copilot/${slugOf(words)}-${cleanId}`;
}

/** Lower-case words of the prompt joined by "-", whole words up to 30 characters, never empty. */
export function slugOf(words: string): string {
  const parts = words
    .normalize("NFKD")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
  let slug = "";
  for (const word of parts) {
    const next = slug === "" ? word : `${slug}-${word}`;
    if (next.length > 30) {
      if (slug === "") slug = word.slice(0, 30);
      break;
    }
    slug = next;
  }
  return slug || "session";
}

/** A branch name as one directory name. */
export function dirName(branch: string): string {
  return branch.replaceAll("/", "-");
}

export interface ListedWorktree {
  path: string;
  /** Its branch (without refs/heads/), when one is checked out. */
  branch: string | undefined;
  /** Its directory is gone; `git worktree prune` would forget it. */
  prunable: boolean;
}

/** Reads `git worktree list --porcelain`: blank-line separated records of `key value` lines. */
export function parseWorktreeList(text: string): ListedWorktree[] {
  const list: ListedWorktree[] = [];
  for (const record of text.split(/\n\n+/)) {
    let path: string | undefined;
    let branch: string | undefined;
    let prunable = false;
    for (const line of record.split("\n")) {
      if (line.startsWith("worktree ")) path = line.slice("worktree ".length);
      else if (line.startsWith("branch refs/heads/")) branch = line.slice("branch refs/heads/".length);
      else if (line === "prunable" || line.startsWith("prunable ")) prunable = true;
    }
    if (path) list.push({ path, branch, prunable });
  }
  return list;
}

/** The repository's worktrees that live under `under` (the bridge's folder for that repository). */
export async function worktreesUnder(git: Git, repoDir: string, under: string): Promise<ListedWorktree[]> {
  const listed = parseWorktreeList(await git.run(repoDir, ["worktree", "list", "--porcelain"]));
  const root = canonical(under) + sep;
  return listed
    .map((w) => ({ ...w, path: canonical(w.path), prunable: w.prunable || !existsSync(w.path) }))
    .filter((w) => w.path.startsWith(root));
}

/** A path with symbolic links resolved as far as it exists, so paths from git and from records compare. */
export function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // It does not exist (any more): compare it as written.
    return resolve(path);
  }
}

/** What a worktree was made from, kept beside git's own metadata for the worktree. */
interface BaseNote {
  base: string;
  baseCommit: string;
}

const noteName = "copilot-chat-bridge.json";

/**
 * The worktree's administrative directory (`<repo>/.git/worktrees/<id>`), read from its `.git` file.
 * git removes that directory with the worktree, so whatever the bridge notes there goes with it.
 */
function adminDir(worktree: string): string | undefined {
  try {
    const line = readFileSync(join(worktree, ".git"), "utf8").trim();
    if (!line.startsWith("gitdir: ")) return undefined;
    const dir = line.slice("gitdir: ".length);
    return isAbsolute(dir) ? dir : resolve(worktree, dir);
  } catch {
    // No .git file: not a linked worktree (or gone), so there is no note.
    return undefined;
  }
}

/** Notes the base in the worktree's metadata, for a sweep after a restart that has no record of it. */
export async function writeBaseNote(worktree: string, note: BaseNote): Promise<void> {
  const dir = adminDir(worktree);
  if (dir) await writeFile(join(dir, noteName), JSON.stringify(note));
}

export function readBaseNote(worktree: string): Partial<BaseNote> {
  const dir = adminDir(worktree);
  if (!dir) return {};
  try {
    const note: unknown = JSON.parse(readFileSync(join(dir, noteName), "utf8"));
    if (typeof note !== "object" || note === null) return {};
    const base = "base" in note && typeof note.base === "string" ? note.base : undefined;
    const baseCommit =
      "baseCommit" in note && typeof note.baseCommit === "string" ? note.baseCommit : undefined;
    return { ...(base ? { base } : {}), ...(baseCommit ? { baseCommit } : {}) };
  } catch {
    // No note (a worktree made before notes were kept): the caller treats the base as unknown.
    return {};
  }
}

/**
 * Removes a session's worktree (`top`, its top directory, checked by the caller to be one of the
 * bridge's): the directory, with ignored files such as dependencies, and git's record of it. When the
 * directory is already gone (`top` undefined), only git's record is pruned.
 */
export async function removeWorktree(git: Git, repoDir: string, top: string | undefined): Promise<void> {
  if (top) await git.run(repoDir, ["worktree", "remove", "--force", top]);
  else await git.run(repoDir, ["worktree", "prune"]);
}

/**
 * Deletes a session's branch when that loses nothing: it has no commits beyond its base, or all of them
 * are on the pushed `origin/<branch>`. With the base unknown, only when every commit is on some other
 * ref. Returns whether the branch is kept.
 */
export async function dropBranchIfSafe(
  git: Git,
  repoDir: string,
  branch: string,
  baseCommit: string | undefined,
): Promise<boolean> {
  const ref = `refs/heads/${branch}`;
  const tracking = `refs/remotes/origin/${branch}`;
  const refs = await git.run(repoDir, ["for-each-ref", "--format=%(objectname) %(refname)", ref, tracking]);
  const commitOf = (name: string) =>
    refs
      .split("\n")
      .find((line) => line.endsWith(` ${name}`))
      ?.split(" ")[0];
  if (!commitOf(ref)) return false;
  const pushed = commitOf(tracking);
  const others = [`--exclude=${branch}`, "--branches", "--remotes", "--tags"];
  const exclude = baseCommit ? [baseCommit, ...(pushed ? [pushed] : [])] : others;
  // A base commit this repository does not have (a record from elsewhere) fails: then judge as if unknown.
  const unique =
    (await git
      .ask(repoDir, ["rev-list", "--max-count=1", ref, "--not", ...exclude])
      .catch(() => undefined)) ??
    (await git.run(repoDir, ["rev-list", "--max-count=1", ref, "--not", ...others]));
  if (unique.trim() !== "") return true;
  await git.run(repoDir, ["branch", "--quiet", "-D", branch]);
  return false;
}

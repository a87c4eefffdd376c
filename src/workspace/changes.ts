import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChangeSummary, FileChange } from "../core/ports/workspace.js";
import type { Git } from "./git.js";

/**
 * The tree the worktree at `cwd` holds now, as `git add --all` would record it: tracked changes,
 * deletions and new files that are not ignored. It is staged in a temporary copy of the worktree's
 * index (`realIndex`) through GIT_INDEX_FILE, so the agent's own index, staged or not, stays exactly as
 * it was. The copy keeps the index's file stamps, so only files that changed are read again.
 */
export async function snapshotTree(git: Git, cwd: string, realIndex: string): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), "ccb-index-"));
  try {
    const index = join(scratch, "index");
    const env = { GIT_INDEX_FILE: index };
    const copied = await copyFile(realIndex, index).then(
      () => true,
      () => false,
    );
    // No index yet (nothing was ever staged): start from the checked-out commit.
    if (!copied) await git.run(cwd, ["read-tree", "HEAD"], { env });
    await git.run(cwd, ["add", "--all"], { env });
    return (await git.run(cwd, ["write-tree"], { env })).trim();
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Options every comparison uses, so the summary and the patch agree whatever the user's diff config. */
const diffOptions = ["--no-color", "--no-ext-diff", "--no-textconv", "--no-relative", "--find-renames"];

/** Files changed between `base` and `tree`, with lines added and removed. */
export async function summarize(git: Git, cwd: string, base: string, tree: string): Promise<ChangeSummary> {
  const out = await git.run(cwd, ["diff", ...diffOptions, "--numstat", "-z", base, tree]);
  const files = parseNumstat(out);
  return {
    files,
    added: files.reduce((n, f) => n + f.added, 0),
    removed: files.reduce((n, f) => n + f.removed, 0),
  };
}

/**
 * The unified patch between `base` and `tree`. Binary files appear as "Binary files a/… and b/… differ":
 * the patch is for people to read in a thread, and the branch carries the bytes.
 */
export function patchOf(git: Git, cwd: string, base: string, tree: string): Promise<string> {
  return git.run(cwd, [
    "-c",
    "core.quotePath=false",
    "diff",
    ...diffOptions,
    "--src-prefix=a/",
    "--dst-prefix=b/",
    base,
    tree,
  ]);
}

/**
 * Reads `git diff --numstat -z`: `added\tremoved\tpath\0`, or for a rename `added\tremoved\t\0old\0new\0`.
 * A binary file has "-" for both counts.
 */
export function parseNumstat(out: string): FileChange[] {
  const fields = out.split("\0");
  const files: FileChange[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] ?? "";
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(field);
    if (!match) continue;
    const [, added = "-", removed = "-", inline = ""] = match;
    let path = inline;
    if (inline === "") {
      // A rename: the old path, then the new one, in the next two fields.
      path = fields[i + 2] ?? fields[i + 1] ?? "";
      i += 2;
    }
    const binary = added === "-" && removed === "-";
    files.push({
      path,
      added: binary ? 0 : Number(added),
      removed: binary ? 0 : Number(removed),
      binary,
    });
  }
  return files;
}

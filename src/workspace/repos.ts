import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../core/log.js";
import type { Repository } from "../core/ports/workspace.js";
import { type Git, GitError } from "./git.js";

/** Cloning a large repository takes a while; a dead connection must still end. */
const cloneTimeoutMs = 30 * 60 * 1000;
const fetchTimeoutMs = 5 * 60 * 1000;

/** A place sessions can start from: a BRIDGE_REPOS entry, or BRIDGE_WORKDIR when there are none. */
export interface Place {
  /** The BRIDGE_REPOS name; empty for BRIDGE_WORKDIR. */
  name: string;
  kind: "path" | "url";
  /** The configured path or URL. */
  source: string;
  /** Where git runs for it: the checkout itself, or the bridge's bare clone of the URL. */
  dir: string;
  /** Its folder under `<dataDir>/worktrees/` ("@" cannot be in a BRIDGE_REPOS name, so no name collides). */
  segment: string;
}

/** A place that is a git repository: where its sessions start inside a worktree. */
export interface OpenedPlace {
  place: Place;
  /** The place's directory relative to its work tree's top ("" at the top, or for a bare repository). */
  prefix: string;
}

export interface Base {
  /** The branch name (or, for a detached checkout, the commit). */
  name: string;
  commit: string;
}

export class Places {
  private readonly places: Place[];
  private readonly checkedOrigin = new Set<string>();

  constructor(
    repos: readonly Repository[],
    workdir: string,
    private readonly dataDir: string,
    private readonly git: Git,
    private readonly log: Logger,
  ) {
    this.places =
      repos.length > 0
        ? repos.map((r) => ({
            name: r.name,
            kind: r.kind,
            source: r.source,
            dir: r.kind === "url" ? join(dataDir, "repos", `${r.name}.git`) : r.source,
            segment: r.name,
          }))
        : [{ name: "", kind: "path", source: workdir, dir: workdir, segment: "@workdir" }];
  }

  /** The place a session asks for by name (the first one when unnamed); throws for an unknown name. */
  pick(name: string | undefined): Place {
    const first = this.places[0];
    if (!name && first) return first;
    const found = this.places.find((p) => p.name === name && p.name !== "");
    if (found) return found;
    const names = this.places.filter((p) => p.name !== "").map((p) => p.name);
    throw new Error(
      names.length === 0
        ? `there is no repository ${name} (BRIDGE_REPOS is not set)`
        : `there is no repository ${name}: BRIDGE_REPOS names ${names.join(", ")}`,
    );
  }

  /** The place a workspace was made in, if it is still configured. */
  of(repo: string): Place | undefined {
    return this.places.find((p) => p.name === repo);
  }

  /** Places whose repository exists on this machine now (URL repositories once cloned). */
  present(): Place[] {
    return this.places.filter((p) => existsSync(p.dir));
  }

  /**
   * Makes the place ready for a new session: a URL repository is cloned the first time and fetched
   * every time after. Undefined when a path is not a git repository (sessions then work in it directly).
   */
  async open(place: Place): Promise<OpenedPlace | undefined> {
    if (place.kind === "url") {
      if (existsSync(place.dir)) await this.refresh(place);
      else await this.clone(place);
      return { place, prefix: "" };
    }
    try {
      const [bare = "", prefix = ""] = (
        await this.git.run(place.dir, ["rev-parse", "--is-bare-repository", "--show-prefix"])
      ).split("\n");
      // A repository without a commit yet (a fresh `git init`) has nothing to branch from: its directory
      // is used as it is, like one that is not a repository.
      const born = await this.git.run(place.dir, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).then(
        () => true,
        () => false,
      );
      if (!born) return undefined;
      return { place, prefix: bare === "true" ? "" : prefix.replace(/\/$/, "") };
    } catch (error) {
      // 128 is git's "not a git repository"; anything else (git missing) is worth a line in the log.
      if (!(error instanceof GitError && error.exitCode === 128)) {
        this.log.warn("could not tell whether a directory is a git repository", {
          dir: place.dir,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      return undefined;
    }
  }

  /** The base a session starts from when it names none. */
  async defaultBase(place: Place): Promise<Base> {
    const git = this.git;
    const dir = place.dir;
    if (place.kind === "path") {
      // One call: the commit, then the branch HEAD is on ("HEAD" itself when detached). It fails on a
      // repository without commits.
      const out = await git
        .run(dir, ["rev-parse", "HEAD", "--symbolic-full-name", "HEAD", "--"])
        .catch(() => "");
      const [commit, symbolic = ""] = out.trim().split("\n");
      if (!commit) throw new Error(`${label(place)} has no commits yet: commit something first`);
      const branch = symbolic.startsWith("refs/heads/") ? symbolic.slice("refs/heads/".length) : undefined;
      return { name: branch ?? commit, commit };
    }
    let head = await git.ask(dir, ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"]);
    if (!head) {
      // The clone could not ask for it (offline then): ask again now.
      await git
        .run(dir, ["remote", "set-head", "origin", "--auto"], { timeoutMs: fetchTimeoutMs })
        .catch((error: unknown) => this.log.debug("remote set-head failed", { error: String(error) }));
      head = await git.ask(dir, ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"]);
    }
    const name = head?.trim().replace(/^refs\/remotes\/origin\//, "");
    const commit = name && (await git.commitOf(dir, `refs/remotes/origin/${name}`));
    if (!name || !commit) {
      throw new Error(
        `could not tell the default branch of ${label(place)}: name the base branch to start from`,
      );
    }
    return { name, commit };
  }

  /** The branch a session asked to start from; throws, listing the branches there are, when it does not exist. */
  async namedBase(place: Place, base: string): Promise<Base> {
    const valid = await this.git.succeeds(place.dir, ["check-ref-format", `refs/heads/${base}`]);
    const candidates =
      place.kind === "url"
        ? [`refs/remotes/origin/${base}`]
        : [`refs/heads/${base}`, `refs/remotes/origin/${base}`];
    for (const ref of valid ? candidates : []) {
      const commit = await this.git.commitOf(place.dir, ref);
      if (commit) return { name: base, commit };
    }
    const listed = await this.git.run(place.dir, [
      "for-each-ref",
      "--sort=-committerdate",
      "--count=10",
      place.kind === "url" ? "--format=%(refname:lstrip=3)" : "--format=%(refname:short)",
      place.kind === "url" ? "refs/remotes/origin/" : "refs/heads/",
    ]);
    const names = listed.split("\n").filter((n) => n !== "" && n !== "HEAD");
    const some = names.length > 0 ? ` Recent branches there: ${names.join(", ")}.` : "";
    throw new Error(
      `There is no branch ${base} in ${label(place)}.${some} Name one of them, or leave the base out to start from ` +
        (place.kind === "url" ? "its default branch." : "the checkout's current branch."),
    );
  }

  /** Clones a URL repository into `<dataDir>/repos/<name>.git`; a clone cut short leaves nothing behind. */
  private async clone(place: Place): Promise<void> {
    const partial = `${place.dir}.partial-${randomBytes(4).toString("hex")}`;
    await mkdir(join(this.dataDir, "repos"), { recursive: true });
    this.log.info("cloning a repository", { repo: place.name, from: shownUrl(place.source) });
    try {
      await this.git.run(join(this.dataDir, "repos"), ["init", "--quiet", "--bare", partial]);
      // `remote add` writes the fetch refspec +refs/heads/*:refs/remotes/origin/*, so `origin/<branch>`
      // refs exist and the clone has no branches of its own but the sessions'.
      await this.git.run(partial, ["remote", "add", "origin", place.source]);
      await this.git.run(partial, ["fetch", "--quiet", "--prune", "origin"], { timeoutMs: cloneTimeoutMs });
      await this.git
        .run(partial, ["remote", "set-head", "origin", "--auto"], { timeoutMs: fetchTimeoutMs })
        .catch((error: unknown) => {
          // A session may still name its base; defaultBase says so when it cannot tell.
          this.log.warn("could not tell a repository's default branch", {
            repo: place.name,
            error: String(error),
          });
        });
      await rename(partial, place.dir);
      this.checkedOrigin.add(place.name);
    } catch (error) {
      await rm(partial, { recursive: true, force: true });
      const why = error instanceof Error ? error.message : String(error);
      throw new Error(`could not clone ${label(place)} from ${shownUrl(place.source)}: ${why}`);
    }
  }

  /** Fetches before a session starts. Offline, the session starts from what was fetched last. */
  private async refresh(place: Place): Promise<void> {
    if (!this.checkedOrigin.has(place.name)) {
      // BRIDGE_REPOS may have moved the name to another URL since the clone was made.
      const url = (await this.git.ask(place.dir, ["config", "--get", "remote.origin.url"]))?.trim();
      if (url !== place.source) await this.git.run(place.dir, ["remote", "set-url", "origin", place.source]);
      this.checkedOrigin.add(place.name);
    }
    try {
      await this.git.run(place.dir, ["fetch", "--quiet", "--prune", "origin"], { timeoutMs: fetchTimeoutMs });
    } catch (error) {
      this.log.warn("could not fetch a repository; the session starts from what was fetched before", {
        repo: place.name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/** How messages name a place. */
export function label(place: Place): string {
  return place.name === "" ? `the working directory ${place.dir}` : `repository ${place.name}`;
}

/** A URL without any credentials in it, for messages and logs. */
export function shownUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, "//");
}

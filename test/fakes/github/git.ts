/**
 * Fake github.com git smart HTTP (reached through the TLS proxy): `https://github.com/<owner>/<repo>.git`
 * served by the real `git http-backend` from a temp dir of bare repositories, authenticated like GitHub.
 *
 * - upload-pack (clone, fetch): anonymous on public repositories; a private one wants a token that may read it.
 * - receive-pack (push, and its `info/refs`): no credential → 401 `WWW-Authenticate: Basic realm="GitHub"`;
 *   an unknown token → 401; a token that may only read → 403 "Permission to o/r.git denied to <login>.";
 *   a token that may write → the push runs, with REMOTE_USER = the token's login.
 * - A missing repository: 401 without credentials (GitHub does not tell), 404 "Repository not found." with.
 * - `protect(o, r, branch)`: a pre-receive hook declines pushes to it with GitHub's GH006 message, and the
 *   report says `protected branch hook declined`.
 */
import { execFile, execFileSync } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { GitService } from "./git-auth.js";
import { gitRefusal } from "./git-auth.js";
import { type CgiRun, runCgi } from "./git-cgi.js";
import { AUTHOR_ENV, commitFiles, protectionHook } from "./git-seed.js";
import type { Changes } from "./http.js";
import { rewriteReport } from "./pktline.js";
import { type AuthScheme, type FakeTokens, parseAuthorization } from "./tokens.js";

const execFileAsync = promisify(execFile);

export type { GitService } from "./git-auth.js";
export type { CgiRun } from "./git-cgi.js";

export interface CreateRepoOptions {
  /** Default "main". */
  defaultBranch?: string;
  /** Files of the initial commit, path → content. Default `{ "README.md": "# <name>\n" }`. */
  files?: Record<string, string>;
  /** Private repositories want a token that may read them even to clone. */
  private?: boolean;
  /** The initial commit's message. Default "Initial commit". */
  message?: string;
}

/** One request to github.com, as recorded (never the credential). */
export interface GitRequest {
  at: number;
  method: string;
  path: string;
  owner: string;
  repo: string;
  service?: GitService;
  auth: AuthScheme;
  /** The login of the token, when it is one the fake knows. */
  login?: string;
  status?: number;
}

/** An injected failure, answered before authentication. Consumed by one request unless sticky. */
export interface GitFault {
  status: number;
  /** Only for this `owner/name`. */
  repo?: string;
  /** Only for this service (info/refs counts as its service). */
  service?: GitService;
  /** The text/plain body ("remote: …" in git's output). */
  message?: string;
  sticky?: boolean;
}

export interface CommitInfo {
  sha: string;
  subject: string;
  parents: string[];
}

export class FakeGit {
  /** GIT_PROJECT_ROOT: `<owner>/<repo>.git` bare repositories. */
  readonly root: string;
  readonly requests: GitRequest[] = [];
  /** Every `git http-backend` the fake ran: command, args and environment (no credential is ever passed). */
  readonly processes: CgiRun[] = [];
  private readonly repos = new Map<string, { owner: string; name: string; private: boolean }>();
  private readonly faults: GitFault[] = [];
  private readonly baseEnv: Record<string, string>;
  private traces = 0;

  constructor(
    private readonly tokens: FakeTokens,
    private readonly changes: Changes,
    private readonly onCreate: (owner: string, name: string, defaultBranch: string) => void = () => undefined,
  ) {
    this.root = mkdtempSync(join(tmpdir(), "fake-gh-git-"));
    const home = join(this.root, ".home");
    mkdirSync(home);
    this.baseEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, GIT_CONFIG_NOSYSTEM: "1" };
  }

  /** Creates a bare repository with one commit on `defaultBranch`; returns its path. */
  createRepo(owner: string, name: string, opts: CreateRepoOptions = {}): string {
    const key = `${owner}/${name}`.toLowerCase();
    if (this.repos.has(key)) throw new Error(`FakeGit.createRepo: ${owner}/${name} exists`);
    const branch = opts.defaultBranch ?? "main";
    const dir = join(this.root, owner, `${name}.git`);
    mkdirSync(join(this.root, owner), { recursive: true });
    execFileSync("git", ["init", "-q", "--bare", "-b", branch, dir], { env: this.baseEnv });
    this.repos.set(key, { owner, name, private: opts.private ?? false });
    this.commit(owner, name, {
      branch,
      files: opts.files ?? { "README.md": `# ${name}\n` },
      message: opts.message ?? "Initial commit",
    });
    this.onCreate(owner, name, branch);
    return dir;
  }

  /**
   * Commits `files` (path → content) on `branch` directly in the bare repository, on top of its tip, or of
   * `from` when the branch does not exist yet (as if someone else pushed). Returns the new commit.
   */
  commit(
    owner: string,
    name: string,
    c: { branch: string; from?: string; files: Record<string, string>; message?: string },
  ): string {
    const index = join(this.root, ".home", `index-${owner}-${name}`);
    return commitFiles(this.repoPath(owner, name), { ...this.baseEnv, ...AUTHOR_ENV }, index, c);
  }

  /** Creates (or moves) `branch` to where `from` points, as a push of an existing commit would. */
  branch(owner: string, name: string, branch: string, from: string): void {
    const dir = this.repoPath(owner, name);
    const sha = this.gitSync(dir, ["rev-parse", "--verify", `refs/heads/${from}^{commit}`]);
    this.gitSync(dir, ["update-ref", `refs/heads/${branch}`, sha]);
  }

  has(owner: string, name: string): boolean {
    return this.repos.has(`${owner}/${name}`.toLowerCase());
  }

  repoPath(owner: string, name: string): string {
    const r = this.repos.get(`${owner}/${name}`.toLowerCase());
    if (!r) throw new Error(`FakeGit: no repository ${owner}/${name}`);
    return join(this.root, r.owner, `${r.name}.git`);
  }

  /** Branch names, sorted. */
  branches(owner: string, name: string): string[] {
    const out = this.gitSync(this.repoPath(owner, name), [
      "for-each-ref",
      "--format=%(refname:short)",
      "refs/heads",
    ]);
    return out ? out.split("\n").sort() : [];
  }

  /** Commits reachable from `branch`, newest first. */
  log(owner: string, name: string, branch: string): CommitInfo[] {
    const out = this.gitSync(this.repoPath(owner, name), [
      "log",
      "--format=%H%x09%P%x09%s",
      `refs/heads/${branch}`,
    ]);
    return out.split("\n").map((line) => {
      const [sha = "", parents = "", subject = ""] = line.split("\t");
      return { sha, subject, parents: parents ? parents.split(" ") : [] };
    });
  }

  /** The commit `branch` points at, or undefined when it does not exist. */
  async sha(owner: string, name: string, branch: string): Promise<string | undefined> {
    try {
      const { stdout } = await execFileAsync(
        "git",
        ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`],
        { cwd: this.repoPath(owner, name), env: this.baseEnv },
      );
      return stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** How many commits `head` has that `base` does not (`git rev-list --count base..head`). */
  async ahead(owner: string, name: string, base: string, head: string): Promise<number> {
    const { stdout } = await execFileAsync(
      "git",
      ["rev-list", "--count", `refs/heads/${base}..refs/heads/${head}`],
      { cwd: this.repoPath(owner, name), env: this.baseEnv },
    );
    return Number.parseInt(stdout.trim(), 10);
  }

  /** Branch protection: pushes to `branch` are declined by a pre-receive hook, in GitHub's words. */
  protect(owner: string, name: string, branch: string): void {
    const dir = this.repoPath(owner, name);
    const list = join(dir, "fake-protected-branches");
    const current = existsSync(list) ? readFileSync(list, "utf8").split("\n") : [];
    if (!current.includes(branch)) appendFileSync(list, `${branch}\n`);
    const hook = join(dir, "hooks", "pre-receive");
    writeFileSync(hook, protectionHook(list));
    chmodSync(hook, 0o755);
  }

  /** The next request (matching `repo`/`service`) answers `status`; every one while `sticky`. */
  fault(f: GitFault): void {
    this.faults.push(f);
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "https://github.com");
    const m = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/.exec(
      url.pathname,
    );
    const cred = parseAuthorization(req.headers.authorization);
    const login = cred.token ? this.tokens.login(cred.token) : undefined;
    const rec: GitRequest = {
      at: Date.now(),
      method: req.method ?? "GET",
      path: url.pathname,
      owner: m?.[1] ?? "",
      repo: m?.[2] ?? "",
      auth: cred.scheme,
      ...(login ? { login } : {}),
    };
    this.requests.push(rec);
    try {
      if (!m?.[1] || !m[2] || !m[3]) return this.text(res, rec, 404, "Not Found");
      const [owner, name, what] = [m[1], m[2], m[3]];
      const service = what === "info/refs" ? url.searchParams.get("service") : what;
      if (service !== "git-upload-pack" && service !== "git-receive-pack") {
        return this.text(
          res,
          rec,
          403,
          "Please upgrade your git client.\nGitHub.com no longer supports git over dumb-http.",
        );
      }
      rec.service = service;
      if (what !== "info/refs" && req.method !== "POST")
        return this.text(res, rec, 405, "Method Not Allowed");
      const refused = this.refuse(owner, name, service, cred.token);
      if (refused) {
        req.resume();
        if (refused.status === 401) res.setHeader("WWW-Authenticate", 'Basic realm="GitHub"');
        return this.text(res, rec, refused.status, refused.message);
      }
      const repo = this.repos.get(`${owner}/${name}`.toLowerCase());
      if (!repo) return this.text(res, rec, 404, "Repository not found.");
      const protectedRepo = existsSync(join(this.repoPath(owner, name), "fake-protected-branches"));
      const run = await runCgi({
        req,
        res,
        projectRoot: this.root,
        pathInfo: `/${repo.owner}/${repo.name}.git/${what}`,
        query: url.search.replace(/^\?/, ""),
        baseEnv: this.baseEnv,
        ...(login && service === "git-receive-pack" ? { remoteUser: login } : {}),
        ...(protectedRepo && what === "git-receive-pack"
          ? {
              rewrite: (b: Buffer) =>
                rewriteReport(b, "pre-receive hook declined", "protected branch hook declined"),
            }
          : {}),
      });
      rec.status = res.statusCode;
      this.processes.push(run);
    } finally {
      this.changes.emit();
    }
  };

  /** GitHub's answer when the request may not go on, or undefined when it may. */
  private refuse(
    owner: string,
    name: string,
    service: GitService,
    token: string | undefined,
  ): { status: number; message: string } | undefined {
    const key = `${owner}/${name}`.toLowerCase();
    const fault = this.faults.find(
      (f) => (!f.repo || f.repo.toLowerCase() === key) && (!f.service || f.service === service),
    );
    if (fault) {
      if (!fault.sticky) this.faults.splice(this.faults.indexOf(fault), 1);
      return { status: fault.status, message: fault.message ?? `fake fault ${fault.status}` };
    }
    return gitRefusal(this.repos.get(key), service, token, this.tokens);
  }

  private text(res: ServerResponse, rec: GitRequest, status: number, message: string): void {
    rec.status = status;
    const body = `${message}\n`;
    res.writeHead(status, {
      "content-type": "text/plain; charset=utf-8",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  }

  private gitSync(
    cwd: string,
    args: string[],
    env: Record<string, string> = this.baseEnv,
    input?: string,
  ): string {
    return execFileSync("git", args, {
      cwd,
      env,
      encoding: "utf8",
      ...(input === undefined ? {} : { input }),
    }).trim();
  }

  /**
   * A GIT_TRACE file for a git client under test: merge `env` into the client's environment; `lines()`
   * are git's trace of every git process it ran (`trace: built-in: git push …`, `run_command: …`), with
   * their argument lists.
   */
  trace(): { env: Record<string, string>; file: string; lines(): string[] } {
    const file = join(this.root, ".home", `trace-${++this.traces}.log`);
    return {
      env: { GIT_TRACE: file },
      file,
      lines: () =>
        existsSync(file)
          ? readFileSync(file, "utf8")
              .split("\n")
              .filter((l) => l.includes("trace:"))
          : [],
    };
  }

  /** Removes the repositories. */
  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

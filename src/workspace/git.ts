import { execFile } from "node:child_process";

/** The environment git child processes get. */
export type Env = Record<string, string | undefined>;

export interface GitOptions {
  cwd: string;
  env: Env;
  /** Kills git after this long: a network operation must not hold a session's start forever. */
  timeoutMs?: number;
}

/** A git command that failed: the command, its exit code (null when killed) and what it printed. */
export class GitError extends Error {
  override name = "GitError";
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    const detail = stderr.trim().split("\n").slice(-3).join(" / ") || "no output";
    super(`${command} failed (${exitCode === null ? "killed" : `exit ${exitCode}`}): ${detail}`);
  }
}

/** Diffs of a large session fit; anything beyond this is not something to post in a thread anyway. */
const maxBuffer = 64 * 1024 * 1024;

/**
 * Runs git with `args` (never through a shell) and returns its stdout. Its stdin is closed at once, so
 * a command that would wait for input fails instead of hanging.
 */
export function git(args: readonly string[], options: GitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      args,
      {
        cwd: options.cwd,
        env: options.env,
        maxBuffer,
        encoding: "utf8",
        windowsHide: true,
        ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const code = typeof error.code === "number" ? error.code : null;
        const command = `git ${args.join(" ")}`.slice(0, 300);
        reject(new GitError(command, code, stderr || error.message));
      },
    );
    child.stdin?.end();
  });
}

/**
 * Variables that would point git at another repository, index or object store than the one its working
 * directory belongs to (they are set when the bridge itself runs inside a git hook).
 */
const redirecting = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_PREFIX",
];

/** The environment for the bridge's git commands: never prompting, never redirected. */
export function gitEnvironment(base: Env): Env {
  const env: Env = { ...base };
  for (const name of redirecting) delete env[name];
  // Nobody is at a terminal to answer a username or passphrase prompt: fail instead of waiting.
  env.GIT_TERMINAL_PROMPT = "0";
  env.GCM_INTERACTIVE = "never";
  // Reading the status must not rewrite the session's index behind the agent's back.
  env.GIT_OPTIONAL_LOCKS = "0";
  return env;
}

/**
 * Every bridge command runs without hooks. A repository's (or the user's global) hooks are written for
 * a person at a terminal: a post-checkout hook installing dependencies on `worktree add`, a pre-commit
 * linter refusing the agent's work, a reference-transaction hook on every ref update. The bridge runs
 * unattended, so any of them could block or fail a session for reasons nobody sees. Signing is off for
 * the same reason: a signing key may ask for a passphrase.
 */
const unattended = ["-c", "core.hooksPath=/dev/null", "-c", "commit.gpgSign=false"];

/** git for the workspaces: the unattended settings, the bridge's environment, and exit-code tests. */
export class Git {
  readonly env: Env;

  constructor(base: Env) {
    this.env = gitEnvironment(base);
  }

  run(
    cwd: string,
    args: readonly string[],
    options: { env?: Env; timeoutMs?: number } = {},
  ): Promise<string> {
    return git([...unattended, ...args], {
      cwd,
      env: options.env ? { ...this.env, ...options.env } : this.env,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  /**
   * The command's stdout, or undefined when it exits 1: git's "no" for questions such as
   * `rev-parse --verify --quiet`, `symbolic-ref --quiet` or `config --get`. Any other failure throws.
   */
  async ask(cwd: string, args: readonly string[], options: { env?: Env } = {}): Promise<string | undefined> {
    try {
      return await this.run(cwd, args, options);
    } catch (error) {
      if (error instanceof GitError && error.exitCode === 1) return undefined;
      throw error;
    }
  }

  /** True when the command exits 0, false when it exits 1 (e.g. `diff --quiet`: "there are changes"). */
  async succeeds(cwd: string, args: readonly string[], options: { env?: Env } = {}): Promise<boolean> {
    return (await this.ask(cwd, args, options)) !== undefined;
  }

  /** The commit `ref` names, or undefined when there is none. */
  async commitOf(cwd: string, ref: string): Promise<string | undefined> {
    return (await this.ask(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]))?.trim();
  }
}

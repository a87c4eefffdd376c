/**
 * `git push` over HTTPS with a token that appears in no argument list, remote URL, config file or log:
 * it reaches git as an `http.<url>.extraHeader` through GIT_CONFIG_COUNT/KEY/VALUE in the child's
 * environment only. Git's complaints become `PublishError`s that say what fixes them.
 */
import { spawn } from "node:child_process";
import { PublishError } from "../core/ports/workspace.js";
import { fullName } from "./github-url.js";
import type { GitHubRepo } from "./remote.js";

export type Env = Record<string, string | undefined>;

/** The secrets a message must never contain: the token and the Basic credential made from it. */
export function secretsOf(token: string): string[] {
  return [token, basic(token)];
}

function basic(token: string): string {
  return Buffer.from(`x-access-token:${token}`).toString("base64");
}

/** Replaces every secret in `text`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join("[redacted]");
  return out;
}

/**
 * The environment for one authenticated git call to `url`: `base` plus, after any GIT_CONFIG_COUNT
 * entries it already has, (1) an empty `http.<url>.extraHeader` that drops headers configured for the
 * URL elsewhere (a checkout's persisted credentials), (2) the Authorization header, (3) an empty
 * `credential.helper` so no stored credential of someone else is offered (or this one stored). Git asks
 * nobody for a password: no terminal prompt, no askpass program.
 */
export function gitAuthEnv(base: Env, url: string, token: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  const existing = Number.parseInt(env.GIT_CONFIG_COUNT ?? "0", 10);
  let n = Number.isInteger(existing) && existing > 0 ? existing : 0;
  const add = (key: string, value: string): void => {
    env[`GIT_CONFIG_KEY_${n}`] = key;
    env[`GIT_CONFIG_VALUE_${n}`] = value;
    n += 1;
  };
  add(`http.${url}.extraHeader`, "");
  add(`http.${url}.extraHeader`, `Authorization: Basic ${basic(token)}`);
  add("credential.helper", "");
  env.GIT_CONFIG_COUNT = String(n);
  env.GIT_TERMINAL_PROMPT = "0";
  env.GIT_ASKPASS = "";
  env.SSH_ASKPASS = "";
  env.GCM_INTERACTIVE = "never";
  env.GIT_TRACE_REDACT = "1";
  return env;
}

export interface GitResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs git with `args` in `cwd`; never rejects on a non-zero exit. */
export function runGit(
  cwd: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** What the remote said (`remote: …` lines, GitHub's own words), without git's decoration. */
function remoteLines(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("remote:"))
    .map((l) =>
      l
        .replace(/^remote:\s*/, "")
        .replace(/^error:\s*/, "")
        .trim(),
    )
    .filter(Boolean);
}

/** The last line of git's output that says something (hints and blank lines left out). */
function lastLine(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("hint:"));
  return lines.at(-1) ?? "no output";
}

/** The `PublishError` for a failed `git push` of `branch` to `repo`, from git's stderr. */
export function pushFailure(
  result: GitResult,
  repo: GitHubRepo,
  branch: string,
  secrets: readonly string[],
): PublishError {
  const err = scrub(result.stderr, secrets);
  const name = fullName(repo);
  const said = remoteLines(err).join(" ").replace(/\.$/, "");
  const fail = (reason: ConstructorParameters<typeof PublishError>[0], message: string): PublishError =>
    new PublishError(reason, scrub(message, secrets));
  if (result.timedOut)
    return fail("other", `git push to ${name} did not finish in time: check the network and try again`);
  if (
    /protected branch hook declined|GH006|protected branch update failed|GH013|repository rule violations/i.test(
      err,
    )
  ) {
    return fail(
      "branch-protected",
      `branch protection on ${name} refused the push of ${branch}${said ? `: ${said}` : ""}: ask a maintainer to allow pushes to ${branch}, or change the rules`,
    );
  }
  if (
    /could not read (username|password)|authentication failed|returned error: 401|invalid username or (password|token)/i.test(
      err,
    )
  ) {
    return fail(
      "unauthorized",
      `GitHub refused the token (401) when pushing to ${name}: it may be expired or revoked`,
    );
  }
  if (/returned error: 403|permission to \S+ denied|permission denied/i.test(err)) {
    return fail(
      "no-push-access",
      `the token cannot push to ${name} (403${said ? `: ${said}` : ""}): give it contents:write / push access to the repository`,
    );
  }
  if (/repository not found|returned error: 404/i.test(err)) {
    return fail(
      "no-push-access",
      `GitHub does not show ${name} to the token (404): check the repository, and give the token access to it`,
    );
  }
  if (/\[rejected\]|non-fast-forward|fetch first|updates were rejected|stale info/i.test(err)) {
    return fail(
      "conflict",
      `${branch} on ${name} has commits this branch does not (push rejected, non-fast-forward): merge or rebase onto it, then publish again`,
    );
  }
  return fail("other", `git push to ${name} failed (exit ${result.code ?? "signal"}): ${lastLine(err)}`);
}

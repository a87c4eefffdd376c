/** Running a real git client against the fake from tests (asynchronously: the fake is in-process). */
import { spawn } from "node:child_process";

export interface GitRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `git args` in `cwd` with exactly `env`. */
export function git(cwd: string, args: string[], env: Record<string, string>): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Like `git`, but rejects (with git's stderr) unless it exits 0; resolves with stdout, trimmed. */
export async function gitOk(cwd: string, args: string[], env: Record<string, string>): Promise<string> {
  const r = await git(cwd, args, env);
  if (r.code !== 0) throw new Error(`git ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}

/** `env` plus an Authorization header for `url` through GIT_CONFIG_* (x-access-token:<token>, as GitHub documents). */
export function withToken(env: Record<string, string>, url: string, token: string): Record<string, string> {
  const header = `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
  return {
    ...env,
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: `http.${url}.extraHeader`,
    GIT_CONFIG_VALUE_0: header,
  };
}

/** Who may do what over github.com's git smart HTTP, answered in GitHub's words. */
import type { FakeTokens } from "./tokens.js";

export type GitService = "git-upload-pack" | "git-receive-pack";

const BAD_CREDENTIALS =
  "Invalid username or token. Password authentication is not supported for Git operations.";

/**
 * GitHub's refusal of `service` on `repo` (undefined: no such repository) for `token`, or undefined when
 * the request may go on:
 * - an unknown token: 401, whatever the repository;
 * - no token: 401 for receive-pack, for a private repository, and for one that does not exist (GitHub
 *   does not tell an anonymous client which repositories exist);
 * - a token that cannot see a private repository: 404 "Repository not found.";
 * - receive-pack with a token that may not write: 403 "Permission to o/r.git denied to <login>.".
 */
export function gitRefusal(
  repo: { owner: string; name: string; private: boolean } | undefined,
  service: GitService,
  token: string | undefined,
  tokens: FakeTokens,
): { status: number; message: string } | undefined {
  const access = token && repo ? tokens.access(token, repo.owner, repo.name) : undefined;
  if (token && !tokens.known(token)) return { status: 401, message: BAD_CREDENTIALS };
  if (!repo) return token ? undefined : { status: 401, message: BAD_CREDENTIALS };
  const mayRead = !repo.private || access === "read" || access === "write";
  if (!token && (service === "git-receive-pack" || !mayRead))
    return { status: 401, message: BAD_CREDENTIALS };
  if (!mayRead) return { status: 404, message: "Repository not found." };
  if (service === "git-receive-pack" && access !== "write") {
    const who = (token && tokens.login(token)) || "anonymous";
    return { status: 403, message: `Permission to ${repo.owner}/${repo.name}.git denied to ${who}.` };
  }
  return undefined;
}

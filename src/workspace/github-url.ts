/** Where a GitHub repository is: its remote URL forms, its HTTPS git URL and its REST API base. */
import type { GitHubRepo } from "./remote.js";

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** `host`, `path` of https://[user@]host[:port]/path, git@host:path and ssh://git@host[:port]/path. */
function split(url: string): { host: string; path: string } | undefined {
  const scp = /^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):(?!\/)(.+)$/.exec(url);
  if (scp?.[1] && scp[2]) return { host: scp[1], path: scp[2] };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "ssh:") return undefined;
  if (parsed.search || parsed.hash) return undefined;
  return { host: parsed.hostname, path: decodeURIComponent(parsed.pathname).replace(/^\//, "") };
}

/**
 * The repository a remote URL names when its host is one of `hosts` (compared without case), e.g.
 * `https://github.com/octo/demo.git`, `git@github.com:octo/demo`, `ssh://git@github.com/octo/demo.git`.
 */
export function parseRemoteUrl(url: string, hosts: readonly string[]): GitHubRepo | undefined {
  const parts = split(url.trim());
  if (!parts) return undefined;
  const host = hosts.find((h) => h.toLowerCase() === parts.host.toLowerCase());
  if (!host) return undefined;
  const segments = parts.path.replace(/\/$/, "").split("/");
  if (segments.length !== 2) return undefined;
  const [owner = "", rawName = ""] = segments;
  const name = rawName.replace(/\.git$/, "");
  if (!OWNER.test(owner) || !NAME.test(name) || name === "." || name === "..") return undefined;
  return { host: host.toLowerCase(), owner, name };
}

/** The HTTPS URL git pushes to (never with credentials in it). */
export function gitUrl(repo: GitHubRepo): string {
  return `https://${repo.host}/${repo.owner}/${repo.name}.git`;
}

/** The REST API root: api.github.com for github.com, `https://<host>/api/v3` for GitHub Enterprise Server. */
export function apiBase(host: string): string {
  return host === "github.com" ? "https://api.github.com" : `https://${host}/api/v3`;
}

/** `owner/name`. */
export function fullName(repo: GitHubRepo): string {
  return `${repo.owner}/${repo.name}`;
}

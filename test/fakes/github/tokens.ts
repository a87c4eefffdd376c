/**
 * The tokens the fake GitHub knows, shared by its git smart HTTP (github.com) and its REST API
 * (api.github.com): who each one is, and what it may do on which repository.
 *
 * A token is "write" (push, open pull requests), "read" (clone; a push gets 403, a pull request
 * 403 "Resource not accessible by personal access token") or "none" on a repository. Unknown
 * tokens get 401, like revoked or expired ones on GitHub.
 */

export type Access = "none" | "read" | "write";

export interface TokenGrant {
  login: string;
  /** Access on repositories not listed in `repos`. */
  access: Access;
  /** Per-repository access, keyed `owner/name` (lower case). */
  repos: Map<string, Access>;
}

export interface TokenOptions {
  login?: string;
  access?: Access;
  /** Per-repository access, keyed `owner/name`. */
  repos?: Record<string, Access>;
}

export class FakeTokens {
  private readonly grants = new Map<string, TokenGrant>();

  /** Registers (or replaces) a token. Default: login `octocat`, write access everywhere. */
  add(token: string, opts: TokenOptions = {}): void {
    const repos = new Map<string, Access>();
    for (const [k, v] of Object.entries(opts.repos ?? {})) repos.set(k.toLowerCase(), v);
    this.grants.set(token, { login: opts.login ?? "octocat", access: opts.access ?? "write", repos });
  }

  /** Sets what a known token may do on one repository. */
  restrict(token: string, owner: string, name: string, access: Access): void {
    const grant = this.grants.get(token);
    if (!grant) throw new Error("FakeTokens.restrict: unknown token");
    grant.repos.set(`${owner}/${name}`.toLowerCase(), access);
  }

  /** Forgets a token: it answers 401 from now on (a revoked or expired token). */
  revoke(token: string): void {
    this.grants.delete(token);
  }

  /** Revokes every token of `login` (as if they revoked the app's authorization on GitHub). */
  revokeLogin(login: string): number {
    const tokens = this.tokensOf(login);
    for (const token of tokens) this.grants.delete(token);
    return tokens.length;
  }

  /** The tokens `login` holds now: for tests that check a token never shows up where it must not. */
  tokensOf(login: string): string[] {
    return [...this.grants].filter(([, g]) => g.login === login).map(([token]) => token);
  }

  known(token: string): boolean {
    return this.grants.has(token);
  }

  login(token: string): string | undefined {
    return this.grants.get(token)?.login;
  }

  /** What `token` may do on `owner/name`; undefined for an unknown token. */
  access(token: string, owner: string, name: string): Access | undefined {
    const grant = this.grants.get(token);
    if (!grant) return undefined;
    return grant.repos.get(`${owner}/${name}`.toLowerCase()) ?? grant.access;
  }
}

/** How a request authenticated, as recorded (never the credential itself). */
export type AuthScheme = "none" | "basic" | "bearer" | "token" | "other";

export interface Credential {
  scheme: AuthScheme;
  /** The token the credential carries (never recorded). */
  token?: string;
}

/**
 * Reads an Authorization header the way GitHub does: `Bearer <t>` / `token <t>` (REST), or Basic with
 * the token as the password (git: `x-access-token:<t>`), or as the user name with an empty or
 * `x-oauth-basic` password.
 */
export function parseAuthorization(header: string | undefined): Credential {
  if (!header) return { scheme: "none" };
  const m = /^(\w+)\s+(.+)$/.exec(header.trim());
  if (!m?.[1] || !m[2]) return { scheme: "other" };
  const scheme = m[1].toLowerCase();
  const value = m[2].trim();
  if (scheme === "bearer" || scheme === "token") return { scheme, token: value };
  if (scheme !== "basic") return { scheme: "other" };
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? "" : decoded.slice(colon + 1);
  const token = password && password !== "x-oauth-basic" ? password : user;
  return token ? { scheme: "basic", token } : { scheme: "basic" };
}

/** A copy of request headers safe to print: the Authorization value is replaced by its scheme. */
export function redactHeaders<T extends Record<string, string | string[] | undefined>>(headers: T): T {
  const copy = { ...headers };
  for (const key of Object.keys(copy)) {
    if (key.toLowerCase() !== "authorization") continue;
    const v = copy[key];
    const scheme = typeof v === "string" ? (v.split(/\s+/)[0] ?? "") : "";
    Object.assign(copy, { [key]: `${scheme} [redacted]` });
  }
  return copy;
}

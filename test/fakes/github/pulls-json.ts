/** A fake pull request and its REST representation (the fields clients read, named as GitHub names them). */

export interface PullRequest {
  owner: string;
  repo: string;
  number: number;
  title: string;
  body: string | null;
  /** The head branch (same repository: the fake has no forks). */
  head: string;
  base: string;
  state: "open" | "closed";
  draft: boolean;
  /** The head branch's commit when last seen. */
  headSha: string;
  /** Who opened it (the token's login). */
  login: string;
  createdAt: string;
  updatedAt: string;
}

/** `full`: the single-pull-request form (adds `merged`, `mergeable`, `commits`…); lists leave those out. */
export function pullJson(pr: PullRequest, baseSha: string, full: boolean): Record<string, unknown> {
  const api = `https://api.github.com/repos/${pr.owner}/${pr.repo}`;
  const repo = {
    name: pr.repo,
    full_name: `${pr.owner}/${pr.repo}`,
    owner: { login: pr.owner },
    html_url: `https://github.com/${pr.owner}/${pr.repo}`,
  };
  const json: Record<string, unknown> = {
    url: `${api}/pulls/${pr.number}`,
    id: 100_000 + pr.number,
    html_url: `https://github.com/${pr.owner}/${pr.repo}/pull/${pr.number}`,
    issue_url: `${api}/issues/${pr.number}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: { login: pr.login },
    body: pr.body,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.state === "closed" ? pr.updatedAt : null,
    merged_at: null,
    draft: pr.draft,
    head: { label: `${pr.owner}:${pr.head}`, ref: pr.head, sha: pr.headSha, repo },
    base: { label: `${pr.owner}:${pr.base}`, ref: pr.base, sha: baseSha, repo },
  };
  if (full) Object.assign(json, { merged: false, mergeable: null, mergeable_state: "unknown" });
  return json;
}

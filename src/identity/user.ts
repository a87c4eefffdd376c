/** Whose a token is: `GET /user`. */
import { apiDetail, userAnswer } from "./answers.js";
import { API_VERSION, type ClientOptions, gitHubEndpoints } from "./endpoints.js";
import { IdentityError, scrub, withHttp } from "./http.js";

export interface GitHubUser {
  login: string;
  id: number;
  name: string | null;
}

/** `GET /user` with the token: whose it is. A refused token is an IdentityError `bad_credentials`. */
export async function fetchLogin(token: string, opts: ClientOptions = {}): Promise<GitHubUser> {
  const ep = gitHubEndpoints(opts.host);
  const url = `${ep.api}/user`;
  const call = `GET ${url}`;
  const secrets = [token];
  const answer = await withHttp(opts, (http) =>
    http.send(
      {
        method: "GET",
        url,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/vnd.github+json",
          "X-GitHub-Api-Version": API_VERSION,
        },
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      secrets,
    ),
  );
  const fail = (code: string, message: string) =>
    new IdentityError(code, scrub(message, secrets), "GET", url, answer.status);
  if (answer.status === 401) {
    throw fail(
      "bad_credentials",
      `GitHub refused the token (${apiDetail(answer)}; ${call}): it was revoked or expired`,
    );
  }
  if (answer.status !== 200) throw fail("http", `GitHub refused the call (${apiDetail(answer)}; ${call})`);
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch {
    json = undefined;
  }
  const parsed = userAnswer.safeParse(json);
  if (!parsed.success) throw fail("malformed", `GitHub's answer is not a user (${answer.status}; ${call})`);
  return { login: parsed.data.login, id: parsed.data.id, name: parsed.data.name ?? null };
}

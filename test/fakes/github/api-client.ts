/** Calling the fake api.github.com from tests, through the proxy, as a REST client would. */
import { rootCertificates } from "node:tls";
import { EnvHttpProxyAgent, fetch } from "undici";
import type { FakeGitHub } from "./index.js";

export interface ApiAnswer {
  status: number;
  json: unknown;
  headers: Headers;
}

export interface ApiCallOptions {
  /** Sent as `Authorization: <scheme> <token>`; none when undefined. */
  token?: string;
  /** Default "Bearer". */
  scheme?: string;
  /** JSON body. */
  body?: unknown;
  /** A raw body (e.g. malformed JSON). */
  raw?: string;
}

const agents = new WeakMap<FakeGitHub, EnvHttpProxyAgent>();

/** `method` `https://api.github.com<path>` through `gh`'s proxy, trusting its CA. */
export async function apiCall(
  gh: FakeGitHub,
  method: string,
  path: string,
  o: ApiCallOptions = {},
): Promise<ApiAnswer> {
  let agent = agents.get(gh);
  if (!agent) {
    agent = new EnvHttpProxyAgent({
      httpsProxy: gh.proxy.url,
      noProxy: "",
      requestTls: { ca: [...rootCertificates, gh.certs.caCertPem] },
    });
    agents.set(gh, agent);
  }
  const headers: Record<string, string> = {
    Accept: "application/vnd.github+json",
    "User-Agent": "fake-test",
  };
  if (o.token !== undefined) headers.Authorization = `${o.scheme ?? "Bearer"} ${o.token}`;
  const body = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`https://api.github.com${path}`, {
    method,
    headers,
    dispatcher: agent,
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, json, headers: res.headers };
}

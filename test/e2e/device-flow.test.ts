/**
 * The bridge's device-flow client (src/identity) against the fake GitHub through the TLS proxy, as it
 * runs for real (undici, HTTPS_PROXY, NODE_EXTRA_CA_CERTS): pending then approved with the interval
 * honoured, `slow_down`, expiry, denial, cancelling, the login behind a token, refresh, revoke, an
 * Enterprise host, and GitHub's refusals as IdentityErrors naming method and URL. The client and the
 * fake share a virtual clock, so the 5 s intervals cost no real time. No token, refresh token, device
 * code or client secret appears in any error.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import {
  type ClientPoll,
  type DeviceFlowStart,
  fetchLogin,
  gitHubEndpoints,
  IdentityError,
  IdentityHttp,
  type PollOptions,
  pollForToken,
  refreshToken,
  revokeToken,
  startDeviceFlow,
  type Transport,
} from "../../src/identity/device-flow.js";
import { FakeGitHub } from "../fakes/github/index.js";

const T = { timeout: 20_000 };
let gh: FakeGitHub;
let http: IdentityHttp;
/** The shared virtual clock (epoch ms). */
let t = 0;
/** Called after every virtual sleep, with the number of sleeps so far. */
let onSleep: (n: number) => void = () => undefined;
let sleeps = 0;
/** Added to each sleep's advance of the clock, by sleep number (a clock that drifts). */
let drift: Record<number, number> = {};
/** Every secret the tests saw, and every IdentityError thrown. */
const secrets: string[] = [];
const errors: IdentityError[] = [];

const now = () => t;
const sleep = async (ms: number): Promise<void> => {
  sleeps++;
  t += ms + (drift[sleeps] ?? 0);
  onSleep(sleeps);
};

before(async () => {
  gh = await FakeGitHub.start();
  http = new IdentityHttp({ env: gh.env });
  secrets.push(gh.device.app.clientSecret, gh.gitHubToken);
});
after(async () => {
  await http.close();
  await gh.stop();
});
beforeEach(() => {
  t = 1_700_000_000_000;
  sleeps = 0;
  drift = {};
  onSleep = () => undefined;
  gh.device.clock = now;
  gh.device.interval = 5;
  gh.device.expiresIn = 900;
  gh.device.expiringTokens = false;
});

const clientId = () => gh.device.app.clientId;
const clientSecret = () => gh.device.app.clientSecret;

async function begin(opts: { host?: string; scope?: string[] } = {}): Promise<DeviceFlowStart> {
  const start = await startDeviceFlow({ clientId: clientId(), http, now, ...opts });
  secrets.push(start.deviceCode);
  return start;
}

function poll(start: DeviceFlowStart, extra: Partial<PollOptions> = {}) {
  return pollForToken(start, { http, now, sleep, ...extra }).then((r) => {
    if (r.outcome === "approved") {
      secrets.push(r.token.accessToken);
      if (r.token.refreshToken) secrets.push(r.token.refreshToken);
    }
    return r;
  });
}

/** Awaits `p`, which must reject with an IdentityError; keeps it for the last test. */
async function refused(p: Promise<unknown>, code: string): Promise<IdentityError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof IdentityError, `not an IdentityError: ${String(err)}`);
    errors.push(err);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected an IdentityError ${code}`);
}

test("pending → approved: the client waits `interval` before every poll; no real waiting", T, async () => {
  const startedAt = Date.now();
  const start = await begin({ scope: ["repo", "read:org"] });
  assert.match(start.userCode, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  assert.equal(start.verificationUri, "https://github.com/login/device");
  assert.equal(start.interval, 5);
  assert.equal(start.expiresAt, t + 900_000);
  assert.equal(start.host, "github.com");
  const seen: ClientPoll[] = [];
  onSleep = (n) => {
    if (n === 3) gh.device.approve(start.userCode, "alice", { name: "Alice Liddell" });
  };
  const result = await poll(start, { onPoll: (p) => seen.push(p) });
  assert.equal(result.outcome, "approved");
  assert.ok(result.outcome === "approved");
  assert.equal(result.polls, 3);
  assert.match(result.token.accessToken, /^gho_/);
  assert.equal(result.token.scope, "repo,read:org");
  assert.equal(result.token.refreshToken, undefined);
  assert.equal(result.token.expiresAt, undefined);

  const polls = gh.device.pollsFor(start.userCode);
  assert.deepEqual(
    polls.map((p) => [p.outcome, p.sinceLastMs]),
    [
      ["authorization_pending", undefined],
      ["authorization_pending", 5_000],
      ["token", 5_000],
    ],
  );
  assert.equal(polls[0]?.at, start.expiresAt - 900_000 + 5_000, "the first poll waited the interval too");
  assert.deepEqual(
    seen.map((p) => [p.outcome, p.interval]),
    [
      ["authorization_pending", 5],
      ["authorization_pending", 5],
      ["token", 5],
    ],
  );
  assert.ok(Date.now() - startedAt < 3_000, "took real time");

  const me = await fetchLogin(result.token.accessToken, { http });
  assert.deepEqual([me.login, me.name], ["alice", "Alice Liddell"]);
  assert.equal(typeof me.id, "number");
  assert.equal(gh.tokens.login(result.token.accessToken), "alice");
});

test("slow_down: a poll that came too soon adds 5 s to this and every later wait", T, async () => {
  const start = await begin();
  drift = { 2: -1_000 }; // the second wait comes up a second short, as a drifting clock would
  onSleep = (n) => {
    if (n === 4) gh.device.approve(start.userCode, "bob");
  };
  const seen: ClientPoll[] = [];
  const result = await poll(start, { onPoll: (p) => seen.push(p) });
  assert.equal(result.outcome, "approved");
  const polls = gh.device.pollsFor(start.userCode);
  assert.deepEqual(
    polls.map((p) => [p.outcome, p.interval, p.sinceLastMs]),
    [
      ["authorization_pending", 5, undefined],
      ["slow_down", 10, 4_000],
      ["authorization_pending", 10, 10_000],
      ["token", 10, 10_000],
    ],
  );
  assert.deepEqual(
    seen.map((p) => p.interval),
    [5, 10, 10, 10],
  );
});

test("slow_down with a larger interval from GitHub: the client takes GitHub's", T, async () => {
  const answers = [
    { error: "slow_down", error_description: "Too many requests", interval: 20 },
    { error: "authorization_pending" },
    { access_token: "gho_stubbedtoken000000000000000000000000", token_type: "bearer", scope: "" },
  ];
  const waits: number[] = [];
  const transport: Transport = async () => ({
    status: 200,
    contentType: "application/json",
    text: JSON.stringify(answers.shift()),
  });
  const start: DeviceFlowStart = {
    host: "github.com",
    clientId: "Iv1.stub",
    deviceCode: "d".repeat(40),
    userCode: "ABCD-EFGH",
    verificationUri: "https://github.com/login/device",
    expiresAt: t + 900_000,
    interval: 5,
  };
  const result = await pollForToken(start, {
    transport,
    now,
    sleep: async (ms) => {
      waits.push(ms);
      t += ms;
    },
  });
  assert.equal(result.outcome, "approved");
  assert.deepEqual(waits, [5_000, 20_000, 20_000]);
});

test("expired: GitHub's expired_token ends the polling", T, async () => {
  const start = await begin();
  onSleep = (n) => {
    if (n === 2) gh.device.expire(start.userCode);
  };
  const result = await poll(start);
  assert.deepEqual(result, { outcome: "expired", polls: 2 });
  assert.deepEqual(
    gh.device.pollsFor(start.userCode).map((p) => p.outcome),
    ["authorization_pending", "expired_token"],
  );
});

test("expired: the client does not poll past expires_in", T, async () => {
  gh.device.expiresIn = 12;
  const start = await begin();
  const result = await poll(start);
  assert.deepEqual(result, { outcome: "expired", polls: 2 });
  assert.equal(gh.device.pollsFor(start.userCode).length, 2);
});

test("denied: access_denied ends the polling", T, async () => {
  const start = await begin();
  onSleep = (n) => {
    if (n === 2) gh.device.deny(start.userCode);
  };
  const result = await poll(start);
  assert.deepEqual(result, { outcome: "denied", polls: 2 });
});

test("cancelled: aborting the signal ends the polling, also mid-wait on a real timer", T, async () => {
  const start = await begin();
  const ac = new AbortController();
  onSleep = (n) => {
    if (n === 2) ac.abort();
  };
  assert.deepEqual(await poll(start, { signal: ac.signal }), { outcome: "cancelled", polls: 1 });

  const real = new AbortController();
  const began = Date.now();
  const pending = pollForToken({ ...start, expiresAt: Date.now() + 900_000 }, { http, signal: real.signal });
  setTimeout(() => real.abort(), 50);
  assert.deepEqual(await pending, { outcome: "cancelled", polls: 0 });
  assert.ok(Date.now() - began < 2_000);
});

test("expiring tokens: expiry times on the client's clock; refresh rotates the pair", T, async () => {
  gh.device.expiringTokens = true;
  const start = await begin();
  onSleep = () => gh.device.approve(start.userCode, "carol");
  const result = await poll(start);
  assert.ok(result.outcome === "approved");
  const first = result.token;
  assert.match(first.accessToken, /^ghu_/);
  assert.match(first.refreshToken ?? "", /^ghr_/);
  assert.equal(first.expiresAt, t + 28_800_000);
  assert.equal(first.refreshExpiresAt, t + 15_897_600_000);
  assert.equal(first.scope, "");

  t += 60_000;
  const second = await refreshToken({
    clientId: clientId(),
    refreshToken: first.refreshToken ?? "",
    http,
    now,
  });
  secrets.push(second.accessToken, second.refreshToken ?? "");
  assert.notEqual(second.accessToken, first.accessToken);
  assert.equal(second.expiresAt, t + 28_800_000);
  assert.equal((await fetchLogin(second.accessToken, { http })).login, "carol");
  const old = await refused(fetchLogin(first.accessToken, { http }), "bad_credentials");
  assert.equal(old.status, 401);
  await refused(
    refreshToken({ clientId: clientId(), refreshToken: first.refreshToken ?? "", http, now }),
    "bad_refresh_token",
  );
  await refused(
    refreshToken({
      clientId: clientId(),
      clientSecret: "wrong-secret",
      refreshToken: second.refreshToken ?? "",
      http,
    }),
    "incorrect_client_credentials",
  );
  // With the app's secret, as a confidential client would.
  const third = await refreshToken({
    clientId: clientId(),
    clientSecret: clientSecret(),
    refreshToken: second.refreshToken ?? "",
    http,
  });
  secrets.push(third.accessToken, third.refreshToken ?? "");
  assert.equal((await fetchLogin(third.accessToken, { http })).login, "carol");
});

test("revoke: 204, then the token is refused (401); again is a 404; a wrong secret a 401", T, async () => {
  const start = await begin();
  onSleep = () => gh.device.approve(start.userCode, "dave");
  const result = await poll(start);
  assert.ok(result.outcome === "approved");
  const token = result.token.accessToken;
  await refused(revokeToken(clientId(), "wrong-secret", token, { http }), "bad_credentials");
  assert.equal((await fetchLogin(token, { http })).login, "dave");
  await revokeToken(clientId(), clientSecret(), token, { env: gh.env }); // a client of its own, closed after
  const after401 = await refused(fetchLogin(token, { http }), "bad_credentials");
  assert.equal(after401.method, "GET");
  assert.equal(after401.url, "https://api.github.com/user");
  assert.match(after401.message, /401 Bad credentials; GET https:\/\/api\.github\.com\/user/);
  const again = await refused(revokeToken(clientId(), clientSecret(), token, { http }), "not_found");
  assert.equal(again.url, `https://api.github.com/applications/${clientId()}/token`);
  assert.equal(again.method, "DELETE");
});

test("GitHub Enterprise: https://<host>/login/… and https://<host>/api/v3", T, async () => {
  const host = gh.enterpriseHost;
  assert.deepEqual(gitHubEndpoints(host), { host, web: `https://${host}`, api: `https://${host}/api/v3` });
  assert.deepEqual(gitHubEndpoints("GitHub.com"), {
    host: "github.com",
    web: "https://github.com",
    api: "https://api.github.com",
  });
  assert.throws(() => gitHubEndpoints("https://github.com"), TypeError);
  assert.throws(() => gitHubEndpoints("ghe.example.com/path"), TypeError);

  const start = await begin({ host });
  assert.equal(start.verificationUri, `https://${host}/login/device`);
  onSleep = () => gh.device.approve(start.userCode, "erin");
  const result = await poll(start);
  assert.ok(result.outcome === "approved");
  assert.equal(gh.device.pollsFor(start.userCode)[0]?.host, host);
  assert.equal((await fetchLogin(result.token.accessToken, { host, http })).login, "erin");
  assert.deepEqual([gh.api.requests.at(-1)?.host, gh.api.requests.at(-1)?.path], [host, "/user"]);
  await revokeToken(clientId(), clientSecret(), result.token.accessToken, { host, http });
  const refusedThere = await refused(fetchLogin(result.token.accessToken, { host, http }), "bad_credentials");
  assert.equal(refusedThere.url, `https://${host}/api/v3/user`);
});

test(
  "GitHub's refusals: unknown app, device flow off, a bad device code, a wrong verification URL",
  T,
  async () => {
    const unknown = await refused(startDeviceFlow({ clientId: "Iv1.nobody", http }), "unknown_client");
    assert.equal(unknown.status, 404);
    assert.match(unknown.message, /POST https:\/\/github\.com\/login\/device\/code/);
    gh.device.addApp({ clientId: "Iv1.noflow", clientSecret: "noflow-secret", deviceFlow: false });
    secrets.push("noflow-secret");
    const off = await refused(startDeviceFlow({ clientId: "Iv1.noflow", http }), "device_flow_disabled");
    assert.match(off.message, /enable Device Flow/);

    const start = await begin();
    const forged = { ...start, deviceCode: "f".repeat(40) };
    secrets.push(forged.deviceCode);
    const bad = await refused(poll(forged), "incorrect_device_code");
    assert.equal(bad.url, "https://github.com/login/oauth/access_token");
    await refused(poll({ ...start, clientId: "Iv1.nobody" }), "incorrect_client_credentials");

    const phishing: Transport = async () => ({
      status: 200,
      contentType: "application/json",
      text: JSON.stringify({
        device_code: "e".repeat(40),
        user_code: "WDJB-MJHT",
        verification_uri: "https://github.com.evil.example/login/device",
        expires_in: 900,
        interval: 5,
      }),
    });
    secrets.push("e".repeat(40));
    await refused(startDeviceFlow({ clientId: clientId(), transport: phishing }), "malformed");
    const garbage: Transport = async () => ({ status: 200, contentType: "text/html", text: "<html>" });
    await refused(startDeviceFlow({ clientId: clientId(), transport: garbage }), "malformed");
  },
);

test("no answer: a network failure names the method and URL", T, async () => {
  const env = { ...gh.env, HTTPS_PROXY: "http://127.0.0.1:1", https_proxy: "http://127.0.0.1:1" };
  const token = "gho_networkfailuretoken00000000000000000";
  secrets.push(token);
  const err = await refused(fetchLogin(token, { env, timeoutMs: 5_000 }), "network");
  assert.equal(err.status, undefined);
  assert.match(err.message, /could not reach GitHub \(GET https:\/\/api\.github\.com\/user\)/);
});

test("no error thrown anywhere above holds a token, refresh token, device code or client secret", T, () => {
  assert.ok(errors.length >= 14, `errors seen: ${errors.length}`);
  assert.ok(secrets.length >= 12, `secrets seen: ${secrets.length}`);
  for (const err of errors) {
    assert.ok(err.method && err.url, "every error names its method and URL");
    assert.ok(err.message.includes(err.url), `the message names the URL: ${err.message}`);
    const shown = [err.message, String(err), err.stack ?? "", JSON.stringify(err), err.url].join("\n");
    for (const s of secrets) assert.ok(!shown.includes(s), `a secret (${s.slice(0, 4)}…) in: ${err.message}`);
  }
});

/**
 * The fake OAuth device flow (github.com and the Enterprise host, through the TLS proxy) against what
 * GitHub documents: the device code answer and its formats, every error code of the token endpoint,
 * `slow_down` on the fake's clock, expiring tokens and refresh, `GET /user` with issued tokens,
 * "Delete an app token", and Mission Control's callers. No secret is ever in a record.
 * See test/fakes/github/README.md.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { rootCertificates } from "node:tls";
import { CopilotClient } from "@github/copilot-sdk";
import { EnvHttpProxyAgent, fetch } from "undici";
import { apiCall } from "./github/api-client.js";
import { DEVICE_GRANT_TYPE, FakeGitHub, tokenFingerprint } from "./github/index.js";
import { FakeModel } from "./model/index.js";

const T = { timeout: 20_000 };
let gh: FakeGitHub;
let agent: EnvHttpProxyAgent;
/** The fake's clock. */
let now = 0;
/** Every secret the fake handed out, to check no record holds one. */
const secrets: string[] = [];

before(async () => {
  gh = await FakeGitHub.start();
  agent = new EnvHttpProxyAgent({
    httpsProxy: gh.proxy.url,
    noProxy: "",
    requestTls: { ca: [...rootCertificates, gh.certs.caCertPem] },
  });
  secrets.push(gh.device.app.clientSecret);
});
after(async () => {
  await agent.close();
  await gh.stop();
});
beforeEach(() => {
  now = 1_700_000_000_000;
  gh.device.clock = () => now;
  gh.device.interval = 5;
  gh.device.expiresIn = 900;
  gh.device.expiringTokens = false;
});

interface Answer {
  status: number;
  type: string;
  text: string;
  /** JSON or form fields. */
  f: Record<string, string>;
}

/** POST `https://<host><path>` with form (or JSON) parameters, as an OAuth client would. */
async function post(
  path: string,
  params: Record<string, string>,
  o: { host?: string; accept?: string; json?: boolean } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    "Content-Type": o.json ? "application/json" : "application/x-www-form-urlencoded",
  };
  if (o.accept !== "") headers.Accept = o.accept ?? "application/json";
  const res = await fetch(`https://${o.host ?? "github.com"}${path}`, {
    method: "POST",
    headers,
    body: o.json ? JSON.stringify(params) : new URLSearchParams(params).toString(),
    dispatcher: agent,
  });
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  const f: Record<string, string> = {};
  if (type.includes("json")) {
    for (const [k, v] of Object.entries(JSON.parse(text) as Record<string, unknown>)) f[k] = String(v);
  } else if (type.includes("x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(text)) f[k] = v;
  }
  if (f.access_token) secrets.push(f.access_token);
  if (f.refresh_token) secrets.push(f.refresh_token);
  if (f.device_code) secrets.push(f.device_code);
  return { status: res.status, type, text, f };
}

const clientId = () => gh.device.app.clientId;

async function start(scope = "repo read:org", host?: string) {
  const a = await post("/login/device/code", { client_id: clientId(), scope }, host ? { host } : {});
  assert.equal(a.status, 200, a.text);
  return { deviceCode: a.f.device_code ?? "", userCode: a.f.user_code ?? "", answer: a };
}

function poll(deviceCode: string, extra: Record<string, string> = {}, host?: string) {
  return post(
    "/login/oauth/access_token",
    { client_id: clientId(), device_code: deviceCode, grant_type: DEVICE_GRANT_TYPE, ...extra },
    host ? { host } : {},
  );
}

test(
  "device code: 40-hex device code, XXXX-XXXX user code, the verification URI, 900 s, 5 s",
  T,
  async () => {
    const { answer } = await start();
    assert.match(answer.type, /application\/json/);
    assert.match(answer.f.device_code ?? "", /^[0-9a-f]{40}$/);
    assert.match(answer.f.user_code ?? "", /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    assert.equal(answer.f.verification_uri, "https://github.com/login/device");
    assert.equal(answer.f.expires_in, "900");
    assert.equal(answer.f.interval, "5");
    const auth = gh.device.authorization(answer.f.user_code ?? "");
    assert.equal(auth?.scope, "repo read:org");
    assert.equal(auth?.state, "pending");
    assert.equal(auth?.expiresAt, now + 900_000);
  },
);

test("answers are form-encoded unless Accept asks for JSON or XML; a JSON body works too", T, async () => {
  const form = await post("/login/device/code", { client_id: clientId() }, { accept: "" });
  assert.match(form.type, /application\/x-www-form-urlencoded/);
  assert.match(form.text, /^device_code=[0-9a-f]{40}&user_code=/);
  const xml = await post("/login/device/code", { client_id: clientId() }, { accept: "application/xml" });
  assert.match(xml.type, /application\/xml/);
  assert.match(xml.text, /^<OAuth><device_code>[0-9a-f]{40}<\/device_code><user_code>/);
  const json = await post("/login/device/code", { client_id: clientId(), scope: "repo" }, { json: true });
  assert.equal(json.status, 200);
  assert.equal(gh.device.authorization(json.f.user_code ?? "")?.scope, "repo");
  const pending = await post(
    "/login/oauth/access_token",
    { client_id: clientId(), device_code: form.f.device_code ?? "", grant_type: DEVICE_GRANT_TYPE },
    { accept: "" },
  );
  assert.equal(pending.text.split("&")[0], "error=authorization_pending");
});

test(
  "device code: an unknown client_id is a 404; an app without the device flow a 400 device_flow_disabled",
  T,
  async () => {
    const unknown = await post("/login/device/code", { client_id: "Iv1.nobody" });
    assert.equal(unknown.status, 404);
    const none = await post("/login/device/code", {});
    assert.equal(none.status, 404);
    gh.device.addApp({ clientId: "Iv1.noflow", clientSecret: "s3cret-noflow", deviceFlow: false });
    secrets.push("s3cret-noflow");
    const off = await post("/login/device/code", { client_id: "Iv1.noflow" });
    assert.equal(off.status, 400);
    assert.equal(off.f.error, "device_flow_disabled");
  },
);

test(
  "polling: pending (200 + error, description, error_uri), slow_down adds 5 s, then the token once",
  T,
  async () => {
    const { deviceCode, userCode } = await start();
    const first = await poll(deviceCode);
    assert.equal(first.status, 200);
    assert.equal(first.f.error, "authorization_pending");
    assert.ok(first.f.error_description);
    assert.match(first.f.error_uri ?? "", /^https:\/\/docs\.github\.com\//);
    now += 4_999;
    const fast = await poll(deviceCode);
    assert.equal(fast.f.error, "slow_down");
    assert.equal(fast.f.interval, "10");
    now += 9_000; // still too soon for the new interval
    assert.equal((await poll(deviceCode)).f.error, "slow_down");
    assert.equal(gh.device.authorization(userCode)?.interval, 15);
    now += 15_000;
    assert.equal((await poll(deviceCode)).f.error, "authorization_pending");
    gh.device.approve(userCode, "alice", { name: "Alice Liddell" });
    now += 15_000;
    const ok = await poll(deviceCode);
    assert.match(ok.f.access_token ?? "", /^gho_[A-Za-z0-9]{36}$/);
    assert.equal(ok.f.token_type, "bearer");
    assert.equal(ok.f.scope, "repo,read:org");
    assert.equal(ok.f.refresh_token, undefined);
    assert.equal(ok.f.expires_in, undefined);
    now += 15_000;
    assert.equal((await poll(deviceCode)).f.error, "incorrect_device_code", "a device code is redeemed once");

    assert.deepEqual(
      gh.device.pollsFor(userCode).map((p) => [p.outcome, p.interval, p.sinceLastMs]),
      [
        ["authorization_pending", 5, undefined],
        ["slow_down", 10, 4_999],
        ["slow_down", 15, 9_000],
        ["authorization_pending", 15, 15_000],
        ["token", 15, 15_000],
      ],
    );
    assert.equal(gh.device.pollsFor(userCode)[0]?.at, now - 4_999 - 9_000 - 45_000);
    const token = ok.f.access_token ?? "";
    assert.equal(gh.tokens.login(token), "alice");
    assert.equal(gh.device.authorization(userCode)?.issued, tokenFingerprint(token));
    const issued = gh.device.issued.at(-1);
    assert.equal(issued?.login, "alice");
    assert.equal(issued?.active, true);
    assert.equal(issued?.via, "device");
  },
);

test("GET /user answers the token's login; no token or an unknown one is a 401", T, async () => {
  const { deviceCode, userCode } = await start();
  gh.device.approve(userCode, "bob", { name: "Bob" });
  const token = (await poll(deviceCode)).f.access_token ?? "";
  const me = await apiCall(gh, "GET", "/user", { token });
  assert.equal(me.status, 200);
  assert.deepEqual(
    [(me.json as Record<string, unknown>).login, (me.json as Record<string, unknown>).name],
    ["bob", "Bob"],
  );
  assert.equal(typeof (me.json as Record<string, unknown>).id, "number");
  const alsoBob = await apiCall(gh, "GET", "/user", { token, scheme: "token" });
  assert.equal((alsoBob.json as Record<string, unknown>).id, (me.json as Record<string, unknown>).id);
  const octocat = await apiCall(gh, "GET", "/user", { token: gh.gitHubToken });
  assert.equal((octocat.json as Record<string, unknown>).login, "octocat");
  const bad = await apiCall(gh, "GET", "/user", { token: "gho_unknown" });
  assert.equal(bad.status, 401);
  assert.equal((bad.json as Record<string, unknown>).message, "Bad credentials");
  const none = await apiCall(gh, "GET", "/user");
  assert.equal(none.status, 401);
  assert.equal((none.json as Record<string, unknown>).message, "Requires authentication");
});

test("denied: access_denied on every later poll; the code cannot be approved after", T, async () => {
  const { deviceCode, userCode } = await start();
  gh.device.deny(userCode);
  assert.equal((await poll(deviceCode)).f.error, "access_denied");
  now += 5_000;
  assert.equal((await poll(deviceCode)).f.error, "access_denied");
  assert.throws(() => gh.device.approve(userCode, "alice"), /denied/);
});

test("expired: by expire(), and by the clock after expires_in", T, async () => {
  const a = await start();
  gh.device.expire(a.userCode);
  assert.equal((await poll(a.deviceCode)).f.error, "expired_token");
  gh.device.expiresIn = 30;
  const b = await start();
  now += 29_999;
  assert.equal((await poll(b.deviceCode)).f.error, "authorization_pending");
  now += 1;
  assert.throws(() => gh.device.approve(b.userCode, "alice"), /expired/);
  assert.equal((await poll(b.deviceCode)).f.error, "expired_token");
  assert.equal(gh.device.authorization(b.userCode)?.state, "expired");
});

test("the token endpoint's other errors: client, grant type, device code", T, async () => {
  const { deviceCode } = await start();
  const wrongClient = await post("/login/oauth/access_token", {
    client_id: "Iv1.nobody",
    device_code: deviceCode,
    grant_type: DEVICE_GRANT_TYPE,
  });
  assert.equal(wrongClient.status, 200);
  assert.equal(wrongClient.f.error, "incorrect_client_credentials");
  assert.equal((await poll(deviceCode, { client_secret: "wrong" })).f.error, "incorrect_client_credentials");
  assert.equal(
    (await poll(deviceCode, { grant_type: "authorization_code" })).f.error,
    "unsupported_grant_type",
  );
  assert.equal((await poll("0".repeat(40))).f.error, "incorrect_device_code");
  const other = gh.device.addApp({ clientId: "Iv1.other", clientSecret: "other-secret" });
  secrets.push(other.clientSecret);
  const foreign = await post("/login/oauth/access_token", {
    client_id: other.clientId,
    device_code: deviceCode,
    grant_type: DEVICE_GRANT_TYPE,
  });
  assert.equal(foreign.f.error, "incorrect_device_code", "a device code is its app's only");
});

test("expiring tokens: ghu_ + ghr_, 8 h and 6 months, empty scope; refresh rotates both", T, async () => {
  gh.device.expiringTokens = true;
  const { deviceCode, userCode } = await start();
  gh.device.approve(userCode, "carol");
  const first = await poll(deviceCode);
  assert.match(first.f.access_token ?? "", /^ghu_/);
  assert.match(first.f.refresh_token ?? "", /^ghr_/);
  assert.equal(first.f.expires_in, "28800");
  assert.equal(first.f.refresh_token_expires_in, "15897600");
  assert.equal(first.f.scope, "");
  const issued = gh.device.issued.at(-1);
  assert.equal(issued?.expiresAt, now + 28_800_000);
  assert.equal(issued?.refreshFingerprint, tokenFingerprint(first.f.refresh_token ?? ""));

  now += 60_000;
  // No client secret: the token came from the device flow.
  const second = await post("/login/oauth/access_token", {
    client_id: clientId(),
    grant_type: "refresh_token",
    refresh_token: first.f.refresh_token ?? "",
  });
  assert.match(second.f.access_token ?? "", /^ghu_/);
  assert.notEqual(second.f.access_token, first.f.access_token);
  assert.notEqual(second.f.refresh_token, first.f.refresh_token);
  assert.equal(gh.tokens.login(second.f.access_token ?? ""), "carol");
  assert.equal((await apiCall(gh, "GET", "/user", { token: first.f.access_token ?? "" })).status, 401);
  assert.equal((await apiCall(gh, "GET", "/user", { token: second.f.access_token ?? "" })).status, 200);
  const reused = await post("/login/oauth/access_token", {
    client_id: clientId(),
    grant_type: "refresh_token",
    refresh_token: first.f.refresh_token ?? "",
  });
  assert.equal(reused.status, 200);
  assert.equal(reused.f.error, "bad_refresh_token");
  const wrongSecret = await post("/login/oauth/access_token", {
    client_id: clientId(),
    client_secret: "nope",
    grant_type: "refresh_token",
    refresh_token: second.f.refresh_token ?? "",
  });
  assert.equal(wrongSecret.f.error, "incorrect_client_credentials");
  now += 15_897_600_000;
  const late = await post("/login/oauth/access_token", {
    client_id: clientId(),
    client_secret: gh.device.app.clientSecret,
    grant_type: "refresh_token",
    refresh_token: second.f.refresh_token ?? "",
  });
  assert.equal(late.f.error, "bad_refresh_token", "an expired refresh token");
  assert.deepEqual(
    gh.device.refreshes.slice(-4).map((r) => r.outcome),
    ["token", "bad_refresh_token", "incorrect_client_credentials", "bad_refresh_token"],
  );
  assert.deepEqual(
    gh.device.issued.slice(-2).map((i) => [i.via, i.active]),
    [
      ["device", false],
      ["refresh", true],
    ],
  );
});

test(
  "DELETE /applications/{client_id}/token: 204 and the token stops working; GitHub's refusals",
  T,
  async () => {
    const { deviceCode, userCode } = await start();
    gh.device.approve(userCode, "dave");
    const token = (await poll(deviceCode)).f.access_token ?? "";
    const app = gh.device.app;
    const path = `/applications/${app.clientId}/token`;
    const basic = (user: string, pass: string) => Buffer.from(`${user}:${pass}`).toString("base64");
    const good = basic(app.clientId, app.clientSecret);

    const noAuth = await apiCall(gh, "DELETE", path, { body: { access_token: token } });
    assert.equal(noAuth.status, 401);
    assert.equal((noAuth.json as Record<string, unknown>).message, "Requires authentication");
    const wrong = await apiCall(gh, "DELETE", path, {
      scheme: "Basic",
      token: basic(app.clientId, "wrong"),
      body: { access_token: token },
    });
    assert.equal(wrong.status, 401);
    assert.equal((wrong.json as Record<string, unknown>).message, "Bad credentials");
    const other = gh.device.addApp({ clientId: "Iv1.third", clientSecret: "third-secret" });
    secrets.push(other.clientSecret);
    const foreign = await apiCall(gh, "DELETE", path, {
      scheme: "Basic",
      token: basic(other.clientId, other.clientSecret),
      body: { access_token: token },
    });
    assert.equal(foreign.status, 404, "another app's credentials");
    const asUser = await apiCall(gh, "DELETE", path, { token, body: { access_token: token } });
    assert.equal(asUser.status, 404, "a user token instead of the app's credentials");
    const missing = await apiCall(gh, "DELETE", path, { scheme: "Basic", token: good, body: {} });
    assert.equal(missing.status, 422);
    const garbage = await apiCall(gh, "DELETE", path, { scheme: "Basic", token: good, raw: "{" });
    assert.equal(garbage.status, 400);
    const notIssued = await apiCall(gh, "DELETE", path, {
      scheme: "Basic",
      token: good,
      body: { access_token: gh.gitHubToken },
    });
    assert.equal(notIssued.status, 404, "a token the app did not issue");
    assert.equal((await apiCall(gh, "GET", "/user", { token })).status, 200, "still works before the 204");

    const ok = await apiCall(gh, "DELETE", path, {
      scheme: "Basic",
      token: good,
      body: { access_token: token },
    });
    assert.equal(ok.status, 204);
    assert.equal((await apiCall(gh, "GET", "/user", { token })).status, 401);
    assert.equal(gh.tokens.known(token), false);
    const again = await apiCall(gh, "DELETE", path, {
      scheme: "Basic",
      token: good,
      body: { access_token: token },
    });
    assert.equal(again.status, 404);
    assert.equal(gh.device.issued.find((i) => i.fingerprint === tokenFingerprint(token))?.active, false);
  },
);

test("Enterprise host: /login/… on the host, its verification URI, and /api/v3/user", T, async () => {
  const host = gh.enterpriseHost;
  const { deviceCode, userCode, answer } = await start("repo", host);
  assert.equal(answer.f.verification_uri, `https://${host}/login/device`);
  assert.equal(gh.device.authorization(userCode)?.host, host);
  gh.device.approve(userCode, "erin");
  const token = (await poll(deviceCode, {}, host)).f.access_token ?? "";
  assert.ok(token);
  const res = await fetch(`https://${host}/api/v3/user`, {
    headers: { Authorization: `Bearer ${token}`, Accept: "application/vnd.github+json" },
    dispatcher: agent,
  });
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as Record<string, unknown>).login, "erin");
  const rec = gh.api.requests.at(-1);
  assert.deepEqual([rec?.host, rec?.path], [host, "/user"]);
  const elsewhere = await fetch(`https://${host}/octo/demo.git/info/refs`, { dispatcher: agent });
  assert.equal(elsewhere.status, 404);
  await elsewhere.text();
});

test("Mission Control records each caller's login and token fingerprint, never the token", T, async () => {
  const { deviceCode, userCode } = await start();
  gh.device.approve(userCode, "alice");
  const token = (await poll(deviceCode)).f.access_token ?? "";
  const res = await fetch(`${gh.mc.baseUrl}/sessions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ id: "sess-alice" }),
  });
  assert.equal(res.status, 201);
  await res.text();
  const anon = await fetch(`${gh.mc.baseUrl}/sessions/sess-alice`, {
    headers: { Authorization: "Bearer not-a-known-token" },
  });
  await anon.text();
  assert.deepEqual(gh.mc.callers.slice(-2), [
    {
      at: gh.mc.callers.at(-2)?.at,
      method: "POST",
      path: "/sessions",
      auth: "bearer",
      fingerprint: tokenFingerprint(token),
      login: "alice",
    },
    {
      at: gh.mc.callers.at(-1)?.at,
      method: "GET",
      path: "/sessions/sess-alice",
      auth: "bearer",
      fingerprint: tokenFingerprint("not-a-known-token"),
    },
  ]);
  assert.ok(!JSON.stringify(gh.mc.callers).includes(token));
});

test("the runtime with Alice's device-flow token: Mission Control sees Alice register the session", {
  timeout: 60_000,
}, async (t) => {
  gh.device.clock = Date.now;
  const { deviceCode, userCode } = await start();
  gh.device.approve(userCode, "alice");
  const token = (await poll(deviceCode)).f.access_token ?? "";
  assert.ok(token);
  const model = await FakeModel.start();
  const home = mkdtempSync(join(tmpdir(), "fake-gh-device-"));
  const base = gh.clientOptions();
  const client = new CopilotClient({
    gitHubToken: token,
    env: base.env,
    baseDirectory: home,
    logLevel: "error",
  });
  t.after(async () => {
    await client.stop();
    await model.stop();
    rmSync(home, { recursive: true, force: true });
  });
  const session = await client.createSession({
    ...model.sessionConfig(),
    workingDirectory: gh.gitRepo(),
    remoteSession: "on",
    onPermissionRequest: () => ({ kind: "no-result" }),
  });
  const registered = await gh.waitFor(
    () =>
      gh.mc.callers.find(
        (c) => c.method === "POST" && c.path === "/sessions" && c.fingerprint === tokenFingerprint(token),
      ),
    { what: "the runtime's POST /sessions with Alice's token" },
  );
  assert.equal(registered.login, "alice");
  assert.ok(gh.mc.session(session.sessionId));
  assert.ok(!JSON.stringify(gh.mc.callers).includes(token));
});

test("no record of the fake holds a token, refresh token, device code or client secret", T, async () => {
  const records = JSON.stringify({
    device: gh.device.requests,
    polls: gh.device.polls,
    issued: gh.device.issued,
    authorizations: gh.device.authorizations,
    refreshes: gh.device.refreshes,
    api: gh.api.requests,
    callers: gh.mc.callers,
    describe: gh.describe(),
  });
  assert.ok(secrets.length > 10, `secrets seen: ${secrets.length}`);
  for (const s of secrets) assert.ok(!records.includes(s), `a secret (${s.slice(0, 4)}…) is in a record`);
  assert.ok(records.includes("[redacted]"));
});

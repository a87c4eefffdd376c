/**
 * Probe tests: how the real runtime reports remote-session failures, driven by FakeGitHub's switches;
 * and the proxy/TLS plumbing itself. See test/fakes/github/README.md.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { connect } from "node:tls";
import { FakeGitHub } from "./github/index.js";
import { githubRig, ofType, rpcError } from "./github/rig.js";

const T = { timeout: 30_000 };
const SETUP_FAILED =
  "Request session.remote.enable failed with message: Failed to set up remote session. Ensure the working directory is a GitHub repository and you are authenticated.";
const NOT_ENABLED =
  "Remote sessions are not enabled for this repository. Contact your organization administrator to enable remote sessions.";
const NOT_ACCESSIBLE = "Remote session disabled: server not accessible.";

test("Mission Control failures: enable() error and session.warning per switch", T, async (t) => {
  const r = await githubRig(t);
  const cases: [string, () => Promise<void>, string, string | undefined][] = [
    ["403", () => r.gh.setMode({ sessions: "forbidden" }), SETUP_FAILED, NOT_ENABLED],
    ["500 html", () => r.gh.setMode({ sessions: "error" }), SETUP_FAILED, NOT_ACCESSIBLE],
    ["socket reset", () => r.gh.setMode({ sessions: "reset" }), SETUP_FAILED, NOT_ACCESSIBLE],
    ["refused", () => r.gh.setMode({ sessions: "ok", unreachable: true }), SETUP_FAILED, NOT_ACCESSIBLE],
    // 201 with a non-JSON body: the parse error comes back as is, and no warning at all.
    [
      "garbage",
      () => r.gh.setMode({ sessions: "garbage", unreachable: false }),
      "Request session.remote.enable failed with message: expected value at line 1 column 1",
      undefined,
    ],
  ];
  for (const [name, setup, error, warning] of cases) {
    await setup();
    const { session, events } = await r.open();
    assert.deepEqual(await rpcError(session.rpc.remote.enable({})), { code: -32603, message: error }, name);
    await sleep(100);
    const warnings = ofType(events, "session.warning").map((e) => e.data);
    assert.deepEqual(warnings, warning ? [{ warningType: "remote", message: warning }] : [], name);
    assert.equal(ofType(events, "session.info").length, 0, name);
  }
  // Same warnings with remoteSession: "on" (createSession itself succeeds).
  await r.gh.setMode({ sessions: "forbidden" });
  const { events } = await r.open({ remoteSession: "on" });
  const w = await r.event(events, "session.warning");
  assert.deepEqual(w.data, { warningType: "remote", message: NOT_ENABLED });
});

test("repository unknown to api.github.com (404): a warning with remediation", T, async (t) => {
  const r = await githubRig(t);
  r.gh.api.strictRepos = true; // unregistered repos answer 404
  const cwd = r.gh.gitRepo("https://github.com/octo/missing.git");
  const { session, events } = await r.open({ workingDirectory: cwd });
  assert.deepEqual(await rpcError(session.rpc.remote.enable({})), { code: -32603, message: SETUP_FAILED });
  const w = await r.event(events, "session.warning");
  assert.deepEqual(w.data, {
    warningType: "remote",
    message:
      'Remote session disabled: could not resolve "octo/missing". Logged in as https://github.com (via token). This account may not have access to the repository.',
    remediation: "switch_account",
  });
  assert.equal(r.gh.mc.requests.length, 0);
});

test(
  "cli_remote_control_enabled false: silent not-started, and a warning only in export mode",
  T,
  async (t) => {
    const r = await githubRig(t, { user: { cli_remote_control_enabled: false } });
    const a = await r.open();
    assert.deepEqual(await a.session.rpc.remote.enable({}), { remoteSteerable: false, started: false });
    const b = await r.open({ remoteSession: "on" });
    const c = await r.open({ remoteSession: "export" });
    const w = await r.event(c.events, "session.warning");
    // warningType "remote", not "policy_blocked" (see README: policy_blocked was not reproduced).
    assert.deepEqual(w.data, {
      warningType: "remote",
      message:
        "Remote controlled sessions are not enabled. Contact your organization administrator to enable remote controlled sessions.",
    });
    await sleep(300);
    for (const s of [a, b]) {
      assert.deepEqual(
        s.events.filter((e) => /^session\.(info|warning|error)$/.test(e.type)),
        [],
      );
    }
    // Steering and export are gated apart: the export session is still created on Mission Control.
    assert.deepEqual([...r.gh.mc.sessions.keys()], [c.session.sessionId]);
  },
);

test("no GitHub auth, or the token refused by api.github.com: -32603, no event", T, async (t) => {
  const none = await githubRig(t, { noToken: true });
  const a = await none.open({ remoteSession: "on" });
  const message = "Request session.remote.enable failed with message: Failed to get authentication token";
  assert.deepEqual(await rpcError(a.session.rpc.remote.enable({})), { code: -32603, message });
  assert.equal(none.gh.requests.length, 0);

  const refused = await githubRig(t, { userStatus: 401 });
  const b = await refused.open();
  assert.deepEqual(await rpcError(b.session.rpc.remote.enable({})), { code: -32603, message });
  assert.deepEqual(
    refused.gh.requests.map((q) => `${q.path} ${q.status}`),
    ["/copilot_internal/user 401", "/copilot_internal/user 401", "/copilot_internal/user 401"],
  );
  await sleep(100);
  for (const s of [a, b]) assert.equal(ofType(s.events, "session.warning").length, 0);
});

test(
  "env pitfalls: an untrusted CA is silent; without NO_PROXY Mission Control goes to the proxy",
  T,
  async (t) => {
    const system = "/etc/ssl/certs/ca-certificates.crt";
    const untrusted = await githubRig(t, {
      clientEnv: { SSL_CERT_FILE: system, NODE_EXTRA_CA_CERTS: system },
    });
    const a = await untrusted.open({ remoteSession: "on" });
    await untrusted.gh.waitFor(() => untrusted.gh.proxy.connects.length > 0);
    await sleep(500);
    assert.equal(untrusted.gh.requests.length, 0, "TLS handshake fails: no request arrives");
    assert.deepEqual(
      a.events.filter((e) => /^session\.(info|warning|error)$/.test(e.type)),
      [],
    );

    const proxied = await githubRig(t, { clientEnv: { NO_PROXY: undefined, no_proxy: undefined } });
    const b = await proxied.open({ remoteSession: "on" });
    const w = await proxied.event(b.events, "session.warning");
    // The proxy's 403 to the plain-http POST reads as Mission Control's 403.
    assert.equal(w.data.message, NOT_ENABLED);
    assert.match(
      proxied.gh.proxy.connects.find((c) => c.plain)?.plain ?? "",
      /^POST http:\/\/127\.0\.0\.1:\d+\/sessions$/,
    );
  },
);

test("proxy: TLS for api.github.com with the test CA, other hosts refused", async (t) => {
  const gh = await FakeGitHub.start();
  t.after(() => gh.stop());
  const port = Number(new URL(gh.proxy.url).port);
  const tunnel = (host: string) =>
    new Promise<{ status: number; socket: import("node:net").Socket }>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method: "CONNECT", path: `${host}:443` });
      req.on("connect", (res, socket) => resolve({ status: res.statusCode ?? 0, socket }));
      req.on("error", reject);
      req.end();
    });
  const refused = await tunnel("example.com");
  assert.equal(refused.status, 403);
  refused.socket.destroy();

  const { status, socket } = await tunnel("api.github.com");
  assert.equal(status, 200);
  const text = await new Promise<string>((resolve, reject) => {
    const tls = connect({ socket, servername: "api.github.com", ca: gh.certs.caCertPem }, () => {
      tls.write("GET /copilot_internal/user HTTP/1.1\r\nHost: api.github.com\r\nConnection: close\r\n\r\n");
    });
    let out = "";
    tls.on("data", (d: Buffer) => {
      out += d.toString();
    });
    tls.on("end", () => resolve(out));
    tls.on("error", reject);
  });
  assert.match(text, /^HTTP\/1\.1 200 /);
  const body = JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4));
  assert.equal(body.endpoints.api, "https://api.individual.githubcopilot.com");
  assert.deepEqual(
    gh.proxy.connects.map((c) => [c.host, c.accepted]),
    [
      ["example.com", false],
      ["api.github.com", true],
    ],
  );
});

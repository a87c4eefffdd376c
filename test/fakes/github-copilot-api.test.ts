/**
 * The fake GitHub's Copilot API (`gh.serveCopilotApi(model)`, github/copilot-api.ts): the real runtime
 * runs a model turn as a person's GitHub token, without a bring-your-own-key provider, and the fake
 * tells whose token each call carried. See github/README.md, "Copilot API".
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { rootCertificates } from "node:tls";
import { CopilotClient, type SessionConfig, type SessionEvent } from "@github/copilot-sdk";
import { EnvHttpProxyAgent, fetch } from "undici";
import { apiCall } from "./github/api-client.js";
import { FakeGitHub, tokenFingerprint } from "./github/index.js";
import { FakeModel } from "./model/index.js";

const ALICE = "ghu_alice_copilot_api";
const T = { timeout: 60_000 };

/** `method url` through the fake's proxy (trusting its CA), as the runtime would; `{status, json}`. */
async function viaProxy(
  gh: FakeGitHub,
  method: string,
  url: string,
  token?: string,
): Promise<{ status: number; json: unknown }> {
  const dispatcher = new EnvHttpProxyAgent({
    httpsProxy: gh.proxy.url,
    noProxy: "127.0.0.1",
    requestTls: { ca: [...rootCertificates, gh.certs.caCertPem] },
  });
  try {
    const res = await fetch(url, {
      method,
      dispatcher,
      headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    return { status: res.status, json: JSON.parse(text) as unknown };
  } finally {
    await dispatcher.close();
  }
}

test(
  "contract: off by default; on, /copilot_internal/user answers per token and the API checks tokens",
  T,
  async (t) => {
    const gh = await FakeGitHub.start({ user: { cli_remote_control_enabled: false } });
    const model = await FakeModel.start();
    t.after(async () => {
      await gh.stop();
      await model.stop();
    });
    gh.tokens.add(ALICE, { login: "alice" });
    const defaultUser = {
      login: "octocat",
      chat_enabled: true,
      copilot_plan: "individual",
      access_type_sku: "free_educational",
      endpoints: {
        api: "https://api.individual.githubcopilot.com",
        proxy: "https://proxy.individual.githubcopilot.com",
        telemetry: "https://telemetry.individual.githubcopilot.com",
        "origin-tracker": "https://origin-tracker.individual.githubcopilot.com",
      },
      cli_remote_control_enabled: false,
    };
    // Off: the same answer to any token or none; the Copilot hosts are not faked.
    assert.throws(() => gh.copilotApi, /the Copilot API is off/);
    for (const token of [ALICE, "ghu_nobody", undefined]) {
      const r = await apiCall(gh, "GET", "/copilot_internal/user", token === undefined ? {} : { token });
      assert.deepEqual([r.status, r.json], [200, defaultUser]);
    }
    assert.deepEqual(await viaProxy(gh, "GET", "https://api.githubcopilot.com/models", ALICE), {
      status: 404,
      json: { message: "fake proxy: no fake for api.githubcopilot.com" },
    });

    // On: per token.
    const api = await gh.serveCopilotApi(model);
    assert.equal(gh.copilotApi, api);
    await assert.rejects(gh.serveCopilotApi(model), /already on/);
    const alice = await apiCall(gh, "GET", "/copilot_internal/user", { token: ALICE });
    assert.deepEqual(
      [alice.status, alice.json],
      [
        200,
        {
          ...defaultUser,
          login: "alice",
          endpoints: { api: api.url, proxy: api.url, telemetry: api.url, "origin-tracker": api.url },
        },
      ],
    );
    const bridge = await apiCall(gh, "GET", "/copilot_internal/user", { token: gh.gitHubToken });
    assert.equal((bridge.json as { login: string }).login, "octocat");
    for (const token of ["ghu_nobody", undefined]) {
      const r = await apiCall(gh, "GET", "/copilot_internal/user", token === undefined ? {} : { token });
      assert.deepEqual([r.status, r.json], [401, { message: "Bad credentials" }]);
    }
    api.endpointPath = "/v1";
    const v1 = await apiCall(gh, "GET", "/copilot_internal/user", { token: ALICE });
    assert.equal((v1.json as { endpoints: { api: string } }).endpoints.api, `${api.url}/v1`);

    // The API itself: /models for a known token, 401 for an unknown one, 404 elsewhere; the same behind
    // the proxy for *.githubcopilot.com.
    const models = await fetch(`${api.url}/v1/models`, { headers: { Authorization: `Bearer ${ALICE}` } });
    assert.equal(models.status, 200);
    assert.equal(((await models.json()) as { data: { id: string }[] }).data[0]?.id, "fake-model");
    const refused = await fetch(`${api.url}/models`, { headers: { Authorization: "Bearer ghu_nobody" } });
    assert.deepEqual([refused.status, await refused.json()], [401, { message: "Bad credentials" }]);
    const mcp = await fetch(`${api.url}/mcp/readonly`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ALICE}` },
    });
    assert.equal(mcp.status, 404);
    await mcp.text();
    assert.equal((await viaProxy(gh, "GET", "https://api.githubcopilot.com/models", ALICE)).status, 200);
    assert.deepEqual(
      api.calls.map((c) => [c.host, c.method, c.path, c.login, c.status]),
      [
        ["127.0.0.1", "GET", "/v1/models", "alice", 200],
        ["127.0.0.1", "GET", "/models", undefined, 401],
        ["127.0.0.1", "POST", "/mcp/readonly", "alice", 404],
        ["api.githubcopilot.com", "GET", "/models", "alice", 200],
      ],
    );
    assert.equal(api.calls[0]?.fingerprint, tokenFingerprint(ALICE));
    assert.ok(!JSON.stringify(api.calls).includes(ALICE), "no token in the records");

    // Off again: the default answers.
    await gh.stopCopilotApi();
    const after = await apiCall(gh, "GET", "/copilot_internal/user", { token: "ghu_nobody" });
    assert.deepEqual([after.status, after.json], [200, defaultUser]);
  },
);

/** A real runtime client whose own token is `token`, with no provider, and a cache of its own. */
async function rig(t: TestContext, token: string) {
  const gh = await FakeGitHub.start();
  const model = await FakeModel.start();
  const api = await gh.serveCopilotApi(model);
  // The runtime caches each token's /copilot_internal/user answer (endpoints.api included) under its
  // cache home, by default in the machine's HOME: a run of its own keeps earlier runs' ports out.
  const home = mkdtempSync(join(tmpdir(), "ccb-copilot-api-"));
  const base = gh.clientOptions();
  const client = new CopilotClient({
    gitHubToken: token,
    env: { ...base.env, HOME: home, COPILOT_CACHE_HOME: join(home, "cache") },
    baseDirectory: join(home, "state"),
    logLevel: "error",
  });
  t.after(async () => {
    await client.stop();
    await model.stop();
    await gh.stop();
    rmSync(home, { recursive: true, force: true });
  });
  const cwd = gh.gitRepo();
  const open = async (extra: Partial<SessionConfig> = {}) => {
    const events: SessionEvent[] = [];
    const session = await client.createSession({
      model: "fake-model",
      workingDirectory: cwd,
      onPermissionRequest: () => ({ kind: "no-result" }),
      onEvent: (e) => events.push(e),
      ...extra,
    });
    return { session, events };
  };
  return { gh, model, api, client, open };
}

test(
  "a person's token, no provider: the turn goes through the Copilot API as alice; revoked, the next turn is a 401 authorization error",
  T,
  async (t) => {
    const { gh, model, api, open } = await rig(t, ALICE);
    gh.tokens.add(ALICE, { login: "alice" });
    const { session, events } = await open();
    const reply = await session.sendAndWait({ prompt: "ECHO: hello from alice" }, 20_000);
    assert.equal(reply?.data.content, "hello from alice");
    assert.equal(events.find((e) => e.type === "assistant.usage")?.data.isByok, false);

    // api.github.com told the runtime where the Copilot API is, for alice's token.
    const users = gh.api.requests.filter((r) => r.path === "/copilot_internal/user");
    assert.ok(users.length > 0 && users.every((r) => r.status === 200));
    // The model list, then the completion, each as alice; the FakeModel got the body, not her token.
    const seen = api.calls.map((c) => `${c.method} ${c.path} ${c.login} ${c.status}`);
    assert.ok(seen.includes("GET /models alice 200"), seen.join("\n"));
    assert.ok(seen.includes("POST /chat/completions alice 200"), seen.join("\n"));
    assert.ok(seen.indexOf("GET /models alice 200") < seen.indexOf("POST /chat/completions alice 200"));
    assert.ok(api.calls.every((c) => c.login === "alice" && c.fingerprint === tokenFingerprint(ALICE)));
    assert.equal(model.requests.length, 1);
    assert.equal(model.requests[0]?.headers.authorization, undefined);

    // Revoked: the Copilot API refuses her token (the runtime tries 3 times), then session.error.
    gh.tokens.revoke(ALICE);
    const before = api.calls.length;
    await assert.rejects(
      session.sendAndWait({ prompt: "ECHO: after revoke" }, 20_000),
      /Authorization error\. Your credentials may be expired or invalid\./,
    );
    const error = events
      .filter((e): e is Extract<SessionEvent, { type: "session.error" }> => e.type === "session.error")
      .at(-1);
    assert.equal(error?.data.errorType, "authorization");
    assert.equal(error?.data.statusCode, 401);
    const refused = api.calls.slice(before);
    assert.ok(refused.length > 0);
    assert.ok(
      refused.every((c) => c.path === "/chat/completions" && c.login === undefined && c.status === 401),
      api.describe(),
    );
    assert.equal(model.requests.length, 1, "nothing reached the model");
  },
);

test(
  "an unknown token: /copilot_internal/user answers 401; as a session's token the create is refused, as the client's the turn fails",
  T,
  async (t) => {
    const { gh, api, open } = await rig(t, "ghu_unknown_client");
    const users = () => gh.api.requests.filter((r) => r.path === "/copilot_internal/user");

    // The client's own token unknown: the session is created all the same, but without an identity
    // its turn fails before any model call.
    const { session, events } = await open();
    assert.ok(users().length > 0 && users().every((r) => r.status === 401), gh.describe());
    await assert.rejects(
      session.sendAndWait({ prompt: "ECHO: nobody" }, 20_000),
      /No GitHub OAuth token or Copilot HMAC key provided/,
    );
    assert.deepEqual(events.find((e) => e.type === "session.error")?.data, {
      errorType: "query",
      message: "Execution failed: InvalidArg, No GitHub OAuth token or Copilot HMAC key provided",
    });

    // An unknown session token: /copilot_internal/user once, 401, and session.create is refused.
    const before = users().length;
    await assert.rejects(
      open({ gitHubToken: "ghu_unknown_session" }),
      /SDK session authentication failed: Failed to fetch Copilot user info: 401 Unauthorized: \{"message":"Bad credentials"\}/,
    );
    assert.deepEqual(
      users()
        .slice(before)
        .map((r) => r.status),
      [401],
    );
    assert.deepEqual(api.calls, []);
  },
);

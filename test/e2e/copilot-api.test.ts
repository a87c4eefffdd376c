/**
 * Model turns through the GitHub Copilot API instead of a bring-your-own-key provider: the bridge runs
 * without `COPILOT_PROVIDER_*`, its runtime asks api.github.com who its token is and where the Copilot
 * API is, and the fake GitHub's Copilot API (over the scripted FakeModel) answers the turn.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useBridge } from "./fixture.js";

const OWNER = "UOWNER_CAPI";

describe("Slack: a session's model turns go through the Copilot API", () => {
  const { h, gh } = useBridge({ github: true, copilotApi: true });

  test("/copilot answers through the Copilot API, as the bridge's GitHub login", async () => {
    const env = h.env();
    assert.equal(env.COPILOT_PROVIDER_BASE_URL, undefined, "no bring-your-own-key provider");
    assert.equal(env.COPILOT_MODEL, "fake-model");
    const login = gh.tokens.login(gh.gitHubToken);
    assert.equal(login, "octocat");

    const header = await h.startSession(OWNER, "hello through the Copilot API");
    const reply = await h.waitForReply(header, /You said: hello through the Copilot API \(user turns: 1\)/);
    assert.equal(reply.thread_ts, header.ts);

    // api.github.com pointed the runtime at the fake Copilot API, which served the model list and the
    // completions, every call with the bridge's token.
    const users = gh.api.requests.filter((r) => r.path === "/copilot_internal/user");
    assert.ok(users.length > 0 && users.every((r) => r.status === 200), gh.describe());
    const api = gh.copilotApi;
    const chats = api.calls.filter((c) => c.method === "POST" && c.path === "/chat/completions");
    assert.ok(chats.length > 0, api.describe());
    assert.ok(
      chats.every((c) => c.login === login && c.status === 200 && c.host === "127.0.0.1"),
      api.describe(),
    );
    assert.ok(api.calls.some((c) => c.path === "/models" && c.login === login && c.status === 200));
    assert.deepEqual([...new Set(api.calls.map((c) => c.login))], [login], api.describe());
    // The FakeModel answered them (forwarded without the token).
    assert.ok(h.model.requests.some((r) => r.messages.some((m) => m.content.includes("hello through"))));
    assert.ok(h.model.requests.every((r) => r.headers.authorization === undefined));
  });
});

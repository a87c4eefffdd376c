/**
 * Probe: what the runtime itself hands to the agent's tool processes when the bridge has a GitHub
 * token. The README's security section rests on these two facts; if a runtime update changes either,
 * this fails and the section must be revised.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CopilotClient, type SessionEvent } from "@github/copilot-sdk";
import { runtimeEnv } from "../../src/copilot/runtime-env.js";
import { FakeGitHub } from "./github/index.js";
import { FakeModel } from "./model/index.js";

test("a client-level GitHub token reaches tool processes as COPILOT_SDK_AUTH_TOKEN; nothing else of the bridge does", {
  timeout: 60_000,
}, async (t) => {
  const gh = await FakeGitHub.start();
  const model = await FakeModel.start();
  const home = mkdtempSync(join(tmpdir(), "ccb-token-probe-"));
  const client = new CopilotClient({
    gitHubToken: gh.gitHubToken,
    // What the bridge passes: the allow-list, from an environment that also holds its secrets.
    env: runtimeEnv({ ...gh.env, PATH: process.env.PATH, HOME: home, SLACK_BOT_TOKEN: "xoxb-probe" }),
    baseDirectory: home,
    logLevel: "error",
  });
  t.after(async () => {
    await client.stop();
    await model.stop();
    await gh.stop();
    rmSync(home, { recursive: true, force: true });
  });
  const events: SessionEvent[] = [];
  const session = await client.createSession({
    ...model.sessionConfig(),
    workingDirectory: gh.gitRepo(),
    onPermissionRequest: () => ({ kind: "approve-once" }),
    onEvent: (e) => events.push(e),
  });
  await session.send({ prompt: "RUN: env" });
  const done = await gh.waitFor(() => events.find((e) => e.type === "tool.execution_complete"), {
    timeoutMs: 30_000,
    what: "the env command",
  });
  const output = JSON.stringify(done.data);
  assert.ok(output.includes(`COPILOT_SDK_AUTH_TOKEN=${gh.gitHubToken}`), output);
  assert.ok(!output.includes("xoxb-probe"), output);

  // The per-session token (which the SDK passes over the protocol, not the environment) cannot be
  // combined with a bring-your-own-key provider.
  await assert.rejects(
    client.createSession({
      ...model.sessionConfig(),
      gitHubToken: gh.gitHubToken,
      onPermissionRequest: () => ({ kind: "no-result" }),
    }),
    /Cannot specify both gitHubToken and provider/,
  );
});

/**
 * A platform is one folder and one line: the test-only `loopback` plug-in (./loopback/) joins the
 * bridge's plug-in list, the bridge reads its settings and creates its adapter as it does Slack's
 * and Discord's (src/main.ts: parseConfig → plugin.create), and the adapter passes the whole contract.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { plugins } from "../../adapters/index.js";
import { ConfigError, parseConfig } from "../../src/config.js";
import { createLogger, silentLogger } from "../../src/core/log.js";
import type { Environment } from "../../src/core/ports/plugin.js";
import { platform } from "../../src/core/vocabulary/refs.js";
import { adapterContract } from "./index.js";
import { closeWorkspace, loopbackPlugin, openWorkspace } from "./loopback/index.js";
import { fakeChatSubject } from "./subjects/fake-chat.js";

/** The bridge's plug-in list, plus the one line a new platform adds. */
const withLoopback = [...plugins, loopbackPlugin];

const token = "lb-contract-token";

adapterContract("loopback plug-in", async (handler) => {
  const chat = openWorkspace(token);
  const config = parseConfig({ LOOPBACK_TOKEN: token }, process.cwd(), withLoopback);
  const [configured, ...others] = config.platforms;
  assert.ok(configured);
  assert.deepEqual(others, [], "only the loopback platform is configured");
  const adapter = await configured.plugin.create(configured.config, {
    log: silentLogger,
    rateLimits: config.rateLimits,
  });
  await adapter.start(handler);
  const subject = fakeChatSubject(chat, adapter);
  return {
    ...subject,
    stop: async () => {
      await subject.stop();
      closeWorkspace(token);
    },
  };
});

test("the loopback plug-in's settings are read, checked and kept secret like any platform's", () => {
  assert.ok(platform.safeParse(loopbackPlugin.platform).success, "not a valid platform name");
  const env: Environment = { LOOPBACK_TOKEN: token, BRIDGE_APPROVERS: "loopback:UCONTRACT" };
  const config = parseConfig(env, process.cwd(), withLoopback);
  assert.deepEqual(config.approvers, [{ platform: "loopback", id: "UCONTRACT" }]);
  assert.deepEqual(loopbackPlugin.config.parse({ PATH: "/bin" }), undefined, "configured without a token");
  assert.throws(() => parseConfig({}, process.cwd(), withLoopback), /No chat platform configured.*loopback/);
  assert.throws(
    () => parseConfig({ LOOPBACK_TOKEN: "oops" }, process.cwd(), withLoopback),
    (e: unknown) => e instanceof ConfigError && e.message.includes("LOOPBACK_TOKEN"),
  );
  const lines: string[] = [];
  createLogger("info", config.secrets, (l) => lines.push(l)).info(`connecting with ${token}`);
  assert.equal(lines.length, 1);
  assert.ok(!lines.some((l) => l.includes(token)), lines.join("\n"));
});

test("a loopback adapter does not connect with a token no workspace has", async () => {
  await assert.rejects(
    loopbackPlugin.create({ token: "lb-no-such-workspace" }, { log: silentLogger, rateLimits: true }),
    /LOOPBACK_TOKEN is not the token of any loopback workspace/,
  );
});

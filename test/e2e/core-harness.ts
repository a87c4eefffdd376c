/**
 * The core bridge as the e2e tests of the core run it: a fake chat, the real bundled Copilot runtime
 * and a scripted model, all private to one test.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SdkGateway } from "../../src/copilot/gateway.js";
import { Bridge, type BridgeOptions } from "../../src/core/bridge.js";
import { silentLogger } from "../../src/core/log.js";
import { AccessPolicy } from "../../src/core/policy.js";
import { KeyvBridgeStore } from "../../src/store/keyv-store.js";
import { FakeChat, type ShownThread } from "../fakes/chat.js";
import type { ShownMessage } from "../fakes/chat-render.js";
import { FakeModel } from "../fakes/model/index.js";

export const OWNER = "UOWNER";
export const APPROVER = "UAPPROVER";
export const STRANGER = "USTRANGER";

/** A Bridge with a fake chat, the real bundled Copilot runtime and a scripted model, all private to one test. */
export async function startBridge(
  t: { after(fn: () => Promise<void>): void },
  opts: {
    maxPromptChars?: number;
    maxQueued?: number;
    userRate?: BridgeOptions["userRate"];
    now?: () => number;
    sessionIdleMs?: number;
    sweepEveryMs?: number;
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), "ccb-core-"));
  const workdir = join(dir, "work");
  const home = join(dir, "copilot-home");
  mkdirSync(workdir);
  const model = await FakeModel.start();
  const chat = new FakeChat();
  const bridge = new Bridge({
    adapters: [chat],
    gateway: new SdkGateway({
      log: silentLogger,
      runtimeHome: home,
      env: { ...process.env, HOME: dir, COPILOT_HOME: home },
      provider: { type: "openai", baseUrl: model.baseUrl, apiKey: "fake-model-key" },
      model: "fake-model",
    }),
    store: KeyvBridgeStore.open("memory://", silentLogger),
    policy: new AccessPolicy({ approvers: [{ platform: "slack", id: APPROVER }] }),
    log: silentLogger,
    workingDirectory: workdir,
    maxPromptChars: opts.maxPromptChars ?? 20_000,
    ...(opts.maxQueued ? { maxQueued: opts.maxQueued } : {}),
    ...(opts.userRate ? { userRate: opts.userRate } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.sessionIdleMs ? { sessionIdleMs: opts.sessionIdleMs } : {}),
    ...(opts.sweepEveryMs ? { sweepEveryMs: opts.sweepEveryMs } : {}),
    streamIntervalMs: 50,
    dedupTtlMs: 60_000,
    resumeConcurrency: 2,
  });
  t.after(async () => {
    await bridge.stop();
    await model.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await bridge.start();

  const threadOf = (n = 0) => chat.waitFor(() => chat.threads[n], `thread #${n + 1}`);
  const reply = (thread: ShownThread, match: RegExp) =>
    chat.waitFor(() => thread.replies.find((r) => match.test(r.text)), `a reply matching ${match}`);
  const card = (thread: ShownThread) =>
    chat.waitFor(() => thread.replies.find((r) => r.text.includes("🔐")), "a permission card");
  const noticeTo = (user: string, match: RegExp, from = 0) =>
    chat.waitFor(
      () =>
        chat
          .noticesFor(user)
          .slice(from)
          .find((n) => match.test(n)),
      `a notice to ${user} matching ${match}`,
    );
  return { chat, model, bridge, workdir, threadOf, reply, card, noticeTo };
}

/** The payload of the card's `action` button; the test fails when the card has none. */
export function payloadOf(card: ShownMessage, action: string): string {
  const button = card.buttons.find((b) => b.action === action);
  assert.ok(button, `no ${action} button on the card:\n${card.text}`);
  return button.payload;
}

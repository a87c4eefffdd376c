/**
 * Prompt latency through the real bridge (Slack adapter, core, SDK gateway, real runtime) against
 * the fake Slack and the scripted model:
 *  - card: runtime `permission.requested` → the card's chat.postMessage reaching Slack
 *  - click: block action sent → runtime `permission.completed`
 *  - final: runtime `permission.completed` → the card's chat.update reaching Slack
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SlackAdapter } from "../adapters/slack/adapter.js";
import { SdkGateway } from "../src/copilot/gateway.js";
import { Bridge } from "../src/core/bridge.js";
import { silentLogger } from "../src/core/log.js";
import { AccessPolicy } from "../src/core/policy.js";
import type { AgentListener, AgentSession, CopilotGateway } from "../src/core/ports/gateway.js";
import { KeyvBridgeStore } from "../src/store/keyv-store.js";
import { FakeModel } from "../test/fakes/model/index.js";
import { FakeSlack } from "../test/fakes/slack/index.js";

export interface LatencySamples {
  card: number[];
  /** Click sent by the fake Slack → the bridge calls the runtime's answer RPC (Bolt + bridge). */
  answer: number[];
  /** Bolt hands the click to the core → the core calls the answer RPC (the bridge's own part). */
  core: number[];
  click: number[];
  final: number[];
}

/**
 * Timestamps the runtime's events at the gateway port, before the core sees them, and the moment
 * the core calls a session's answer RPC.
 */
function timestamped(inner: CopilotGateway, seen: Map<string, number>): CopilotGateway {
  const answering = (session: AgentSession): AgentSession => {
    const answer = session.answer.bind(session);
    session.answer = (requestId, reply, prompt) => {
      seen.set(`answer:${requestId}`, performance.now());
      return answer(requestId, reply, prompt);
    };
    return session;
  };
  const wrap =
    (listener: AgentListener): AgentListener =>
    (event) => {
      if (event.type === "prompt.requested" || event.type === "prompt.completed") {
        const name = event.type === "prompt.requested" ? "permission.requested" : "permission.completed";
        seen.set(`${name}:${event.requestId}`, performance.now());
      }
      listener(event);
    };
  return {
    runtimeOutlivesBridge: inner.runtimeOutlivesBridge,
    identityReach: inner.identityReach,
    start: () => inner.start(),
    onDisconnect: (handler) => inner.onDisconnect(handler),
    stop: () => inner.stop(),
    createSession: async (options, listener) => answering(await inner.createSession(options, wrap(listener))),
    resumeSession: async (id, listener, options) =>
      answering(await inner.resumeSession(id, wrap(listener), options)),
    findSession: (id) => inner.findSession(id),
    createCloudSession: (repository, listener) => inner.createCloudSession(repository, wrap(listener)),
  };
}

export async function measurePromptLatency(prompts: number): Promise<LatencySamples> {
  const dir = mkdtempSync(join(tmpdir(), "ccb-bench-"));
  const slack = await FakeSlack.start();
  const model = await FakeModel.start();
  const seen = new Map<string, number>();
  const posted = new Map<string, number>();
  const updated = new Map<string, number>();
  slack.onCall((call) => {
    const blocks = JSON.stringify(call.args.blocks ?? "");
    const id = /"value":"([0-9a-f-]{36})"/.exec(blocks)?.[1];
    if (call.method === "chat.postMessage" && id) posted.set(id, performance.now());
    if (call.method === "chat.update" && /by <@/.test(blocks)) {
      const ts = String(call.args.ts);
      updated.set(ts, performance.now());
    }
  });
  const gateway = timestamped(
    new SdkGateway({
      log: silentLogger,
      provider: { type: "openai", baseUrl: model.baseUrl, apiKey: "fake-model-key" },
      model: "fake-model",
      env: { ...process.env, COPILOT_HOME: join(dir, "home") },
    }),
    seen,
  );
  const bridge = new Bridge({
    adapters: [
      new SlackAdapter({
        botToken: slack.botToken,
        appToken: slack.appToken,
        mode: "socket",
        apiUrl: slack.apiUrl,
        log: silentLogger,
        // The fake does not enforce Slack's limits here: this measures the bridge's own overhead.
        // Streaming under enforced limits is its own scenario (streaming.ts).
        rateLimits: false,
      }),
    ],
    gateway,
    store: KeyvBridgeStore.open(`sqlite://${join(dir, "bench.sqlite")}`, silentLogger),
    policy: new AccessPolicy(),
    log: silentLogger,
    workingDirectory: dir,
    maxPromptChars: 20_000,
    streamIntervalMs: 700,
    dedupTtlMs: 60_000,
    resumeConcurrency: 4,
  });
  // When Bolt hands the click to the core: splits "click sent → answer RPC" into transport + Bolt
  // and the bridge's own part.
  const handle = bridge.handle.bind(bridge);
  bridge.handle = (event) => {
    if (event.type === "action") seen.set(`arrived:${event.payload}`, performance.now());
    return handle(event);
  };
  await bridge.start();
  const samples: LatencySamples = { card: [], answer: [], core: [], click: [], final: [] };
  try {
    for (let i = 0; i < prompts; i++) {
      const before = slack.messages.length;
      await slack.sendSlashCommand({ user_id: "UBENCH", channel_id: "CBENCH", text: `RUN: true ${i}` });
      const card = await slack.waitFor(
        () =>
          slack.messages.slice(before).find((m) => JSON.stringify(m.blocks ?? "").includes('"perm.once"')),
        { what: "card", timeoutMs: 30_000 },
      );
      const requestId = /"value":"([0-9a-f-]{36})"/.exec(JSON.stringify(card.blocks))?.[1] ?? "";
      const requested = seen.get(`permission.requested:${requestId}`);
      const cardAt = posted.get(requestId);
      if (requested !== undefined && cardAt !== undefined) samples.card.push(cardAt - requested);
      const clickAt = performance.now();
      await slack.sendBlockAction({
        user_id: "UBENCH",
        channel_id: card.channel,
        message_ts: card.ts,
        ...(card.thread_ts ? { thread_ts: card.thread_ts } : {}),
        action_id: "perm.once",
        value: requestId,
      });
      const completed = await slack.waitFor(() => seen.get(`permission.completed:${requestId}`), {
        what: "completion",
        timeoutMs: 30_000,
      });
      samples.click.push(completed - clickAt);
      const answeredAt = seen.get(`answer:${requestId}`);
      if (answeredAt !== undefined) samples.answer.push(answeredAt - clickAt);
      const arrivedAt = seen.get(`arrived:${requestId}`);
      if (answeredAt !== undefined && arrivedAt !== undefined) samples.core.push(answeredAt - arrivedAt);
      const finalAt = await slack.waitFor(() => updated.get(card.ts), {
        what: "final card",
        timeoutMs: 30_000,
      });
      samples.final.push(finalAt - completed);
    }
  } finally {
    await bridge.stop();
    await slack.stop();
    await model.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return samples;
}

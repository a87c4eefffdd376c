/**
 * Probe tests: cloud sessions (`createSession({cloud})`) with the real runtime against FakeGitHub's
 * Mission Control tasks and simulated cloud worker. See test/fakes/github/README.md.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SessionConfig, SessionEvent } from "@github/copilot-sdk";
import { githubRig, ofType, rpcError } from "./github/rig.js";

const T = { timeout: 30_000 };
const repository = { owner: "octo", name: "demo" };

function cloudConfig(events: SessionEvent[], branch?: string): SessionConfig {
  return {
    cloud: { repository: branch ? { ...repository, branch } : repository },
    includeSubAgentStreamingEvents: false,
    streaming: true,
    onEvent: (e) => events.push(e),
  };
}

test("cloud: create → task, worker's session id, steer, answer events", T, async (t) => {
  const r = await githubRig(t);
  const { gh } = r;
  const events: SessionEvent[] = [];
  const t0 = Date.now();
  const session = await r.client.createSession(cloudConfig(events, "feature"));
  assert.ok(Date.now() - t0 < 3_000);
  const [task, ...more] = [...gh.mc.tasks.values()];
  assert.ok(task && more.length === 0);
  assert.equal(session.sessionId, task.sessionId, "the SDK session id is session.start.data.sessionId");
  assert.notEqual(session.sessionId, task.id);
  const create = gh.mc.requests.find((q) => q.method === "POST" && q.path === "/tasks");
  assert.equal(task.agentSlug, "copilot-developer-sandbox");
  assert.deepEqual(create?.body, { repositories: [repository] }, "the branch is not sent");
  assert.equal(create?.headers.authorization, `Bearer ${gh.gitHubToken}`);
  assert.deepEqual(
    gh.api.requests.map((q) => q.path),
    ["/copilot_internal/user"],
  );

  // The worker's first events are in getEvents(), not delivered to onEvent.
  const stored = await session.getEvents();
  assert.deepEqual(
    stored.map((e) => e.type),
    ["session.start", "session.info"],
  );
  assert.deepEqual(stored[1]?.data, {
    infoType: "remote",
    message: "Remote session started",
    url: `https://github.com/copilot/tasks/${task.id}`,
  });
  assert.equal(ofType(events, "session.start").length, 0);

  // send → sandbox enforcement RPC, then steer; the worker's reply comes back on the next poll (~1 s).
  const idle = r.event(events, "session.idle", undefined, 5_000);
  await session.send({ prompt: "hello cloud" });
  await idle;
  assert.deepEqual(task.rpcs[0]?.request, { rpc_method: "session.sandbox.getEnforcementStatus", params: {} });
  const steer = task.steers[0] as { type: string; content: string; external_id: string };
  assert.deepEqual(
    { ...steer, external_id: typeof steer.external_id },
    {
      type: "user_message",
      content: "hello cloud",
      external_id: "string",
    },
  );
  // The local echo of the prompt (no interactionId); the worker's own user.message (source
  // command-<external_id>) is recognised as the echo and skipped.
  const users = ofType(events, "user.message").map((e) => e.data);
  assert.deepEqual(users, [{ content: "hello cloud" }]);
  assert.deepEqual(
    events.filter((e) => !e.ephemeral).map((e) => e.type),
    ["user.message", "assistant.turn_start", "assistant.message", "assistant.turn_end", "session.idle"],
  );
  assert.equal(ofType(events, "assistant.message")[0]?.data.content, "Cloud says: hello cloud");

  // sendAndWait works too; the fake's reply is scriptable.
  await gh.setMode({ cloudReply: (p) => `echo ${p.toUpperCase()}` });
  const reply = await session.sendAndWait({ prompt: "second" }, 5_000);
  assert.equal(reply?.data.content, "echo SECOND");
  assert.equal(task.steers.length, 2);
  assert.equal(task.rpcs.length, 2, "the enforcement status is asked before every send");

  // Anything the worker appends later is re-emitted on the next poll (~1 s once running).
  gh.cloud.emit(task, "session.warning", { warningType: "worker", message: "low disk" });
  const w = await r.event(events, "session.warning", undefined, 3_000);
  assert.deepEqual(w.data, { warningType: "worker", message: "low disk" });
});

test("cloud worker that starts late: createSession waits for its first events", T, async (t) => {
  const r = await githubRig(t, { workerStartMs: 1_500 });
  const t0 = Date.now();
  const session = await r.client.createSession(cloudConfig([]));
  const elapsed = Date.now() - t0;
  assert.ok(elapsed >= 1_500 && elapsed < 3_000, `${elapsed} ms`);
  assert.equal(session.sessionId, [...r.gh.mc.tasks.values()][0]?.sessionId);
});

test("cloud create with any client callback: -32601 before any request", T, async (t) => {
  const r = await githubRig(t);
  const events: SessionEvent[] = [];
  const withPermission = {
    ...cloudConfig(events),
    onPermissionRequest: () => ({ kind: "approve-once" as const }),
  };
  const subagentDefault = { cloud: { repository } }; // the SDK sends includeSubAgentStreamingEvents: true
  for (const cfg of [withPermission, subagentDefault]) {
    const err = await rpcError(r.client.createSession(cfg));
    assert.deepEqual(err, { code: -32601, message: "Unhandled method session.create" });
  }
  assert.equal(r.gh.mc.requests.length, 0);
});

test("cloud failures: POST /tasks refused, sandbox blocked", T, async (t) => {
  const r = await githubRig(t, { tasksStatus: 403 });
  const events: SessionEvent[] = [];
  const t0 = Date.now();
  const err = await rpcError(r.client.createSession(cloudConfig(events)));
  assert.deepEqual(err, {
    code: -32603,
    message: "Request session.create failed with message: fake: task refused", // the body's `message`
  });
  assert.ok(Date.now() - t0 < 2_000);

  await r.gh.setMode({
    tasksStatus: 201,
    enforcement: { required: true, blocked: true, reason: "No sandbox" },
  });
  const session = await r.client.createSession(cloudConfig(events));
  const sendErr = await rpcError(session.send({ prompt: "hi" }));
  assert.equal(sendErr.code, -32603);
  assert.match(
    sendErr.message,
    /^Request session\.send failed with message: This session is blocked because your organization's sandbox policy requires enforcement, but the sandbox is unavailable: No sandbox\./,
  );
  // An event type the SDK's SessionEvent union does not list.
  const blocked = await r.gh.waitFor(() =>
    events.find((e) => (e.type as string) === "session.sandbox_enforcement_blocked"),
  );
  assert.deepEqual(blocked.data, { reason: "No sandbox" });
  assert.equal([...r.gh.mc.tasks.values()][0]?.steers.length, 0);
});

test("cloud worker that never starts: -32603 after the runtime's fixed ~10 s (21 polls)", {
  timeout: 20_000,
}, async (t) => {
  const r = await githubRig(t, { worker: "never-starts" });
  const t0 = Date.now();
  const err = await rpcError(r.client.createSession(cloudConfig([])));
  const elapsed = Date.now() - t0;
  const [task] = [...r.gh.mc.tasks.values()];
  assert.deepEqual(err, {
    code: -32603,
    message: `Request session.create failed with message: No events found for task ${task?.id}`,
  });
  assert.ok(elapsed > 9_000 && elapsed < 12_000, `${elapsed} ms`);
  assert.ok(task && task.polls >= 19 && task.polls <= 22, `${task?.polls} polls`);
});

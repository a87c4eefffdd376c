/**
 * Probe tests: answers "from github.com" — Mission Control commands picked up by the real runtime's
 * command poller (every ~3 s). See test/fakes/github/README.md.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { githubRig, ofType, types } from "./github/rig.js";

const T = { timeout: 30_000 };

test("permission approved on github.com, then a user_message command becomes a turn", T, async (t) => {
  const r = await githubRig(t);
  const { gh } = r;
  let handlerCalls = 0;
  const { session, events } = await r.open({
    remoteSession: "on",
    // A bridge's handler: never settles, the card decides (here github.com does).
    onPermissionRequest: () => {
      handlerCalls++;
      return new Promise(() => undefined);
    },
  });
  const sid = session.sessionId;
  await r.event(events, "session.info", (e) => e.data.infoType === "remote");
  await session.send({ prompt: "RUN: touch x" });
  const asked = await r.event(events, "permission.requested");
  const { requestId } = asked.data;
  assert.equal(asked.data.permissionRequest.toolCallId, "call_1");
  // github.com sees the request through the exported events.
  await gh.waitFor(() => gh.mc.events.find((e) => e.type === "permission.requested"));
  assert.deepEqual(
    (await session.rpc.permissions.pendingRequests()).items.map((i) => i.requestId),
    [requestId],
  );

  const t0 = Date.now();
  const cmd = gh.mc.pushCommand(sid, {
    type: "permission_response",
    content: { promptId: requestId, approved: true, scope: "once" },
  });
  const done = await r.event(events, "tool.execution_complete", (e) => e.data.toolCallId === "call_1");
  assert.ok(Date.now() - t0 < 4_500, "picked up by the next poll (every ~3 s)");
  assert.equal(done.data.success, true);
  assert.ok(existsSync(join(r.cwd, "x")));
  await r.event(events, "session.idle");
  assert.equal(handlerCalls, 1);

  // Bundled runtime: no permission.completed; the tool events follow permission.requested directly.
  assert.equal(ofType(events, "permission.completed").length, 0);
  const seq = types(events);
  assert.deepEqual(seq.slice(seq.indexOf("permission.requested")), [
    "permission.requested",
    "tool.execution_complete",
    "assistant.turn_end",
    "assistant.turn_start",
    "assistant.message",
    "assistant.turn_end",
  ]);
  // tool.execution_start came BEFORE permission.requested, so only _complete can finalise a card.
  assert.ok(seq.indexOf("tool.execution_start") < seq.indexOf("permission.requested"));
  // The request stays listed as pending (stale), and a late answer loses.
  assert.deepEqual(
    (await session.rpc.permissions.pendingRequests()).items.map((i) => i.requestId),
    [requestId],
  );
  assert.deepEqual(
    await session.rpc.permissions.handlePendingPermissionRequest({
      requestId,
      result: { kind: "approve-once" },
    }),
    { success: false },
  );
  // The runtime acks the command in its next events POST.
  await gh.waitFor(() => cmd.ackedAt);
  assert.equal(cmd.deliveries, 1);
  const ack = gh.mc.requests.find(
    (q) => q.path === `/sessions/${sid}/events` && JSON.stringify(q.body).includes(cmd.id),
  );
  assert.deepEqual((ack?.body as { completed_command_ids?: string[] })?.completed_command_ids, [cmd.id]);

  // A prompt typed on github.com.
  const msg = gh.mc.pushCommand(sid, { type: "user_message", content: "hello from github" });
  const user = await r.event(events, "user.message", (e) => e.data.content === "hello from github");
  assert.equal(user.data.source, `command-${msg.id}`);
  const reply = await r.event(events, "assistant.message", (e) => e.data.content.startsWith("You said"));
  assert.equal(reply.data.content, "You said: hello from github (user turns: 2)");
  await gh.waitFor(() => msg.ackedAt);
});

test("permission denied on github.com (after a 409 made MC mint its own session id)", T, async (t) => {
  const r = await githubRig(t, { sessions: "reject-id" });
  const { gh } = r;
  const { session, events } = await r.open({ remoteSession: "on" });
  const sid = session.sessionId;
  await r.event(events, "session.info", (e) => e.data.infoType === "remote");
  const posts = gh.mc.requests.filter((q) => q.method === "POST" && q.path === "/sessions");
  assert.deepEqual(
    posts.map((q) => [q.status, "id" in (q.body as object)]),
    [
      [409, true],
      [201, false],
    ],
  );
  const mcs = gh.mc.session(sid);
  assert.ok(mcs && mcs.id !== sid && mcs.agent_task_id === sid);

  await session.send({ prompt: "RUN: touch denied.txt" });
  const { requestId } = (await r.event(events, "permission.requested")).data;
  gh.mc.pushCommand(sid, { type: "permission_response", content: { promptId: requestId, approved: false } });
  const done = await r.event(events, "tool.execution_complete");
  assert.equal(done.data.success, false);
  // Not "denied" as for a local reject: the remote rejection has code "rejected" and no feedback.
  assert.deepEqual(done.data.error, { message: "The user rejected this tool call.", code: "rejected" });
  assert.equal(existsSync(join(r.cwd, "denied.txt")), false);
  // Unlike a local reject, the turn ends here: the model is not called again.
  await r.event(events, "session.idle");
  assert.equal(r.model.requests.length, 1);
  assert.deepEqual(
    ofType(events, "assistant.message").map((e) => e.data.content),
    [""], // just the tool-call message
  );
  assert.equal(ofType(events, "permission.completed").length, 0);
});

/**
 * Probe tests: questions (ask_user), plans (exit_plan_mode) and forms (MCP elicitation) answered "on
 * github.com" — the Mission Control commands `ask_user_response`, `plan_approval_response` and
 * `elicitation_response`, picked up by the real runtime's command poller (every ~3 s).
 * See test/fakes/github/README.md ("Commands from github.com").
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { SessionEvent } from "@github/copilot-sdk";
import { type GitHubRig, githubRig, ofType } from "./github/rig.js";
import { formMcpServer } from "./model/index.js";

const T = { timeout: 60_000 };

/** A remote session whose question/plan/form handlers record their calls and leave the prompt pending. */
async function remoteSession(r: GitHubRig, extra: Parameters<GitHubRig["open"]>[0] = {}) {
  const calls: string[] = [];
  const late: ((v: never) => void)[] = [];
  const pending = (kind: string) => () => {
    calls.push(kind);
    return new Promise<never>((resolve) => late.push(resolve));
  };
  const opened = await r.open({
    remoteSession: "on",
    onUserInputRequest: pending("ask"),
    onExitPlanModeRequest: pending("plan"),
    ...extra,
  });
  await r.event(opened.events, "session.info", (e) => e.data.infoType === "remote");
  return { ...opened, calls, late };
}

/** The tool call of an exit_plan_mode request (sent by the runtime, missing from the SDK's type). */
const callOf = (e: { data: object }) => (e.data as { toolCallId?: string }).toolCallId;

/** Events after `from`, non-ephemeral ones and the prompt events, by type. */
const after = (events: SessionEvent[], from: number) => events.slice(from).map((e) => e.type);

test(
  "ask_user_response {promptId, answer}: user_input.completed carries promptId; the tool result is the answer",
  T,
  async (t) => {
    const r = await githubRig(t);
    const { gh } = r;
    const { session, events, calls, late } = await remoteSession(r);
    const sid = session.sessionId;

    // 1. A choice.
    await session.send({ prompt: "ASK: Which color? | red | blue" });
    const asked = await r.event(events, "user_input.requested");
    const { requestId } = asked.data;
    await gh.waitFor(() => gh.mc.events.find((e) => e.type === "user_input.requested"));
    const from = events.length;
    const cmd = gh.mc.pushCommand(sid, {
      type: "ask_user_response",
      content: { promptId: requestId, answer: "blue" },
    });
    const completed = await r.event(events, "user_input.completed");
    // The command's content, spread, plus requestId: `promptId` is what a local answer lacks
    // (a local handlePendingUserInput gives {answer, wasFreeform, requestId}).
    assert.deepEqual(completed.data, { promptId: requestId, answer: "blue", requestId });
    const done = await r.event(
      events,
      "tool.execution_complete",
      (e) => e.data.toolCallId === asked.data.toolCallId,
    );
    assert.equal(done.data.success, true);
    assert.deepEqual(done.data.result?.content, "User selected: blue");
    const reply = await r.event(events, "assistant.message", (e) =>
      e.data.content.startsWith("Tool ask_user"),
    );
    assert.equal(reply.data.content, "Tool ask_user result: User selected: blue");
    await r.event(events, "session.idle");
    const seq = after(events, from).filter((type) =>
      /completed|tool\.execution|assistant\.message$/.test(type),
    );
    assert.deepEqual(seq.slice(0, 2), ["user_input.completed", "tool.execution_complete"]);
    // The SDK called our handler once and never told it; a late RPC loses, a late handler answer is dropped.
    assert.deepEqual(calls, ["ask"]);
    assert.deepEqual(
      await session.rpc.ui.handlePendingUserInput({
        requestId,
        response: { answer: "red", wasFreeform: false },
      }),
      { success: false },
    );
    late[0]?.({ answer: "red", wasFreeform: false } as never);
    await sleep(300);
    assert.equal(ofType(events, "user_input.completed").length, 1);
    await gh.waitFor(() => cmd.ackedAt);
    assert.equal(cmd.deliveries, 1);

    // 2. Free text: wasFreeform true makes it "User responded".
    await session.send({ prompt: "ASK: Name it? | a | b" });
    const second = await r.event(events, "user_input.requested", (e) => e.data.requestId !== requestId);
    gh.mc.pushCommand(sid, {
      type: "ask_user_response",
      content: { promptId: second.data.requestId, answer: "zeta", wasFreeform: true },
    });
    const free = await r.event(
      events,
      "tool.execution_complete",
      (e) => e.data.toolCallId === callOf(second),
    );
    assert.equal(free.data.result?.content, "User responded: zeta");

    // 3. dismissed: the question is skipped (the answer, if any, is not passed on).
    await session.send({ prompt: "ASK: Skip me? | y | n" });
    const third = await r.event(
      events,
      "user_input.requested",
      (e) => ![requestId, second.data.requestId].includes(e.data.requestId),
    );
    gh.mc.pushCommand(sid, {
      type: "ask_user_response",
      content: { promptId: third.data.requestId, dismissed: true },
    });
    const skipped = await r.event(
      events,
      "tool.execution_complete",
      (e) => e.data.toolCallId === callOf(third),
    );
    assert.equal(skipped.data.result?.content, "User skipped question");
    assert.deepEqual(
      ofType(events, "user_input.completed").find((e) => e.data.requestId === third.data.requestId)?.data,
      { promptId: third.data.requestId, dismissed: true, requestId: third.data.requestId },
    );
  },
);

test(
  "commands that change nothing (no promptId, already answered) are acked only with the next export",
  T,
  async (t) => {
    const r = await githubRig(t);
    const { gh } = r;
    const { session, events } = await remoteSession(r);
    const sid = session.sessionId;
    await session.send({ prompt: "ASK: Which? | x | y" });
    const { requestId } = (await r.event(events, "user_input.requested")).data;
    await gh.waitFor(() => gh.mc.events.find((e) => e.type === "user_input.requested"));
    await sleep(1_000); // nothing left to export
    // `requestId` instead of `promptId`: dropped. Acks ride on events POSTs, and an idle session has
    // nothing to export, so the command is redelivered on every poll meanwhile.
    const bad = gh.mc.pushCommand(sid, { type: "ask_user_response", content: { requestId, answer: "x" } });
    await gh.waitFor(() => bad.deliveries >= 2, { timeoutMs: 10_000, what: "two deliveries" });
    assert.equal(bad.ackedAt, undefined);
    assert.equal(ofType(events, "user_input.completed").length, 0);
    const good = gh.mc.pushCommand(sid, {
      type: "ask_user_response",
      content: { promptId: requestId, answer: "y" },
    });
    const completed = await r.event(events, "user_input.completed");
    assert.equal(completed.data.answer, "y");
    await gh.waitFor(() => good.ackedAt);
    assert.equal(bad.ackedAt, good.ackedAt, "both acked in the same events POST");
    await r.event(events, "session.idle");

    // Answered here first: the github.com answer that arrives later has no effect.
    await session.send({ prompt: "ASK: Again? | x | y" });
    const again = await r.event(events, "user_input.requested", (e) => e.data.requestId !== requestId);
    const local = { requestId: again.data.requestId, response: { answer: "x", wasFreeform: false } };
    assert.deepEqual(await session.rpc.ui.handlePendingUserInput(local), { success: true });
    await r.event(events, "tool.execution_complete", (e) => e.data.toolCallId === again.data.toolCallId);
    await sleep(1_000); // the turn's exports are done
    const stale = gh.mc.pushCommand(sid, {
      type: "ask_user_response",
      content: { promptId: again.data.requestId, answer: "y" },
    });
    await gh.waitFor(() => stale.deliveries >= 2, { timeoutMs: 10_000, what: "two deliveries" });
    assert.equal(stale.ackedAt, undefined);
    const msg = gh.mc.pushCommand(sid, { type: "user_message", content: "still there?" });
    await r.event(events, "user.message", (e) => e.data.content === "still there?");
    await gh.waitFor(() => stale.ackedAt && msg.ackedAt);
    assert.deepEqual(
      ofType(events, "user_input.completed").map((e) => e.data),
      [
        { promptId: requestId, answer: "y", requestId },
        { answer: "x", wasFreeform: false, requestId: again.data.requestId },
      ],
    );
  },
);

test(
  "plan_approval_response: approve (with selectedAction), request changes, and an empty answer",
  T,
  async (t) => {
    const r = await githubRig(t);
    const { gh } = r;
    const { session, events, calls } = await remoteSession(r);
    const sid = session.sessionId;
    await session.rpc.mode.set({ mode: "plan" });

    // Changes requested, with feedback: the tool succeeds and the model is called again.
    await session.send({ prompt: "PLAN: First try" });
    const first = await r.event(events, "exit_plan_mode.requested");
    gh.mc.pushCommand(sid, {
      type: "plan_approval_response",
      content: { promptId: first.data.requestId, approved: false, feedback: "add tests" },
    });
    const rejected = await r.event(events, "exit_plan_mode.completed");
    assert.deepEqual(rejected.data, {
      promptId: first.data.requestId,
      approved: false,
      feedback: "add tests",
      requestId: first.data.requestId,
    });
    const told = await r.event(events, "tool.execution_complete", (e) => e.data.toolCallId === callOf(first));
    assert.equal(told.data.success, true);
    assert.match(String(told.data.result?.content), /^Plan not approved\. User feedback:\n\nadd tests\n\n/);
    await r.event(events, "assistant.message", (e) =>
      e.data.content.startsWith("Tool exit_plan_mode result: Plan not"),
    );
    await r.event(events, "session.idle");
    assert.equal(await session.rpc.mode.get(), "plan");

    // Approved with an action: mode follows the action, late answers lose.
    await session.send({ prompt: "PLAN: Second try" });
    const second = await r.event(
      events,
      "exit_plan_mode.requested",
      (e) => e.data.requestId !== first.data.requestId,
    );
    gh.mc.pushCommand(sid, {
      type: "plan_approval_response",
      content: { promptId: second.data.requestId, approved: true, selectedAction: "interactive" },
    });
    const approved = await r.event(
      events,
      "exit_plan_mode.completed",
      (e) => e.data.requestId === second.data.requestId,
    );
    assert.deepEqual(approved.data, {
      promptId: second.data.requestId,
      approved: true,
      selectedAction: "interactive",
      requestId: second.data.requestId,
    });
    assert.deepEqual(ofType(events, "session.mode_changed").at(-1)?.data, {
      previousMode: "plan",
      newMode: "interactive",
    });
    const ok = await r.event(events, "tool.execution_complete", (e) => e.data.toolCallId === callOf(second));
    assert.match(
      String(ok.data.result?.content),
      /^Plan approved! Exited plan mode\.\n\nYou are now in interactive mode\./,
    );
    await r.event(events, "assistant.message", (e) =>
      e.data.content.startsWith("Tool exit_plan_mode result: Plan approved"),
    );
    assert.deepEqual(
      await session.rpc.ui.handlePendingExitPlanMode({
        requestId: second.data.requestId,
        response: { approved: false, feedback: "too late" },
      }),
      { success: false },
    );
    assert.deepEqual(calls, ["plan", "plan"]);

    // {promptId} alone reads as "changes requested" without feedback: the tool FAILS (code rejected)
    // and the turn ends without calling the model again.
    await session.rpc.mode.set({ mode: "plan" });
    await r.event(events, "session.idle", (e) => events.indexOf(e) > events.indexOf(ok));
    const modelCalls = r.model.requests.length;
    await session.send({ prompt: "PLAN: Third try" });
    const third = await r.event(
      events,
      "exit_plan_mode.requested",
      (e) => ![first.data.requestId, second.data.requestId].includes(e.data.requestId),
    );
    gh.mc.pushCommand(sid, { type: "plan_approval_response", content: { promptId: third.data.requestId } });
    const empty = await r.event(
      events,
      "tool.execution_complete",
      (e) => e.data.toolCallId === callOf(third),
    );
    assert.equal(empty.data.success, false);
    assert.equal(empty.data.error?.code, "rejected");
    assert.match(
      String(empty.data.error?.message),
      /User requested changes but did not provide specific feedback/,
    );
    await sleep(500);
    assert.equal(r.model.requests.length, modelCalls + 1, "only the call that made the plan");
  },
);

test(
  "elicitation_response {promptId, action, content}: elicitation.completed WITHOUT promptId",
  T,
  async (t) => {
    const r = await githubRig(t);
    const { gh } = r;
    const { session, events } = await remoteSession(r, {
      mcpServers: formMcpServer(),
      onPermissionRequest: () => ({ kind: "approve-once" }),
      onElicitationRequest: () => new Promise(() => undefined),
    });
    await session.send({ prompt: "FORM: Your name? | name" });
    const asked = await r.event(events, "elicitation.requested");
    const { requestId } = asked.data;
    gh.mc.pushCommand(session.sessionId, {
      type: "elicitation_response",
      content: { promptId: requestId, action: "accept", content: { name: "Ada" } },
    });
    const completed = await r.event(events, "elicitation.completed");
    // Unlike ask_user/plan answers, nothing tells it apart from an answer given by an attached client.
    assert.deepEqual(completed.data, { requestId, action: "accept", content: { name: "Ada" } });
    // (elicitation.requested has no toolCallId: the MCP tool's call is the only one in this turn.)
    const done = await r.event(events, "tool.execution_complete");
    assert.equal(done.data.result?.content, '{"action":"accept","content":{"name":"Ada"}}');
  },
);

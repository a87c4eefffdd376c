/**
 * Probe tests: how the real Copilot runtime raises questions (ask_user), plan approvals
 * (exit_plan_mode) and forms (MCP elicitations), driven by FakeModel's ASK/PLAN/FORM rules, and how a
 * client leaves them pending and answers later through `session.rpc.ui.*`. See
 * test/fakes/model/README.md; two clients on one runtime are in model-shared.test.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import {
  CopilotClient,
  type CopilotSession,
  type SessionConfig,
  type SessionEvent,
} from "@github/copilot-sdk";
import { FakeModel, formMcpServer, type Wire } from "./model/index.js";

const T = { timeout: 20_000 };
const never = <V>() => new Promise<V>(() => undefined);

async function rig(t: TestContext) {
  const fake = await FakeModel.start();
  const home = mkdtempSync(join(tmpdir(), "fm-home-"));
  const cwd = mkdtempSync(join(tmpdir(), "fm-cwd-"));
  const client = new CopilotClient({ baseDirectory: home, workingDirectory: cwd, logLevel: "error" });
  t.after(async () => {
    await client.stop();
    await fake.stop();
    rmSync(home, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  });
  const open = async (extra: Partial<SessionConfig> = {}) => {
    const events: SessionEvent[] = [];
    const session = await client.createSession({
      ...fake.sessionConfig(),
      workingDirectory: cwd,
      onPermissionRequest: () => ({ kind: "no-result" }),
      onEvent: (e) => events.push(e),
      ...extra,
    });
    return { session, events };
  };
  return { fake, open };
}

function next<K extends SessionEvent["type"]>(
  session: CopilotSession,
  type: K,
  ms = 10_000,
): Promise<Extract<SessionEvent, { type: K }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} within ${ms} ms`)), ms);
    const off = session.on(type, (e) => {
      clearTimeout(timer);
      off();
      resolve(e as Extract<SessionEvent, { type: K }>);
    });
  });
}

const ofType = <K extends SessionEvent["type"]>(events: SessionEvent[], type: K) =>
  events.filter((e): e is Extract<SessionEvent, { type: K }> => e.type === type);
const schemaOf = (body: Wire, name: string) =>
  body.tools.find((x: Wire) => x.function.name === name)?.function.parameters;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("ask_user: pending handler, RPC answer wins, late handler answer dropped", T, async (t) => {
  const r = await rig(t);
  const plain = await r.open(); // no onUserInputRequest anywhere → no ask_user tool
  await plain.session.sendAndWait({ prompt: "hi" }, 10_000);
  assert.equal(r.fake.requests[0]?.tools.includes("ask_user"), false);

  let asked: (v: unknown) => void = () => undefined;
  const handlerGot = new Promise((res) => {
    asked = res;
  });
  let late: ((v: { answer: string; wasFreeform: boolean }) => void) | undefined;
  const { session, events } = await r.open({
    onUserInputRequest: (req) => {
      asked(req);
      return new Promise((res) => {
        late = res;
      });
    },
  });
  const requested = next(session, "user_input.requested");
  const idle = next(session, "session.idle");
  await session.send({ prompt: "ASK: Pick a colour? | red | blue" });
  const ev = await requested;
  assert.equal(ev.ephemeral, true);
  const { requestId } = ev.data;
  assert.deepEqual(ev.data, {
    requestId,
    question: "Pick a colour?",
    choices: ["red", "blue"],
    allowFreeform: true, // always true: the tool's schema has no way to forbid free text
    toolCallId: "call_1",
  });
  const { properties: props, required } = schemaOf(r.fake.requests[1]?.body, "ask_user");
  const types = [props.question.type, props.choices.type, props.choices.items.type];
  assert.deepEqual(
    [Object.keys(props), types, required],
    [["question", "choices"], ["string", "array", "string"], ["question"]],
  );
  // The handler is called after the event (a separate userInput.request call to each client).
  assert.deepEqual(await handlerGot, {
    question: "Pick a colour?",
    choices: ["red", "blue"],
    allowFreeform: true,
  });

  const ui = session.rpc.ui;
  const green = { requestId, response: { answer: "green", wasFreeform: true } };
  assert.deepEqual(await ui.handlePendingUserInput(green), { success: true });
  assert.deepEqual(await ui.handlePendingUserInput(green), { success: false });
  await idle;
  late?.({ answer: "too late", wasFreeform: true }); // the runtime drops it silently
  await sleep(300);
  assert.deepEqual(
    ofType(events, "user_input.completed").map((e) => [e.ephemeral, e.data]),
    [[true, { answer: "green", wasFreeform: true, requestId }]],
  );
  const done = ofType(events, "tool.execution_complete")[0]?.data;
  assert.deepEqual(done?.result?.content, "User responded: green");
  assert.equal(r.fake.requests.length, 3);
  const final = ofType(events, "assistant.message").at(-1)?.data.content;
  assert.equal(final, "Tool ask_user result: User responded: green");
  // Ephemeral: not in the session's history, so a client attaching later cannot learn the requestId.
  const history = (await session.getEvents()).map((e) => e.type);
  assert.ok(history.includes("tool.execution_start") && !history.includes("user_input.requested"));
});

test("ask_user: a handler that answers first wins; the RPC then fails; no choices → null", T, async (t) => {
  const r = await rig(t);
  const { session, events } = await r.open({
    onUserInputRequest: () => ({ answer: "b", wasFreeform: false }),
  });
  const requested = next(session, "user_input.requested");
  const reply = await session.sendAndWait({ prompt: "ASK: Which one? | a | b" }, 10_000);
  const { requestId } = (await requested).data;
  const a = { requestId, response: { answer: "a", wasFreeform: false } };
  assert.deepEqual(await session.rpc.ui.handlePendingUserInput(a), { success: false });
  assert.equal(reply?.data.content, "Tool ask_user result: User selected: b"); // wasFreeform: false
  const completed = ofType(events, "user_input.completed").map((e) => e.data);
  assert.deepEqual(completed, [{ answer: "b", wasFreeform: false, requestId }]);

  const open = next(session, "user_input.requested");
  await session.sendAndWait({ prompt: "ASK: Anything?" }, 10_000);
  assert.equal((await open).data.choices, null);
});

test("modes: mode.get/set, session.mode_changed, tools offered per mode, [[PLAN]] prefix", T, async (t) => {
  const r = await rig(t);
  const { session, events } = await r.open({ onUserInputRequest: never, onExitPlanModeRequest: never });
  assert.equal(await session.rpc.mode.get(), "interactive");
  const tools: Record<string, string[]> = {};
  for (const mode of ["interactive", "plan", "autopilot"] as const) {
    const set = await session.rpc.mode.set({ mode });
    assert.deepEqual(set, { status: "unchanged", modelChanged: false, modeApplied: true }); // status is about the model
    assert.equal(await session.rpc.mode.get(), mode);
    const n = r.fake.requests.length;
    const done = next(session, "session.idle"); // autopilot: nudged once, the fake calls task_complete
    await session.send({ prompt: `hello ${mode}` });
    await done;
    tools[mode] = r.fake.requests[n]?.tools ?? [];
  }
  const common = "bash read_bash stop_bash list_bash view create edit web_fetch ask_user sql";
  const agents = "read_agent list_agents write_agent grep glob task";
  assert.deepEqual(
    Object.values(tools).map((names) => names.join(" ")),
    [
      `${common} ${agents}`, // interactive
      `${common} exit_plan_mode ${agents}`, // plan
      `${common} task_complete ${agents}`, // autopilot
    ],
  );
  assert.deepEqual(
    ofType(events, "session.mode_changed").map((e) => e.data),
    [
      { previousMode: "interactive", newMode: "plan" },
      { previousMode: "plan", newMode: "autopilot" },
    ], // setting the current mode again emits nothing
  );
  const planUser = ofType(events, "user.message").find((e) => e.data.content === "hello plan");
  assert.match(planUser?.data.transformedContent ?? "", /\n\n\[\[PLAN\]\] hello plan$/);
  assert.equal(planUser?.data.agentMode, "plan");
  const last = ofType(events, "assistant.message").find((e) => e.data.content.includes("hello plan"));
  assert.equal(last?.data.content, "You said: hello plan (user turns: 2)"); // the fake strips [[PLAN]]
  // Autopilot: the runtime nudges ("You have not yet marked the task as complete…") until task_complete.
  const complete = ofType(events, "session.task_complete").map((e) => e.data);
  assert.deepEqual(complete, [{ summary: "Done: hello autopilot", success: true }]);
  const plan = schemaOf(r.fake.requests[1]?.body, "exit_plan_mode"); // recommendedAction: enum of actions
  assert.deepEqual(
    [Object.keys(plan.properties), plan.required],
    [["summary", "showFleet", "recommendedAction"], ["summary"]],
  );
});

test("exit_plan_mode: PLAN writes plan.md; reject, then approve via RPC", T, async (t) => {
  const r = await rig(t);
  let late: ((v: { approved: boolean }) => void) | undefined;
  const { session, events } = await r.open({
    onExitPlanModeRequest: () =>
      new Promise((res) => {
        late = res;
      }),
  });
  const outside = await session.sendAndWait({ prompt: "PLAN: too early" }, 10_000);
  const missing = "Tool exit_plan_mode result: Tool 'exit_plan_mode' does not exist. Available tools that";
  assert.ok(outside?.data.content.startsWith(missing));
  await session.rpc.mode.set({ mode: "plan" });
  let requested = next(session, "exit_plan_mode.requested");
  await session.send({ prompt: "PLAN: - step one\\n- step two\n# Plan\n\n1. one\n2. two" });
  let ev = await requested;
  assert.equal(ev.ephemeral, true);
  const first = ev.data.requestId;
  assert.deepEqual(ev.data, {
    requestId: first,
    summary: "- step one\n- step two",
    actions: ["autopilot", "interactive", "exit_only"],
    recommendedAction: "autopilot",
    toolCallId: "call_3", // call_2 wrote plan.md (no permission asked: it is in the session workspace)
    model: "fake-model",
    planContent: "# Plan\n\n1. one\n2. two\n",
  });
  assert.equal((await session.rpc.plan.read()).content, "# Plan\n\n1. one\n2. two\n");
  const ui = session.rpc.ui;
  let idle = next(session, "session.idle");
  const reject = { requestId: first, response: { approved: false, feedback: "more tests" } };
  assert.deepEqual(await ui.handlePendingExitPlanMode(reject), { success: true });
  assert.deepEqual(await ui.handlePendingExitPlanMode(reject), { success: false });
  await idle;
  late?.({ approved: true }); // ignored
  await sleep(300);
  assert.equal(await session.rpc.mode.get(), "plan");
  const rejected = r.fake.requests.at(-1)?.messages.at(-1)?.content;
  assert.match(rejected ?? "", /^Plan not approved\. User feedback:\n\nmore tests\n\nPlease update the plan/);

  requested = next(session, "exit_plan_mode.requested");
  idle = next(session, "session.idle");
  await session.send({ prompt: "PLAN: short plan" });
  ev = await requested;
  assert.equal(ev.data.planContent, "# Plan\n\n1. one\n2. two\n"); // plan.md from before
  const response = { approved: true, selectedAction: "interactive" as const };
  const approve = { requestId: ev.data.requestId, response };
  assert.deepEqual(await ui.handlePendingExitPlanMode(approve), { success: true });
  await idle;
  assert.deepEqual(
    ofType(events, "exit_plan_mode.completed").map((e) => e.data),
    [
      { approved: false, feedback: "more tests", requestId: first },
      { approved: true, selectedAction: "interactive", requestId: ev.data.requestId },
    ],
  );
  const changed = ofType(events, "session.mode_changed").at(-1)?.data;
  assert.deepEqual(changed, { previousMode: "plan", newMode: "interactive" });
  const seen = r.fake.requests.at(-1)?.messages.at(-1)?.content ?? "";
  assert.match(seen, /^Plan approved! Exited plan mode\.\n\nYou are now in interactive mode\./);
});

test("elicitation: FORM via the MCP server, session.ui.elicitation, no handler", T, async (t) => {
  const r = await rig(t);
  const { session, events } = await r.open({ onElicitationRequest: never, mcpServers: formMcpServer() });
  assert.equal(session.capabilities.ui?.elicitation, true);
  const perm = next(session, "permission.requested");
  const requested = next(session, "elicitation.requested");
  const idle = next(session, "session.idle");
  await session.send({ prompt: "FORM: Who are you? | name | age?:integer | size:S/M" });
  const p = (await perm).data; // an MCP tool call needs a permission first
  assert.deepEqual(p.permissionRequest.kind, "mcp");
  const once = { requestId: p.requestId, result: { kind: "approve-once" as const } };
  await session.rpc.permissions.handlePendingPermissionRequest(once);
  const ev = await requested;
  assert.equal(ev.ephemeral, true);
  const { requestId } = ev.data;
  assert.deepEqual(ev.data, {
    requestId,
    elicitationSource: "fakeform",
    message: "Who are you?",
    requestedSchema: {
      type: "object",
      properties: {
        name: { type: "string", title: "name" },
        age: { type: "integer", title: "age" },
        size: { type: "string", title: "size", enum: ["S", "M"] },
      },
      required: ["name", "size"],
    },
  });
  const ui = session.rpc.ui;
  const accept = { requestId, result: { action: "accept" as const, content: { name: "Ann", size: "M" } } };
  assert.deepEqual(await ui.handlePendingElicitation(accept), { success: true });
  const cancel = { requestId, result: { action: "cancel" as const } };
  assert.deepEqual(await ui.handlePendingElicitation(cancel), { success: false });
  await idle;
  assert.deepEqual(ofType(events, "elicitation.completed")[0]?.data, { requestId, ...accept.result });
  const seen = r.fake.requests.at(-1)?.messages.at(-1)?.content;
  assert.equal(seen, '{"action":"accept","content":{"name":"Ann","size":"M"}}');

  // A client can raise a form itself; session.ui.elicitation resolves with the winning answer.
  const raised = next(session, "elicitation.requested");
  const requestedSchema = { type: "object" as const, properties: { ok: { type: "boolean" as const } } };
  const form = session.ui.elicitation({ message: "Sure?", requestedSchema });
  const own = (await raised).data;
  assert.deepEqual(Object.keys(own), ["requestId", "requestedSchema", "message"]); // no elicitationSource
  await ui.handlePendingElicitation({ requestId: own.requestId, result: { action: "decline" } });
  assert.deepEqual(await form, { action: "decline" });

  // Nobody registered onElicitationRequest: the runtime answers the MCP server "decline", no events.
  const bare = await r.open({
    mcpServers: formMcpServer(),
    onPermissionRequest: () => ({ kind: "approve-once" }),
  });
  assert.equal(bare.session.capabilities.ui?.elicitation, false);
  const reply = await bare.session.sendAndWait({ prompt: "FORM: Name? | name" }, 10_000);
  assert.equal(reply?.data.content, 'Tool fakeform-elicit result: {"action":"decline"}');
  assert.equal(ofType(bare.events, "elicitation.requested").length, 0);
});

test("abort while a question, a plan or a permission is pending", T, async (t) => {
  const r = await rig(t);
  const { session, events } = await r.open({ onUserInputRequest: never, onExitPlanModeRequest: never });
  type Asked = "user_input.requested" | "exit_plan_mode.requested" | "permission.requested";
  const abortWhile = async (prompt: string, type: Asked) => {
    const requested = next(session, type);
    await session.send({ prompt });
    const { requestId } = (await requested).data;
    const from = events.length;
    const idle = next(session, "session.idle");
    await session.abort();
    await idle;
    await sleep(200);
    const wanted = /^(abort|agent\.interrupted|session\.idle|tool\.execution_complete|.*\.completed)$/;
    const after = events.slice(from).filter((e) => wanted.test(e.type));
    const brief = (e: SessionEvent) => [e.type, (e.type as string) === "agent.interrupted" ? "…" : e.data];
    // Sorted: the order varies between runs (abort sometimes arrives after session.idle).
    return { requestId, after: after.map(brief).sort((x, y) => String(x[0]).localeCompare(String(y[0]))) };
  };
  const abort = ["abort", { reason: "user_initiated" }];
  const interrupted = ["agent.interrupted", "…"]; // ephemeral {activity: "tool_call", toolCallIds, toolNames…}
  const idled = (mode: string) => ["session.idle", { aborted: true, mode }];
  // ask_user: no user_input.completed, no tool.execution_complete; the model later sees the tool
  // result "The execution of this tool, or a previous tool was interrupted."
  const ask = await abortWhile("ASK: Still there?", "user_input.requested");
  assert.deepEqual(ask.after, [abort, interrupted, idled("interactive")]);
  // The question stays answerable although nothing waits for it: success true, user_input.completed.
  const stale = { requestId: ask.requestId, response: { answer: "yes", wasFreeform: true } };
  const completed = next(session, "user_input.completed");
  assert.deepEqual(await session.rpc.ui.handlePendingUserInput(stale), { success: true });
  assert.deepEqual((await completed).data, { ...stale.response, requestId: ask.requestId });

  const perm = await abortWhile("RUN: echo hi", "permission.requested");
  const result = { kind: "cancelled", reason: "Session aborted" };
  const cancelled = { requestId: perm.requestId, toolCallId: "call_2", result };
  assert.deepEqual(perm.after, [
    abort,
    interrupted,
    ["permission.completed", cancelled],
    idled("interactive"),
  ]);
  assert.deepEqual((await session.rpc.permissions.pendingRequests()).items, []);
  const approve = { requestId: perm.requestId, result: { kind: "approve-once" as const } };
  assert.deepEqual(await session.rpc.permissions.handlePendingPermissionRequest(approve), { success: false });

  await session.rpc.mode.set({ mode: "plan" });
  const plan = await abortWhile("PLAN: a plan", "exit_plan_mode.requested");
  assert.deepEqual(plan.after, [abort, interrupted, idled("plan")]); // no exit_plan_mode.completed
  const late = { requestId: plan.requestId, response: { approved: true } };
  assert.deepEqual(await session.rpc.ui.handlePendingExitPlanMode(late), { success: false });
  assert.equal(await session.rpc.mode.get(), "plan");

  const reply = await session.sendAndWait({ prompt: "again" }, 10_000);
  assert.equal(reply?.data.content, "You said: again (user turns: 4)");
  const tools = r.fake.requests.at(-1)?.messages.filter((m) => m.role === "tool");
  const gone = "The execution of this tool, or a previous tool was interrupted.";
  assert.deepEqual(
    tools?.map((m) => m.content),
    [gone, gone, gone],
  );
});

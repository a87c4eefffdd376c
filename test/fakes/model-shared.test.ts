/**
 * Probe tests: two clients attached to one session on a shared headless runtime (like the bridge and
 * a terminal) and the agent's questions, plan approvals and forms: who is asked, who wins, what
 * each client sees. Single-client behaviour is in model-prompts.test.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import {
  CopilotClient,
  type CopilotSession,
  RuntimeConnection,
  type SessionConfig,
  type SessionEvent,
} from "@github/copilot-sdk";
import { startHeadlessRuntime } from "../e2e/runtime.js";
import { FakeModel, formMcpServer } from "./model/index.js";

const T = { timeout: 20_000 };

type Side = { session: CopilotSession; events: SessionEvent[]; calls: string[] };

/** Client A creates the session, client B resumes it; both register every prompt handler (pending). */
async function shared(t: TestContext, extra: Partial<SessionConfig> = {}) {
  const fake = await FakeModel.start();
  const home = mkdtempSync(join(tmpdir(), "fm-home-"));
  const cwd = mkdtempSync(join(tmpdir(), "fm-cwd-"));
  const rt = await startHeadlessRuntime(home);
  const connect = () =>
    new CopilotClient({
      connection: RuntimeConnection.forUri(rt.url, { connectionToken: rt.token }),
      workingDirectory: cwd,
      logLevel: "error",
    });
  const clients: CopilotClient[] = [];
  t.after(async () => {
    for (const c of clients) await c.stop();
    await rt.stop();
    await fake.stop();
    rmSync(home, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  });
  const config = (side: Side): SessionConfig => ({
    ...fake.sessionConfig(),
    workingDirectory: cwd,
    onPermissionRequest: () => ({ kind: "no-result" }),
    onUserInputRequest: () => {
      side.calls.push("userInput");
      return new Promise(() => undefined);
    },
    onExitPlanModeRequest: () => {
      side.calls.push("exitPlanMode");
      return new Promise(() => undefined);
    },
    onElicitationRequest: () => {
      side.calls.push("elicitation");
      return new Promise(() => undefined);
    },
    onEvent: (e) => side.events.push(e),
    ...extra,
  });
  const side = async (open: (c: CopilotClient, s: Side) => Promise<CopilotSession>) => {
    const s = { events: [], calls: [] } as unknown as Side;
    const client = connect();
    clients.push(client);
    s.session = await open(client, s);
    return s;
  };
  const a = await side((c, s) => c.createSession(config(s)));
  /** Another client resuming A's session. */
  const attach = () => side((c, s) => c.resumeSession(a.session.sessionId, config(s)));
  return { a, attach };
}

async function pair(t: TestContext, extra: Partial<SessionConfig> = {}) {
  const { a, attach } = await shared(t, extra);
  return { a, b: await attach() };
}

function next<K extends SessionEvent["type"]>(
  side: Side,
  type: K,
  ms = 10_000,
): Promise<Extract<SessionEvent, { type: K }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} within ${ms} ms`)), ms);
    const off = side.session.on(type, (e) => {
      clearTimeout(timer);
      off();
      resolve(e as Extract<SessionEvent, { type: K }>);
    });
  });
}

const ofType = <K extends SessionEvent["type"]>(events: SessionEvent[], type: K) =>
  events.filter((e): e is Extract<SessionEvent, { type: K }> => e.type === type);

/** Sends from A, waits until both sides saw `type`, returns the two events' data. */
async function raise<K extends SessionEvent["type"]>(a: Side, b: Side, prompt: string, type: K) {
  const seen = Promise.all([next(a, type), next(b, type)]);
  await a.session.send({ prompt });
  const [ea, eb] = await seen;
  assert.deepEqual(ea.data, eb.data);
  return ea.data as Extract<SessionEvent, { type: K }>["data"];
}

const settled = (a: Side, b: Side) => Promise.all([next(a, "session.idle"), next(b, "session.idle")]);

test(
  "shared runtime, ask_user: both clients asked; first RPC wins, the other gets success false",
  T,
  async (t) => {
    const { a, b } = await pair(t);
    const idle = settled(a, b);
    const { requestId } = await raise(a, b, "ASK: Deploy? | yes | no", "user_input.requested");
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual([a.calls, b.calls], [["userInput"], ["userInput"]]); // each handler was called
    const answer = (text: string) => ({ requestId, response: { answer: text, wasFreeform: false } });
    assert.deepEqual(await b.session.rpc.ui.handlePendingUserInput(answer("no")), { success: true });
    assert.deepEqual(await a.session.rpc.ui.handlePendingUserInput(answer("yes")), { success: false });
    await idle;
    for (const side of [a, b]) {
      // No client identity: the event says what won, not who.
      assert.deepEqual(
        ofType(side.events, "user_input.completed").map((e) => e.data),
        [{ answer: "no", wasFreeform: false, requestId }],
      );
      assert.equal(
        ofType(side.events, "assistant.message").at(-1)?.data.content,
        "Tool ask_user result: User selected: no",
      );
    }
  },
);

test(
  "shared runtime, ask_user: a client attaching later gets no event but can answer by id",
  T,
  async (t) => {
    const { a, attach } = await shared(t);
    const requested = next(a, "user_input.requested");
    await a.session.send({ prompt: "ASK: Anyone?" });
    const { requestId } = (await requested).data;
    const c = await attach();
    await new Promise((r) => setTimeout(r, 300));
    // Not replayed on resume, not in the history, and the late client's handler is not called.
    assert.deepEqual(c.calls, []);
    assert.equal(ofType(c.events, "user_input.requested").length, 0);
    assert.equal((await c.session.getEvents()).filter((e) => e.type === "user_input.requested").length, 0);
    const idle = next(a, "session.idle");
    const res = await c.session.rpc.ui.handlePendingUserInput({
      requestId,
      response: { answer: "me", wasFreeform: true },
    });
    assert.deepEqual(res, { success: true });
    await idle;
    assert.deepEqual(ofType(a.events, "user_input.completed")[0]?.data, {
      answer: "me",
      wasFreeform: true,
      requestId,
    });
  },
);

test(
  "shared runtime, exit_plan_mode: both asked, first RPC wins, both see completed + mode_changed",
  T,
  async (t) => {
    const { a, b } = await pair(t);
    await b.session.rpc.mode.set({ mode: "plan" }); // either client can switch; both get mode_changed
    const idle = settled(a, b);
    const plan = await raise(a, b, "PLAN: ship it", "exit_plan_mode.requested");
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual([a.calls, b.calls], [["exitPlanMode"], ["exitPlanMode"]]);
    const approve = (selectedAction: "autopilot" | "interactive") => ({
      requestId: plan.requestId,
      response: { approved: true, selectedAction },
    });
    assert.deepEqual(await a.session.rpc.ui.handlePendingExitPlanMode(approve("interactive")), {
      success: true,
    });
    assert.deepEqual(await b.session.rpc.ui.handlePendingExitPlanMode(approve("autopilot")), {
      success: false,
    });
    await idle;
    for (const side of [a, b]) {
      assert.deepEqual(
        ofType(side.events, "exit_plan_mode.completed").map((e) => e.data),
        [{ approved: true, selectedAction: "interactive", requestId: plan.requestId }],
      );
      assert.deepEqual(
        ofType(side.events, "session.mode_changed").map((e) => e.data.newMode),
        ["plan", "interactive"],
      );
    }
  },
);

test("shared runtime, elicitation: both get the form, first RPC wins, both see completed", T, async (t) => {
  const { a, b } = await pair(t, { mcpServers: formMcpServer() });
  const idle = settled(a, b);
  const perm = next(b, "permission.requested");
  await a.session.send({ prompt: "FORM: Ticket | title | priority:low/high" });
  const p = (await perm).data;
  const forms = Promise.all([next(a, "elicitation.requested"), next(b, "elicitation.requested")]);
  await b.session.rpc.permissions.handlePendingPermissionRequest({
    requestId: p.requestId,
    result: { kind: "approve-once" },
  });
  const [ea, eb] = await forms;
  assert.deepEqual(ea.data, eb.data);
  const { requestId } = ea.data;
  const result = { action: "accept" as const, content: { title: "Bug", priority: "high" } };
  assert.deepEqual(await a.session.rpc.ui.handlePendingElicitation({ requestId, result }), { success: true });
  const cancel = { requestId, result: { action: "cancel" as const } };
  assert.deepEqual(await b.session.rpc.ui.handlePendingElicitation(cancel), { success: false });
  await idle;
  assert.deepEqual([a.calls, b.calls], [["elicitation"], ["elicitation"]]);
  for (const side of [a, b]) {
    assert.deepEqual(
      ofType(side.events, "elicitation.completed").map((e) => e.data),
      [{ requestId, ...result }],
    );
  }
});

/**
 * Probe tests: the real Copilot runtime (bundled with @github/copilot-sdk) against FakeModel via BYOK.
 * They document runtime behaviour the bridge relies on; see test/fakes/model/README.md.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import {
  CopilotClient,
  type CopilotSession,
  type SessionConfig,
  type SessionEvent,
} from "@github/copilot-sdk";
import { FakeModel, type Reply, type Responder, type Wire } from "./model/index.js";

const T = { timeout: 20_000 };
const leave = () => ({ kind: "no-result" as const });
type Decision = Parameters<
  CopilotSession["rpc"]["permissions"]["handlePendingPermissionRequest"]
>[0]["result"];

interface Rig {
  fake: FakeModel;
  client: CopilotClient;
  home: string;
  cwd: string;
  open(extra?: Partial<SessionConfig>): Promise<{ session: CopilotSession; events: SessionEvent[] }>;
}

async function rig(t: TestContext, responder?: Responder): Promise<Rig> {
  const fake = await FakeModel.start(responder ? { responder } : {});
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
      onPermissionRequest: leave,
      onEvent: (e) => events.push(e),
      ...extra,
    });
    return { session, events };
  };
  return { fake, client, home, cwd, open };
}

/** Next event of a type (optionally matching), with a timeout. */
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

const types = (events: SessionEvent[]) => events.filter((e) => !e.ephemeral).map((e) => e.type);
const ofType = <K extends SessionEvent["type"]>(events: SessionEvent[], type: K) =>
  events.filter((e): e is Extract<SessionEvent, { type: K }> => e.type === type);

test("plain streamed answer: deltas, then assistant.message with the full reply", T, async (t) => {
  const r = await rig(t);
  const { session, events } = await r.open();
  const final = await session.sendAndWait({ prompt: "hello model" }, 10_000);
  assert.equal(final?.data.content, "You said: hello model (user turns: 1)");
  const deltas = ofType(events, "assistant.message_delta");
  assert.equal(deltas.length, 3);
  assert.equal(deltas.map((d) => d.data.deltaContent).join(""), final?.data.content);
  assert.ok(deltas.every((d) => d.data.messageId === final?.data.messageId));
  // The runtime wraps the prompt; the event keeps both forms.
  const req = r.fake.requests[0];
  assert.ok(req?.stream && req.path === "/v1/chat/completions");
  const user = ofType(events, "user.message")[0];
  assert.equal(user?.data.content, "hello model");
  assert.match(
    user?.data.transformedContent ?? "",
    /^<current_datetime>.*<\/current_datetime>\n\nhello model$/,
  );
  assert.equal(req.messages.at(-1)?.content, user?.data.transformedContent);
  // Tools offered, and the argument schemas the default rules rely on.
  for (const name of ["bash", "view", "create", "edit", "grep", "glob"])
    assert.ok(req.tools.includes(name), name);
  const schema = (n: string) => req.body.tools.find((x: Wire) => x.function.name === n).function.parameters;
  assert.deepEqual(schema("bash").required, ["command", "description"]);
  assert.deepEqual(schema("create").required, ["path", "file_text"]);
  assert.ok(req.messages[0]?.content.includes(`* Current working directory: ${r.cwd}\n`));
});

test("bash permission left pending, approved via RPC: command runs, second answer fails", T, async (t) => {
  const r = await rig(t);
  const { session, events } = await r.open();
  const asked = next(session, "permission.requested");
  const idle = next(session, "session.idle");
  await session.send({ prompt: "RUN: touch made-by-bash.txt" });
  const ev = await asked;
  const pr = ev.data.permissionRequest;
  assert.equal(pr.kind, "shell");
  if (pr.kind !== "shell") return;
  const { fullCommandText, intention, commands, canOfferSessionApproval } = pr;
  assert.deepEqual(
    { fullCommandText, intention, commands, canOfferSessionApproval },
    {
      fullCommandText: "touch made-by-bash.txt",
      intention: "Run touch made-by-bash.txt",
      commands: [{ identifier: "touch made-by-bash.txt", readOnly: false }],
      canOfferSessionApproval: false,
    },
  );
  assert.equal(ev.data.promptRequest?.kind, "commands");
  const pending = (await session.rpc.permissions.pendingRequests()).items.map((i) => i.requestId);
  assert.deepEqual(pending, [ev.data.requestId]);
  assert.equal(existsSync(join(r.cwd, "made-by-bash.txt")), false);

  const rpc = session.rpc.permissions;
  const approve = { requestId: ev.data.requestId, result: { kind: "approve-once" as const } };
  assert.deepEqual(await rpc.handlePendingPermissionRequest(approve), { success: true });
  assert.deepEqual(await rpc.handlePendingPermissionRequest(approve), { success: false });
  await idle;
  assert.ok(existsSync(join(r.cwd, "made-by-bash.txt")));
  const done = ofType(events, "permission.completed")[0];
  assert.deepEqual(done?.data, {
    requestId: ev.data.requestId,
    toolCallId: "call_1",
    result: { kind: "approved" },
  });
  // Non-ephemeral order: the tool "starts" BEFORE its permission is asked.
  assert.deepEqual(types(events).slice(types(events).indexOf("user.message")), [
    "user.message",
    "system.message",
    "assistant.turn_start",
    "assistant.message", // content "", toolRequests [{toolCallId: "call_1", name: "bash", …}]
    "tool.execution_start",
    "permission.requested",
    "permission.completed",
    "tool.execution_complete",
    "assistant.turn_end",
    "assistant.turn_start",
    "assistant.message",
    "assistant.turn_end",
  ]);
  const finals = ofType(events, "assistant.message");
  assert.equal(finals[0]?.data.toolRequests?.[0]?.name, "bash");
  assert.equal(finals[1]?.data.content, "Tool bash result: <shellId: 0 completed with exit code 0>");
  assert.equal(r.fake.requests[1]?.headers["x-initiator"], "agent");
});

test("reject with feedback: nothing runs, the model sees the feedback", T, async (t) => {
  const r = await rig(t);
  const { session, events } = await r.open();
  const asked = next(session, "permission.requested");
  const idle = next(session, "session.idle");
  await session.send({ prompt: "RUN: touch denied.txt" });
  const { data } = await asked;
  const res = await session.rpc.permissions.handlePendingPermissionRequest({
    requestId: data.requestId,
    result: { kind: "reject", feedback: "not today" },
  });
  assert.deepEqual(res, { success: true });
  await idle;
  assert.equal(existsSync(join(r.cwd, "denied.txt")), false);
  const seen = r.fake.requests[1]?.messages.at(-1);
  assert.deepEqual(
    { role: seen?.role, toolName: seen?.toolName, content: seen?.content },
    { role: "tool", toolName: "bash", content: "The user rejected this tool call. User feedback: not today" },
  );
  const complete = ofType(events, "tool.execution_complete")[0]?.data;
  assert.equal(complete?.success, false);
  assert.deepEqual(complete?.error, {
    message: "The user rejected this tool call. User feedback: not today",
    code: "denied",
  });
  const result = ofType(events, "permission.completed")[0]?.data.result;
  assert.deepEqual(result, { kind: "denied-interactively-by-user", feedback: "not today" });
  const last = ofType(events, "assistant.message").at(-1)?.data.content;
  assert.equal(last, "Tool bash result: The user rejected this tool call. User feedback: not today");
});

test("follow-up turn carries the earlier conversation", T, async (t) => {
  const r = await rig(t);
  const { session } = await r.open();
  assert.equal(
    (await session.sendAndWait({ prompt: "first" }, 10_000))?.data.content,
    "You said: first (user turns: 1)",
  );
  const second = await session.sendAndWait({ prompt: "ECHO: line one\nline two" }, 10_000);
  assert.equal(second?.data.content, "line one\nline two");
  const third = await session.sendAndWait({ prompt: "third" }, 10_000);
  assert.equal(third?.data.content, "You said: third (user turns: 3)");
  const roles = r.fake.requests[2]?.messages.filter((m) => m.role !== "system").map((m) => m.role);
  assert.deepEqual(roles, ["user", "assistant", "user", "assistant", "user"]);
});

test("approve-for-session needs approval.commands, then the same command is not asked", T, async (t) => {
  const r = await rig(t);
  const { session, events } = await r.open();
  const asks = () => ofType(events, "permission.requested").length;
  const run = async (cmd: string, result: (ids: string[]) => Decision) => {
    const off = session.on("permission.requested", (e) => {
      const pr = e.data.permissionRequest;
      const ids = pr.kind === "shell" ? pr.commands.map((c) => c.identifier) : [];
      void session.rpc.permissions.handlePendingPermissionRequest({
        requestId: e.data.requestId,
        result: result(ids),
      });
    });
    const before = asks();
    const reply = await session.sendAndWait({ prompt: `RUN: ${cmd}` }, 10_000);
    off();
    assert.match(reply?.data.content ?? "", /completed with exit code 0/);
    return asks() - before;
  };
  const plain = (): Decision => ({ kind: "approve-for-session" });
  const commands = (ids: string[]): Decision => ({
    kind: "approve-for-session",
    approval: { kind: "commands", commandIdentifiers: ids },
  });
  // Plain approve-for-session is accepted but acts like approve-once.
  assert.equal(await run("echo one", plain), 1);
  assert.equal(await run("echo one", plain), 1);
  // With approval.commands built from permissionRequest.commands[].identifier it sticks.
  assert.equal(await run("echo two", commands), 1);
  assert.equal(await run("echo two", commands), 0);
  assert.equal(await run("echo three", commands), 1); // identifiers are whole command texts
  const results = ofType(events, "permission.completed").map((e) => e.data.result);
  assert.deepEqual(results, [
    { kind: "approved" },
    { kind: "approved" },
    { kind: "approved-for-session", approval: { kind: "commands", commandIdentifiers: ["echo two"] } },
    { kind: "approved-for-session", approval: { kind: "commands", commandIdentifiers: ["echo three"] } },
  ]); // the auto-approved run emitted no permission events at all
});

test("resume with continuePendingWork: still pending, not re-emitted, approvable", T, async (t) => {
  const r = await rig(t);
  const { session } = await r.open();
  const asked = next(session, "permission.requested");
  await session.send({ prompt: "RUN: touch resumed.txt" });
  const original = (await asked).data.requestId;
  await r.client.stop();

  const client2 = new CopilotClient({ baseDirectory: r.home, workingDirectory: r.cwd, logLevel: "error" });
  t.after(() => client2.stop());
  let handlerCalls = 0;
  const events: SessionEvent[] = [];
  const s2 = await client2.resumeSession(session.sessionId, {
    ...r.fake.sessionConfig(),
    workingDirectory: r.cwd,
    continuePendingWork: true,
    onPermissionRequest: () => {
      handlerCalls++;
      return leave();
    },
    onEvent: (e) => events.push(e),
  });
  const pending = (await s2.rpc.permissions.pendingRequests()).items.map((i) => i.requestId);
  assert.deepEqual(pending, [original]);
  const idle = next(s2, "session.idle");
  const res = await s2.rpc.permissions.handlePendingPermissionRequest({
    requestId: original,
    result: { kind: "approve-once" },
  });
  assert.deepEqual(res, { success: true });
  await idle;
  assert.ok(existsSync(join(r.cwd, "resumed.txt")));
  assert.equal(ofType(events, "permission.requested").length, 0, "permission.requested is not re-emitted");
  assert.equal(handlerCalls, 0);
  assert.equal(ofType(events, "session.resume")[0]?.data.continuePendingWork, true);
  assert.equal(ofType(events, "permission.completed")[0]?.data.requestId, original);
  assert.equal(ofType(events, "tool.execution_complete")[0]?.data.toolCallId, "call_1");
  assert.match(ofType(events, "assistant.message").at(-1)?.data.content ?? "", /^Tool bash result: /);
  assert.equal(r.fake.requests.length, 2);
});

test("responses wire API: create tool via WRITE, parallel tools, LONG and SLOW", T, async (t) => {
  const r = await rig(t);
  const cfg = r.fake.sessionConfig();
  const approve = () => ({ kind: "approve-once" as const });
  const { session, events } = await r.open({
    provider: { ...cfg.provider, wireApi: "responses" },
    onPermissionRequest: approve,
  });
  const wrote = await session.sendAndWait({ prompt: "WRITE: sub/../note.txt hello\nworld" }, 10_000);
  assert.equal(readFileSync(join(r.cwd, "note.txt"), "utf8"), "hello\nworld");
  assert.equal(
    wrote?.data.content,
    `Tool create result: Created file ${join(r.cwd, "note.txt")} with 11 characters`,
  );
  assert.equal(r.fake.requests[0]?.path, "/v1/responses");

  r.fake.setResponder((req) =>
    req.messages.at(-1)?.content.endsWith("PAR")
      ? { tools: [1, 2].map((i) => ({ tool: "bash", args: { command: `echo p${i}`, description: "p" } })) }
      : undefined,
  );
  await session.sendAndWait({ prompt: "PAR" }, 10_000);
  // Both calls ran; the order of their results in the next request varies between runs.
  const outs = r.fake.requests
    .at(-1)
    ?.messages.filter((m) => m.role === "tool")
    .slice(-2);
  assert.deepEqual(outs?.map((m) => m.content.split("\n")[0]).sort(), ["p1", "p2"]);

  const long = await session.sendAndWait({ prompt: "LONG: 3000" }, 10_000);
  assert.equal(long?.data.content.length, 3000);
  assert.match(long?.data.content ?? "", /^line 0001 lorem[\s\S]*\n```js\n[\s\S]*\n```\n/);
  const t0 = Date.now();
  assert.equal((await session.sendAndWait({ prompt: "SLOW: 400" }, 10_000))?.data.content, "slow done");
  assert.ok(Date.now() - t0 >= 350);
  assert.ok(ofType(events, "assistant.message_delta").length > 20);
});

test("fake over plain HTTP: non-streamed completion, errors, 404, stall cut by stop", T, async (t) => {
  // biome-ignore lint/suspicious/noThenProperty: `then` is part of the Reply API (never awaited)
  const stall: Reply = { stallMs: 60_000, then: { text: "late" } };
  const script: (Reply | undefined)[] = [undefined, { error: 400, message: "nope" }, stall];
  const fake = await FakeModel.start({ responder: (_req, i) => script[i] });
  t.after(() => fake.stop());
  const post = async (path: string, body: unknown): Promise<Response> =>
    fetch(`${fake.baseUrl}${path}`, { method: "POST", body: JSON.stringify(body) });
  const messages = [{ role: "user", content: [{ type: "text", text: "RUN: ls -l" }] }];
  const tools = [{ type: "function", function: { name: "bash" } }];
  const ok: Wire = await (await post("/chat/completions", { messages, tools })).json();
  assert.equal(ok.choices[0].finish_reason, "tool_calls");
  assert.deepEqual(JSON.parse(ok.choices[0].message.tool_calls[0].function.arguments), {
    command: "ls -l",
    description: "Run ls -l",
  });
  assert.deepEqual(fake.requests[0]?.tools, ["bash"]);
  const bad = await post("/chat/completions", { messages });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as Wire).error.message, "nope");
  const stalled = post("/chat/completions", { messages, stream: true }).then(
    async (res) => res.text(),
    (err: unknown) => err,
  );
  await fake.waitForRequests(3, 2_000);
  assert.equal((await fetch(`${fake.baseUrl}/models`)).status, 404);
  assert.equal(fake.requests.length, 3, "unknown routes are not recorded");
  await fake.stop();
  assert.ok((await stalled) instanceof Error, "stop() cuts the stalled stream");
  await assert.rejects(fake.waitForRequests(4, 50), /3\/4 requests/);
});

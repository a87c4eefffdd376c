/**
 * Probe tests: which permission kinds the real Copilot runtime raises for FakeModel's READ, FETCH,
 * WRITE and TOOL directives, and which session-wide approvals it honours (what the bridge's
 * "Approve for session" sends, src/copilot/gateway.ts `toResult`). See test/fakes/model/README.md.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import {
  CopilotClient,
  type PermissionPromptRequest,
  type PermissionRequestResult,
} from "@github/copilot-sdk";
import { FakeModel, formMcpServer } from "./model/index.js";

const T = { timeout: 60_000 };
type Answer = Exclude<PermissionRequestResult, { kind: "no-result" }>;
const once: Answer = { kind: "approve-once" };

/**
 * A session whose permission prompts are answered over RPC from a queue (`once` when it runs dry);
 * `turn` returns the prompts a message raised and the tool result the model got.
 */
async function rig(t: TestContext) {
  const fake = await FakeModel.start();
  const home = mkdtempSync(join(tmpdir(), "fm-home-"));
  const cwd = mkdtempSync(join(tmpdir(), "fm-cwd-"));
  // Outside the cwd and outside the temp directory (the runtime lets tools write there unasked).
  const outside = mkdtempSync("/var/tmp/fm-outside-");
  const client = new CopilotClient({ baseDirectory: home, workingDirectory: cwd, logLevel: "error" });
  t.after(async () => {
    await client.stop();
    await fake.stop();
    for (const dir of [home, cwd, outside]) rmSync(dir, { recursive: true, force: true });
  });
  const session = await client.createSession({
    ...fake.sessionConfig(),
    workingDirectory: cwd,
    mcpServers: formMcpServer(),
    onPermissionRequest: () => ({ kind: "no-result" }),
    onElicitationRequest: () => ({ action: "decline" }),
  });
  const turn = async (prompt: string, answers: Answer[] = []) => {
    const prompts: PermissionPromptRequest[] = [];
    const off = session.on("permission.requested", (e) => {
      if (e.data.promptRequest) prompts.push(e.data.promptRequest);
      const result = answers.shift() ?? once;
      void session.rpc.permissions.handlePendingPermissionRequest({ requestId: e.data.requestId, result });
    });
    try {
      await session.sendAndWait({ prompt }, 20_000);
    } finally {
      off();
    }
    const last = fake.requests
      .at(-1)
      ?.messages.filter((m) => m.role === "tool")
      .at(-1);
    return { prompts, kinds: prompts.map((p) => p.kind), result: last?.content ?? "" };
  };
  return { fake, cwd, outside, turn };
}

test(
  "READ outside the cwd asks `read`; approved for the session, later reads are not asked",
  T,
  async (t) => {
    const r = await rig(t);
    // In the temp directory (but outside the cwd) a read is only the tool's own `read` prompt.
    const temp = mkdtempSync(join(tmpdir(), "fm-read-"));
    t.after(() => rmSync(temp, { recursive: true, force: true }));
    writeFileSync(join(temp, "a.txt"), "text of a\n");
    mkdirSync(join(temp, "other"));
    writeFileSync(join(temp, "other", "b.txt"), "text of b\n");
    const first = await r.turn(`READ: ${temp}/a.txt`, [once]);
    assert.deepEqual(first.prompts, [
      {
        kind: "read",
        path: `${temp}/a.txt`,
        intention: `Read file: ${temp}/a.txt`,
        toolCallId: first.prompts[0]?.toolCallId,
      },
    ]);
    assert.match(first.result, /text of a/);
    const again = await r.turn(`READ: ${temp}/a.txt`, [
      { kind: "approve-for-session", approval: { kind: "read" } },
    ]);
    assert.deepEqual(again.kinds, ["read"], "approve-once covered only that read");
    const later = await r.turn(`READ: ${temp}/other/b.txt`);
    assert.deepEqual(later.kinds, [], "a read elsewhere outside the cwd is covered too");
    assert.match(later.result, /text of b/);
    // Elsewhere the runtime's location check comes first: `path` (read), then the tool's `read`.
    writeFileSync(join(r.outside, "c.txt"), "text of c\n");
    const elsewhere = await r.turn(`READ: ${r.outside}/c.txt`, [once]);
    assert.deepEqual(elsewhere.prompts[0], {
      kind: "path",
      accessKind: "read",
      paths: [`${r.outside}/c.txt`],
      toolCallId: elsewhere.prompts[0]?.toolCallId,
    });
    assert.deepEqual(elsewhere.kinds, ["path"], "reads stay approved for the session");
    assert.match(elsewhere.result, /text of c/);
  },
);

test("FETCH asks `url`; a session approval must name a `domain`: the URL's origin", T, async (t) => {
  const r = await rig(t);
  await r.turn("hi");
  assert.ok(r.fake.requests[0]?.tools.includes("web_fetch"), "the runtime offers web_fetch");
  // Loopback: the tool refuses it after the permission, so nothing leaves this machine.
  const first = await r.turn("FETCH: http://127.0.0.1:9/a", [once]);
  assert.deepEqual(first.prompts, [
    {
      kind: "url",
      url: "http://127.0.0.1:9/a",
      intention: "Fetch content from this URL.",
      toolCallId: first.prompts[0]?.toolCallId,
    },
  ]);
  assert.match(first.result, /Failed to fetch http:\/\/127\.0\.0\.1:9\/a: .*blocked address/);
  const bare = await r.turn("FETCH: http://127.0.0.1:9/b", [{ kind: "approve-for-session" }]);
  assert.match(bare.result, /permission host returned malformed payload: missing field `domain`/);
  const host = await r.turn("FETCH: http://127.0.0.1:9/c", [
    { kind: "approve-for-session", domain: "127.0.0.1" },
  ]);
  assert.deepEqual(host.kinds, ["url"]);
  const hostOnly = await r.turn("FETCH: http://127.0.0.1:9/d");
  assert.deepEqual(hostOnly.kinds, ["url"], "a bare host covers https on port 443 only");
  const origin = await r.turn("FETCH: http://127.0.0.1:9/e", [
    { kind: "approve-for-session", domain: "http://127.0.0.1:9" },
  ]);
  assert.deepEqual(origin.kinds, ["url"]);
  const later = await r.turn("FETCH: http://127.0.0.1:9/f");
  assert.deepEqual(later.kinds, [], "the origin is approved for the session");
  assert.match(later.result, /Failed to fetch http:\/\/127\.0\.0\.1:9\/f/);
  const otherPort = await r.turn("FETCH: http://127.0.0.1:10/g");
  assert.deepEqual(otherPort.kinds, ["url"], "another port is another origin");
});

test(
  "WRITE outside the cwd asks `path`, then `write`; the path's session approval covers its folder",
  T,
  async (t) => {
    const r = await rig(t);
    mkdirSync(join(r.outside, "sub", "deeper"), { recursive: true });
    const first = await r.turn(`WRITE: ${r.outside}/sub/a.txt hello`, [
      { kind: "approve-for-session" },
      once,
    ]);
    assert.deepEqual(first.kinds, ["path", "write"]);
    assert.deepEqual(first.prompts[0], {
      kind: "path",
      accessKind: "write",
      paths: [`${r.outside}/sub/a.txt`],
      toolCallId: first.prompts[0]?.toolCallId,
    });
    assert.equal((first.prompts[1] as { canOfferSessionApproval?: boolean }).canOfferSessionApproval, true);
    assert.match(first.result, /Created file .*sub\/a\.txt/);
    const below = await r.turn(`WRITE: ${r.outside}/sub/deeper/b.txt hi`);
    assert.deepEqual(below.kinds, ["write"], "the folder and below are approved for the session");
    const beside = await r.turn(`WRITE: ${r.outside}/c.txt hi`);
    assert.deepEqual(beside.kinds, ["path", "write"], "its parent is not");
    const temp = mkdtempSync(join(tmpdir(), "fm-temp-"));
    t.after(() => rmSync(temp, { recursive: true, force: true }));
    const inTemp = await r.turn(`WRITE: ${temp}/d.txt hi`);
    assert.deepEqual(inTemp.kinds, ["write"], "the temp directory needs no path approval");
  },
);

test(
  "TOOL: an MCP tool asks `mcp`; approved for the session for that tool, it is not asked again",
  T,
  async (t) => {
    const r = await rig(t);
    const schema = { type: "object", properties: { name: { type: "string" } } };
    const call = `TOOL: fakeform-elicit ${JSON.stringify({ message: "Name?", requestedSchema: schema })}`;
    const first = await r.turn(call, [
      { kind: "approve-for-session", approval: { kind: "mcp", serverName: "fakeform", toolName: "elicit" } },
    ]);
    assert.deepEqual(first.prompts, [
      {
        kind: "mcp",
        serverName: "fakeform",
        toolName: "elicit",
        toolTitle: "elicit",
        args: { message: "Name?", requestedSchema: schema },
        toolCallId: first.prompts[0]?.toolCallId,
      },
    ]);
    assert.equal(first.result, '{"action":"decline"}');
    const later = await r.turn(call);
    assert.deepEqual(later.kinds, []);
    assert.equal(later.result, '{"action":"decline"}');
  },
);

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { CopilotClient, RuntimeConnection, type SessionEvent } from "@github/copilot-sdk";
import { FakeRuntime } from "./runtime/index.js";

/** The fake runtime against the real SDK client: the handshake, turns, and each fault it can inject. */
describe("FakeRuntime", () => {
  let rt: FakeRuntime;
  const clients: CopilotClient[] = [];
  before(async () => {
    rt = await FakeRuntime.start();
  });
  after(async () => {
    for (const c of clients)
      await c.forceStop().catch(() => {
        // Cleanup only: the assertions are done.
      });
    await rt.stop();
  });

  const connect = async (token = rt.token) => {
    const client = new CopilotClient({
      connection: RuntimeConnection.forUri(rt.url, token ? { connectionToken: token } : undefined),
      logLevel: "error",
    });
    clients.push(client);
    await client.start();
    return client;
  };
  const open = async (client: CopilotClient) => {
    const events: SessionEvent[] = [];
    const session = await client.createSession({
      onPermissionRequest: () => ({ kind: "no-result" }),
      onEvent: (e) => events.push(e),
    });
    return { session, events };
  };
  const until = (events: unknown[], type: string) =>
    rt.waitFor(() => events.find((e) => (e as { type?: unknown } | null)?.type === type), { what: type });

  test("the SDK's handshake: connect with the token, protocol version 3; a wrong token is refused", async () => {
    const client = await connect();
    const first = rt.calls.find((c) => c.method === "connect");
    assert.equal(first?.params.token, rt.token);
    assert.equal((await client.ping("hi")).protocolVersion, 3);
    await assert.rejects(connect("wrong-token"), /AUTHENTICATION_FAILED/);
  });

  test("create and send: the default turn answers `You said: …` then idles; nothing unhandled", async () => {
    const { session, events } = await open(await connect());
    assert.ok(rt.sessions.has(session.sessionId));
    await session.send({ prompt: "hello" });
    await until(events, "session.idle");
    const message = events.find((e) => e.type === "assistant.message");
    assert.equal(message?.type === "assistant.message" && message.data.content, "You said: hello");
    assert.equal(await session.rpc.mode.get(), "interactive");
    assert.deepEqual(rt.unhandled, []);
  });

  test("stall holds a request until released; fail answers a JSON-RPC error", async () => {
    const { session } = await open(await connect());
    rt.stall("session.remote.enable", { times: 1 });
    const enabling = session.rpc.remote.enable({});
    const held = await rt.waitFor(() => rt.stalled.find((s) => s.params.sessionId === session.sessionId));
    const early = await Promise.race([enabling, new Promise((r) => setTimeout(() => r("pending"), 300))]);
    assert.equal(early, "pending");
    held.release();
    assert.match((await enabling).url ?? "", new RegExp(session.sessionId));

    rt.fail("session.send", { code: -32603, message: "quota exceeded" }, { times: 1 });
    await assert.rejects(session.send({ prompt: "x" }), (error: Error & { code?: number }) => {
      assert.equal(error.code, -32603);
      assert.equal(error.message, "quota exceeded");
      return true;
    });
    await session.send({ prompt: "again" });
  });

  test("raw events reach the client as they are; a scripted turn can emit anything", async () => {
    const { session, events } = await open(await connect());
    rt.onTurn = (turn) => {
      turn.emitRaw({ type: "bogus.event" });
      turn.emitRaw("not an object");
      turn.emit("assistant.message", { content: 42 });
      turn.idle();
    };
    try {
      await session.send({ prompt: "noise" });
      await until(events, "session.idle");
    } finally {
      rt.onTurn = (turn) => {
        turn.reply(`You said: ${turn.prompt}`);
        turn.idle();
      };
    }
    assert.ok(events.some((e) => (e as { type: string }).type === "bogus.event"));
    assert.ok(events.includes("not an object" as unknown as SessionEvent));
    assert.ok(
      events.some((e) => e.type === "assistant.message" && (e.data as { content: unknown }).content === 42),
    );
  });

  test("raw frames: a frame that is not JSON and a response to no request are ignored by the client", async () => {
    const { session } = await open(await connect());
    rt.writeFrame("{not json");
    rt.writeFrame(JSON.stringify({ jsonrpc: "2.0", id: 987654, result: {} }));
    await sleep(200);
    assert.equal(await session.rpc.mode.get(), "interactive");
  });

  test("dropping the connection: later calls fail at once, a call in flight never settles", async () => {
    const client = await connect();
    const { session } = await open(client);
    rt.stall("session.mode.get", { times: 1 });
    const inFlight = session.rpc.mode.get();
    await rt.waitFor(() => rt.stalled.find((s) => s.params.sessionId === session.sessionId));
    const connections = rt.connections.length;
    rt.dropConnections();
    await rt.waitFor(() => rt.connections.every((c) => c.closed));
    await sleep(300); // the client notices the close; a write before that rejects unhandled in vscode-jsonrpc
    await assert.rejects(session.send({ prompt: "after the drop" }), /Connection is closed/);
    // vscode-jsonrpc rejects pending requests on dispose() only, and the SDK does not dispose on close.
    assert.equal(await Promise.race([inFlight, sleep(500).then(() => "still pending")]), "still pending");
    await connect();
    assert.equal(rt.connections.length, connections + 1);
  });
});

import assert from "node:assert/strict";
import { describe, type TestContext, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { echoTurn, type TurnScript } from "../fakes/runtime/index.js";
import { type NoiseKind, noise } from "../fakes/runtime/malformed.js";
import type { SlackMessage } from "../fakes/slack/index.js";
import { Bridge, type BridgeHandle, useBridge } from "./fixture.js";
import { type BridgeHarness, visible } from "./harness.js";

/**
 * The bridge against the scripted runtime (`COPILOT_RUNTIME_URL`): faults the real runtime cannot be
 * made to produce on demand. Every turn answers `You said: <prompt>`, except: `NOISE: <kind>` (the
 * batch of malformed events of that kind, then `after the noise: <kind>` and idle), `BAD MODE` (a
 * `session.mode_changed` to mode 42, then `after the bad mode`), `SLOW <ms>` (`slow done` after ms).
 */

const OWNER = "UOWNER9";
/** How long a runtime call that never settles may leave the user without an answer in the thread. */
const STALL_BOUND_MS = 30_000;
/** What a person reads when the bridge printed a value it did not understand. */
const GARBAGE = /\bundefined\b|\[object Object\]|\bNaN\b/;
/** A message telling the user that the runtime did not answer in time. */
const TIMED_OUT = /(did not|didn't|does not|doesn't|no) (answer|respond|reply)|timed? ?out|not responding/i;
/** A message telling the user that the connection to the runtime is gone. */
const CONNECTION_GONE = /connection|runtime|reconnect/i;
const GONE_WORDS = /lost|closed|dropped|unavailable|unreachable|reconnect|not connected/i;

const script: TurnScript = async (turn) => {
  if (turn.prompt === "BAD MODE") {
    turn.emit("session.mode_changed", { previousMode: "interactive", newMode: 42 });
    turn.reply("after the bad mode");
    return turn.idle();
  }
  const slow = /^SLOW (\d+)$/.exec(turn.prompt);
  if (slow) {
    await sleep(Number(slow[1]));
    turn.reply("slow done");
    return turn.idle();
  }
  const kind = /^NOISE: (\w+)/.exec(turn.prompt)?.[1] as NoiseKind | "all" | undefined;
  if (!kind) return echoTurn(turn);
  for (const k of kind === "all" ? (Object.keys(noise) as NoiseKind[]) : [kind]) noise[k](turn);
  turn.reply(`after the noise: ${kind}`);
  turn.idle();
};

/** The bridge and the scripted runtime of `bridge`, with the steps these tests take. */
function rig(bridge: Bridge | BridgeHandle) {
  return { h: bridge.h, rt: bridge.fakeRuntime, ...helpers(bridge.h) };
}

function helpers(h: BridgeHarness) {
  const say = (header: SlackMessage, text: string) => h.say(header, OWNER, text);
  /** A reply whose text matches every pattern; on timeout the bridge's last log lines are attached. */
  const expectReply = async (header: SlackMessage, patterns: RegExp[], timeoutMs = 20_000) => {
    try {
      return await h.slack.waitFor(
        () =>
          h.slack.thread(header.channel, header.ts).find((m) => patterns.every((p) => p.test(visible(m)))),
        { what: `a reply matching ${patterns.join(" and ")}`, timeoutMs },
      );
    } catch (error) {
      const thread = h.slack.thread(header.channel, header.ts).map((m) => `  | ${visible(m)}`);
      throw new Error(
        `${(error as Error).message.split("\n")[0]}\nthread:\n${thread.join("\n")}\nbridge log (last 25 lines):\n${h.logs().split("\n").slice(-25).join("\n")}`,
      );
    }
  };
  const threadText = (header: SlackMessage) =>
    h.slack
      .thread(header.channel, header.ts)
      .map((m) => visible(m))
      .join("\n---\n");
  return { say, expectReply, threadText };
}

describe("Slack: malformed events, a stalled method and JSON-RPC errors from the runtime", () => {
  const bridge = useBridge({ fakeRuntime: script });
  const ctx = () => rig(bridge);

  const kinds: [NoiseKind, string][] = [
    ["unknown", "unknown event types"],
    ["missing", "missing fields, missing data, missing type"],
    ["types", "wrong field types, events that are not objects"],
    ["order", "events out of order"],
  ];
  for (const [kind, label] of kinds) {
    test(`(1) ${label}: ignored or reported, and the session keeps answering`, async () => {
      const { h, say, expectReply } = ctx();
      const header = await h.startSession(OWNER, `NOISE: ${kind}`);
      await expectReply(header, [new RegExp(`after the noise: ${kind}`)]);
      await say(header, `next after ${kind}`);
      await expectReply(header, [new RegExp(`You said: next after ${kind}`)]);
    });
  }

  test("(1) malformed events put no raw `undefined`, `[object Object]` or `NaN` in the thread", async () => {
    const { h, say, expectReply, threadText } = ctx();
    const header = await h.startSession(OWNER, "NOISE: all");
    await expectReply(header, [/after the noise: all/]);
    // A barrier: the next message's answer shows after the noisy turn's late edits and posts.
    await say(header, "and after that?");
    await expectReply(header, [/You said: and after that\?/]);
    const text = threadText(header);
    assert.doesNotMatch(text, GARBAGE, `the thread:\n${text}`);
  });

  test("(1) a mode change to an unknown mode does not break the thread: a message sent during the next turn is queued, then answered", async () => {
    const { h, rt, say, expectReply, threadText } = ctx();
    const header = await h.startSession(OWNER, "BAD MODE");
    await expectReply(header, [/after the bad mode/]);
    await say(header, "SLOW 3000");
    await rt.waitFor(() =>
      rt.calls.find((c) => c.method === "session.send" && c.params.prompt === "SLOW 3000"),
    );
    await say(header, "queued behind the slow turn");
    await expectReply(header, [/is queued \(1 waiting\)/]);
    await expectReply(header, [/You said: queued behind the slow turn/]);
    assert.doesNotMatch(threadText(header), /Could not|invalid_value/);
  });

  test("(2) remote on that the runtime never answers: the thread says so in bounded time; the session keeps answering", {
    timeout: STALL_BOUND_MS + 60_000,
  }, async () => {
    const { h, rt, say, expectReply } = ctx();
    const header = await h.startSession(OWNER, "stall remote");
    await expectReply(header, [/You said: stall remote/]);
    const id = rt.sessionWithPrompt("stall remote")?.id;
    rt.stall("session.remote.enable", { when: (p) => p.sessionId === id });
    await say(header, "remote on");
    await rt.waitFor(() => rt.stalled.find((s) => s.params.sessionId === id), { what: "remote.enable" });
    await expectReply(header, [/remote/i, TIMED_OUT], STALL_BOUND_MS);
    await say(header, "still there after the stall?");
    await expectReply(header, [/You said: still there after the stall\?/]);
  });

  test("(2) while remote on hangs in the runtime, the thread still answers other messages", async () => {
    const { h, rt, say, expectReply } = ctx();
    const header = await h.startSession(OWNER, "stall remote meanwhile");
    await expectReply(header, [/You said: stall remote meanwhile/]);
    const id = rt.sessionWithPrompt("stall remote meanwhile")?.id;
    rt.stall("session.remote.enable", { when: (p) => p.sessionId === id });
    await say(header, "remote on");
    await rt.waitFor(() => rt.stalled.find((s) => s.params.sessionId === id), { what: "remote.enable" });
    await say(header, "meanwhile?");
    await expectReply(header, [/You said: meanwhile\?/], 15_000);
  });

  test("(3) session.send answered with a JSON-RPC error: the thread gives the runtime's reason; the next message goes through", async () => {
    const { h, rt, say, expectReply } = ctx();
    const header = await h.startSession(OWNER, "send error");
    await expectReply(header, [/You said: send error/]);
    rt.fail(
      "session.send",
      { code: -32603, message: "Request session.send failed with message: model quota exceeded" },
      { times: 1, when: (p) => String(p.prompt).includes("this one fails") },
    );
    await say(header, "this one fails");
    await expectReply(header, [/could not|failed|error/i, /model quota exceeded/]);
    await say(header, "and this one?");
    await expectReply(header, [/You said: and this one\?/]);
  });

  test("(3) a JSON-RPC error on the first prompt or on session.create: the thread says the session could not start", async () => {
    const { h, rt, expectReply } = ctx();
    rt.fail(
      "session.send",
      { code: -32603, message: "Request session.send failed with message: first prompt refused" },
      { times: 1, when: (p) => String(p.prompt).includes("FIRST FAILS") },
    );
    const first = await h.startSession(OWNER, "FIRST FAILS please");
    await expectReply(first, [/could not/i, /first prompt refused/]);

    rt.fail(
      "session.create",
      { code: -32002, message: "AUTHENTICATION_FAILED", data: { reason: "expired" } },
      { times: 1 },
    );
    const created = await h.startSession(OWNER, "create fails");
    await expectReply(created, [/could not start/i, /AUTHENTICATION_FAILED/]);
  });
});

describe("Slack: the runtime connection drops", () => {
  /** A bridge of this test's own: each test drops the runtime connection. */
  const rigFor = async (t: TestContext) => {
    const bridge = await Bridge.start({ fakeRuntime: script });
    t.after(() => bridge.stop());
    return rig(bridge);
  };

  test("(4) after a drop, a message in the thread is answered once the bridge has reconnected; the bridge stays up", async (t) => {
    const { h, rt, say, expectReply } = await rigFor(t);
    const header = await h.startSession(OWNER, "before the drop");
    await expectReply(header, [/You said: before the drop/]);
    const logged = h.output.length;
    rt.dropConnections();
    await rt.waitFor(() => rt.connections.every((c) => c.closed), { what: "the drop" });
    await h.waitForLog(/the connection to the Copilot runtime was lost/, { from: logged });
    await say(header, "after the drop");
    // The message waits for the reconnection instead of failing.
    await expectReply(header, [/You said: after the drop/]);
    // Still serving: status needs no runtime, and a new session gets an answer, not silence.
    await say(header, "status");
    await expectReply(header, [/Session status/]);
    const next = await h.startSession(OWNER, "a new session after the drop");
    await expectReply(next, [/You said: a new session after the drop|could not start/i]);
  });

  test("(4) the runtime drops the connection while a message is being sent: the thread says so in bounded time", {
    timeout: STALL_BOUND_MS + 60_000,
  }, async (t) => {
    const { h, rt, say, expectReply } = await rigFor(t);
    const header = await h.startSession(OWNER, "drop in flight");
    await expectReply(header, [/You said: drop in flight/]);
    rt.dropOn("session.send", { times: 1, when: (p) => String(p.prompt).includes("dropped mid-send") });
    await say(header, "dropped mid-send");
    await rt.waitFor(() => rt.connections.every((c) => c.closed), { what: "the drop" });
    await expectReply(header, [CONNECTION_GONE, GONE_WORDS], STALL_BOUND_MS);
  });

  test("(4) after a drop, the bridge reconnects to the runtime, which is still listening, and the session answers again", async (t) => {
    const { h, rt, say, expectReply } = await rigFor(t);
    const header = await h.startSession(OWNER, "reconnect me");
    await expectReply(header, [/You said: reconnect me/]);
    const id = rt.sessionWithPrompt("reconnect me")?.id;
    rt.dropConnections();
    await rt.waitFor(() => rt.connections.every((c) => c.closed), { what: "the drop" });
    // Eager or lazy reconnection both pass: the user may have to try again a few times within 20 s.
    const deadline = Date.now() + 20_000;
    for (let attempt = 1; ; attempt++) {
      await say(header, `try ${attempt}`);
      try {
        await expectReply(header, [new RegExp(`You said: try ${attempt}\\b`)], 4000);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
    assert.ok(
      rt.connections.some((c) => !c.closed),
      "a new connection",
    );
    assert.ok(
      rt.calls.some((c) => c.method === "session.resume" && c.params.sessionId === id),
      "the session resumed",
    );
  });
});

/**
 * BRIDGE_MAX_AI_CREDITS: every new session is created with that budget (`sessionLimits`), and when
 * the runtime says a session has used it (`session_limits_exhausted.requested`), the thread says so
 * and the held request is cancelled, so the turn ends instead of waiting forever. The real runtime
 * counts no credits for a bring-your-own-key model (docs/copilot-runtime.md), so the scripted
 * runtime raises the event here.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { echoTurn, type TurnScript } from "../fakes/runtime/index.js";
import { useBridge } from "./fixture.js";
import { visible } from "./harness.js";

const OWNER = "UBUDGET1";

const script: TurnScript = (turn) => {
  if (!turn.prompt.startsWith("SPEND")) return echoTurn(turn);
  turn.emit("session_limits_exhausted.requested", {
    requestId: "limit-1",
    maxAiCredits: 50,
    usedAiCredits: 50.25,
  });
};

describe("Slack: the AI-credit budget of a session", () => {
  const { h, fakeRuntime: rt } = useBridge({ fakeRuntime: script, env: { BRIDGE_MAX_AI_CREDITS: "50" } });

  test("a session is created with the budget; using it up is told in the thread and the request is cancelled", async () => {
    const header = await h.startSession(OWNER, "SPEND it all");
    const created = await rt.waitFor(() => rt.calls.find((c) => c.method === "session.create"), {
      what: "the session to be created",
    });
    assert.deepEqual(created.params.sessionLimits, { maxAiCredits: 50 });
    const told = await h.waitForReply(header, /💳/);
    assert.match(
      visible(told),
      /This session has used 50\.25 of its 50 AI credits \(BRIDGE_MAX_AI_CREDITS\), so Copilot's next step was cancelled/,
    );
    const answered = await rt.waitFor(
      () => rt.calls.find((c) => c.method === "session.ui.handlePendingSessionLimitsExhausted"),
      { what: "the bridge's answer to the exhausted budget" },
    );
    assert.deepEqual(answered.params.requestId, "limit-1");
    assert.deepEqual(answered.params.response, { action: "cancel" });
  });
});

/**
 * How runtime events that tell where an answer or a message came from are translated: answers given
 * on github.com carry the command's `promptId`; messages typed there carry `source: "command-<id>"`
 * (shown by test/fakes/github-remote-answers.test.ts and github-remote-commands.test.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SessionEvent } from "@github/copilot-sdk";
import { toAgentEvent } from "../../src/copilot/events.js";
import { agentEvent } from "../../src/core/vocabulary/agent-event.js";

const ev = (type: string, data: Record<string, unknown>) =>
  ({ id: "e1", parentId: null, timestamp: "2026-01-01T00:00:00Z", type, data }) as unknown as SessionEvent;

/** Translated and checked, as the gateway hands it to the core. */
const translate = (type: string, data: Record<string, unknown>) => {
  const mapped = toAgentEvent(ev(type, data));
  return mapped && agentEvent.parse(mapped);
};

test("a question answered on github.com is marked as such; one answered by a client is not", () => {
  assert.deepEqual(translate("user_input.completed", { promptId: "r1", answer: "blue", requestId: "r1" }), {
    type: "prompt.completed",
    requestId: "r1",
    outcome: { kind: "question", answer: "blue" },
    surface: "github",
  });
  assert.deepEqual(
    translate("user_input.completed", { answer: "blue", wasFreeform: false, requestId: "r1" }),
    {
      type: "prompt.completed",
      requestId: "r1",
      outcome: { kind: "question", answer: "blue" },
    },
  );
  assert.deepEqual(translate("user_input.completed", { promptId: "r1", dismissed: true, requestId: "r1" }), {
    type: "prompt.completed",
    requestId: "r1",
    outcome: { kind: "question", answer: "(skipped)" },
    surface: "github",
  });
});

test("a plan decided on github.com is marked as such", () => {
  const data = { promptId: "p1", approved: false, feedback: "more tests", requestId: "p1" };
  assert.deepEqual(translate("exit_plan_mode.completed", data), {
    type: "prompt.completed",
    requestId: "p1",
    outcome: { kind: "plan", approved: false, feedback: "more tests" },
    surface: "github",
  });
  assert.equal(
    translate("exit_plan_mode.completed", { approved: true, requestId: "p1" })?.type,
    "prompt.completed",
  );
  assert.equal(
    (translate("exit_plan_mode.completed", { approved: true, requestId: "p1" }) as { surface?: string })
      .surface,
    undefined,
  );
});

test("only messages typed on github.com are shown as such", () => {
  assert.deepEqual(translate("user.message", { content: "hi", source: "command-cmd-3" }), {
    type: "remote.message",
    text: "hi",
  });
  assert.equal(translate("user.message", { content: "hi" }), undefined);
  assert.equal(translate("user.message", { content: "hi", source: "user" }), undefined);
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useBridge } from "./fixture.js";
import { visible } from "./harness.js";

const OWNER = "UOWNER5";

describe("Slack platform errors: nothing is lost", () => {
  const { h } = useBridge();

  test("429 with Retry-After and 5xx on posts and edits: the answer still arrives whole", async () => {
    h.slack.failNext("chat.postMessage", { status: 429, retryAfter: 1 }, 1);
    const header = await h.startSession(OWNER, "ECHO: survived the rate limit");
    h.slack.failNext("chat.postMessage", { status: 503 }, 1);
    h.slack.failNext("chat.update", { status: 500 }, 2);
    const reply = await h.waitForReply(header, /survived the rate limit/);
    assert.match(visible(reply), /^survived the rate limit$/);
    const faulted = h.slack.calls.filter((c) => c.fault !== undefined).map((c) => c.method);
    assert.ok(faulted.includes("chat.postMessage"), `faults were injected: ${faulted.join(",")}`);
  });

  test("a channel the bot cannot post in gets a clear answer, not silence", async () => {
    const from = h.slack.ephemerals.length;
    h.slack.failNext("chat.postMessage", { slackError: "not_in_channel" }, 1);
    await h.slack.sendSlashCommand({ user_id: OWNER, channel_id: "CPRIVATE", text: "hello" });
    const notice = await h.slack.waitFor(() => h.slack.ephemerals.slice(from).find((e) => e.user === OWNER), {
      what: "the ephemeral explanation",
    });
    assert.match(notice.text, /not_in_channel.*\/invite @Copilot.*Nothing was started/);
    assert.ok(!h.slack.messages.some((m) => m.channel === "CPRIVATE"));
  });

  test("a dropped Socket Mode connection is re-established and commands work again", async () => {
    const connections = h.slack.socketConnections;
    h.slack.dropSockets();
    await h.slack.waitFor(() => h.slack.socketConnections > connections, {
      what: "the bridge to reconnect",
      timeoutMs: 20_000,
    });
    await h.slack.whenSocketConnected();
    const header = await h.startSession(OWNER, "after the drop");
    await h.waitForReply(header, /You said: after the drop/);
  });

  test("a model error is shown in the thread, and the session keeps working", async () => {
    h.model.setResponder((req) =>
      JSON.stringify(req.messages).includes("break please")
        ? { error: 400, message: "bad request from model" }
        : undefined,
    );
    try {
      const header = await h.startSession(OWNER, "break please");
      const error = await h.waitForReply(header, /Copilot error/);
      assert.match(visible(error), /bad request from model/);
      await h.slack.sendEvent({
        type: "message",
        channel: header.channel,
        user: OWNER,
        text: "and now?",
        ts: h.slack.nextTs(),
        thread_ts: header.ts,
      });
      h.model.setResponder(undefined);
      await h.waitForReply(header, /You said: and now\?/);
    } finally {
      h.model.setResponder(undefined);
    }
  });
});

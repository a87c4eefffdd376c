import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { slackEntity } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";

const OWNER = "UOWNER40";

describe("Slack: tokens never reach the log", () => {
  const { h } = useBridge();

  test("tokens never reach the log, even at debug level and when Slack's answer quotes one", async () => {
    const header = await h.startSession(OWNER, "hello");
    await h.waitForReply(header, /user turns: 1/);
    // A mention makes the bridge look the person up (users.info); that call is refused with an
    // `[ERROR]` message quoting the bot token, which the Slack client writes to the bridge's log.
    h.slack.failNext("users.info", { slackError: "invalid_auth", echoToken: true });
    await h.slack.sendEvent({
      type: "message",
      channel: header.channel,
      user: OWNER,
      text: ["ask ", slackEntity.user("U0BOB40"), " about it"],
      ts: h.slack.nextTs(),
      thread_ts: header.ts,
    });
    await h.waitForReply(header, /You said: ask @?U0BOB40 about it/);
    const refused = await h.slack.waitFor(() => h.output.find((l) => l.includes("was refused")), {
      what: "the refusal quoting the token in the log",
    });
    assert.match(refused, /the token \S+ was refused/);
    const logs = h.logs();
    for (const secret of [h.slack.botToken, h.slack.appToken, "test-key"]) {
      assert.ok(!logs.includes(secret), `${secret.slice(0, 5)}… appears in the log:\n${refused}`);
    }
  });
});

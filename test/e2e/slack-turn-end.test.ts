/**
 * Every turn ends visibly: a turn that ends without a reply from Copilot says why and how to go on,
 * once; a plain Deny stops the turn (as the Copilot CLI does), Deny with a reason lets Copilot go on.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SlackMessage } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";
import { buttonsOf, visible } from "./harness.js";

const OWNER = "UOWNERTURN";

describe("Slack: every turn ends visibly", () => {
  const { h } = useBridge();

  const thread = (header: SlackMessage) => h.slack.thread(header.channel, header.ts).map(visible);
  const closed = (card: SlackMessage) =>
    h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), { what: "the card to close" });

  test("a plain Deny stops the turn: the card says so, one line says how to go on, and a reply does", async () => {
    const header = await h.startSession(OWNER, "RUN: touch denied-plainly.txt");
    const card = await h.waitForCard(header);
    await h.click(OWNER, card, "perm.deny");
    await closed(card);
    assert.match(visible(card), new RegExp(`Denied\\* \\(Copilot stops this turn\\) by <@${OWNER}>`));
    await h.waitForReply(
      header,
      /Copilot stopped this turn because the request was denied\. Reply in this thread to continue/,
    );
    // The activity message no longer claims Copilot is working.
    const activity = h.slack
      .thread(header.channel, header.ts)
      .find((m) => /touch denied-plainly/.test(visible(m)));
    assert.ok(activity && !/working/.test(activity.text), activity?.text);
    await h.say(header, OWNER, "then just say hi");
    await h.waitForReply(header, /You said: then just say hi/);
    assert.equal(thread(header).filter((t) => /Copilot stopped this turn/.test(t)).length, 1, "said once");
  });

  test("Deny with a reason lets Copilot go on: no stop line, the card names the kind of deny", async () => {
    const header = await h.startSession(OWNER, "RUN: touch denied-with-reason.txt");
    const card = await h.waitForCard(header);
    const views = h.slack.views.length;
    await h.click(OWNER, card, "perm.deny_reason");
    const opened = await h.slack.waitFor(() => h.slack.views[views], { what: "the reason form" });
    await h.slack.sendViewSubmission({
      user_id: OWNER,
      view: {
        callback_id: opened.view.callback_id,
        private_metadata: opened.view.private_metadata,
        state: { values: { reason: { value: { type: "plain_text_input", value: "use a temp dir" } } } },
      },
    });
    await closed(card);
    assert.match(visible(card), /Denied with a reason\* \(Copilot goes on\)/);
    await h.waitForReply(header, /User feedback: use a temp dir/);
    assert.ok(!thread(header).some((t) => /Copilot stopped this turn|ended without a reply/.test(t)));
  });

  test("a stop says once that a reply continues; no second line", async () => {
    const header = await h.startSession(OWNER, "SLOW: 6000");
    await h.slack.waitFor(
      () => h.model.requests.some((r) => JSON.stringify(r.messages).includes("SLOW: 6000")),
      {
        what: "the slow turn",
      },
    );
    await h.say(header, OWNER, "stop");
    await h.waitForReply(header, new RegExp(`Stopped by <@${OWNER}>\\. Reply in this thread to continue\\.`));
    // A barrier: the next message is answered after whatever the stopped turn's end shows.
    await h.barrier(header, OWNER, "and now?");
    assert.ok(!thread(header).some((t) => /ended without a reply|Copilot stopped this turn/.test(t)));
  });
});

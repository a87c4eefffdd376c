import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { useBridge } from "./fixture.js";
import { buttonsOf } from "./harness.js";

const OWNER = "UOWNER4";

describe("Slack HTTP mode: signed deliveries only", () => {
  const { h } = useBridge({ http: true });

  test("a signed command starts a session; a click approves over HTTP", async () => {
    const header = await h.startSession(OWNER, "RUN: touch via-http.txt");
    const card = await h.waitForCard(header);
    await h.click(OWNER, card, "perm.once");
    await h.waitForReply(header, /Tool bash result/);
    assert.equal(existsSync(join(h.workdir, "via-http.txt")), true);
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "the card to close",
    });
  });

  test("a forged signature or a stale timestamp is rejected and nothing happens", async () => {
    const messages = h.slack.messages.length;
    const forged = await h.slack.sendSlashCommand(
      { user_id: OWNER, channel_id: "C0001", text: "forged" },
      { badSignature: true },
    );
    assert.equal(forged.status, 401);
    const stale = await h.slack.sendSlashCommand(
      { user_id: OWNER, channel_id: "C0001", text: "stale" },
      { timestampSkewSeconds: -600 },
    );
    assert.equal(stale.status, 401);
    // A barrier: a later, signed command, answered only once the bridge has handled it whole.
    const from = h.slack.ephemerals.length;
    await h.slack.sendSlashCommand({ user_id: OWNER, channel_id: "C0001", text: " " });
    await h.slack.waitFor(() => h.slack.ephemerals.slice(from).find((e) => /Usage/.test(e.text)), {
      what: "the usage answer",
    });
    assert.equal(h.slack.messages.length, messages);
    assert.ok(!h.model.requests.some((r) => JSON.stringify(r.messages).match(/forged|stale/)));
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useBridge } from "./fixture.js";
import { buttonsOf, visible } from "./harness.js";

const OWNER = "UOWNER21";
const SESSIONS = 8;

/**
 * The bridge as configured by default (BRIDGE_RATE_LIMITS=on) against a fake Slack that enforces
 * Slack's documented limits: chat.postMessage 3 at once then 1/s per channel and 300/min per
 * workspace, chat.update 50/min. Without the bridge's budget this burst drew hundreds of 429s and
 * left replies unshown; with it, none.
 */
describe("Slack: a burst of sessions inside Slack's documented rate limits", () => {
  const { h } = useBridge({
    env: { BRIDGE_RATE_LIMITS: "on" },
    ready: ({ h }) => {
      h.slack.setRateLimits(true);
      h.slack.resetRateLimitStats();
    },
  });

  test(`${SESSIONS} sessions started at once in one channel: no 429, every reply shown in full, a card answered`, async () => {
    const prompts = Array.from({ length: SESSIONS }, (_, i) => `STREAM: 30 3000 session-${i}-end`);
    await Promise.all(
      prompts.map((text) => h.slack.sendSlashCommand({ user_id: OWNER, channel_id: "C0001", text })),
    );
    const headers = await Promise.all(
      prompts.map((text) =>
        h.slack.waitFor(() => h.slack.messages.find((m) => !m.thread_ts && visible(m).includes(text)), {
          what: `the header of ${text}`,
          timeoutMs: 30_000,
        }),
      ),
    );
    assert.equal(new Set(headers.map((m) => m.ts)).size, SESSIONS, "one thread per session");
    for (const header of headers) {
      const reply = await h.slack.waitFor(
        () => h.slack.thread(header.channel, header.ts).find((m) => visible(m).includes("w0030")),
        { what: `the whole reply in ${header.ts}`, timeoutMs: 60_000 },
      );
      assert.match(visible(reply), /^w0001 w0002/m, "the reply starts at its beginning");
    }
    // A card in the same busy channel still goes out and takes an answer: clicked, it closes with
    // the outcome and the approved command runs.
    const header = await h.startSession(OWNER, "RUN: true");
    const card = await h.waitForCard(header);
    assert.match(visible(card), /true/);
    await h.click(OWNER, card, "perm.once");
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "the card to close",
      timeoutMs: 30_000,
    });
    assert.match(visible(card), new RegExp(`Approved once.* by <@${OWNER}>`));
    await h.slack.waitFor(
      () => h.slack.thread(header.channel, header.ts).find((m) => /Tool bash result/.test(visible(m))),
      { what: "the command's result", timeoutMs: 30_000 },
    );
    const stats = h.slack.rateLimitStats();
    assert.deepEqual(stats.limited, {}, `429s received: ${JSON.stringify(stats.limited)}`);
    assert.ok((stats.calls["chat.postMessage"] ?? 0) >= 2 * SESSIONS, "headers and replies were posted");
  });
});

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { useBridge } from "./fixture.js";
import { buttonsOf, visible } from "./harness.js";

const OWNER = "UOWNER6";

describe("Slack: what the thread shows", () => {
  const { h } = useBridge();

  test("a file write shows the file and its content; Approve for session covers the next write", async () => {
    const header = await h.startSession(OWNER, "WRITE: todo.md buy milk");
    const card = await h.waitForCard(header);
    const text = visible(card);
    assert.match(text, /Write a file/);
    assert.match(text, /todo\.md/);
    assert.match(text, /\+buy milk/);
    assert.deepEqual(
      buttonsOf(card).map((b) => b.text),
      ["Approve once", "Approve for session", "Deny", "Deny with reason…"],
    );
    await h.click(OWNER, card, "perm.session");
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), { what: "card closed" });
    assert.match(visible(card), new RegExp(`Approved for this session.* by <@${OWNER}>`));
    await h.waitForReply(header, /Tool create result/);
    assert.equal(readFileSync(join(h.workdir, "todo.md"), "utf8").trim(), "buy milk");

    await h.slack.sendEvent({
      type: "message",
      channel: header.channel,
      user: OWNER,
      text: "WRITE: todo2.md eggs",
      ts: h.slack.nextTs(),
      thread_ts: header.ts,
    });
    await h.slack.waitFor(() => existsSync(join(h.workdir, "todo2.md")), { what: "the second write" });
    const cards = h.slack.thread(header.channel, header.ts).filter((m) => /🔐/.test(visible(m)));
    assert.equal(cards.length, 1, "no second card: the session approval covered it");
  });

  test("long output is split into several messages without breaking the code block", async () => {
    const header = await h.startSession(OWNER, "LONG: 9000");
    await h.slack.waitFor(
      () => {
        const all = h.slack.thread(header.channel, header.ts).map(visible).join("\n");
        return /line 0\d+/.test(all) && all.length >= 9000 ? true : undefined;
      },
      { what: "the whole long answer", timeoutMs: 20_000 },
    );
    // A barrier: the next message's answer shows after the long answer's last edit.
    await h.barrier(header, OWNER, "thanks");
    const parts = h.slack.thread(header.channel, header.ts).filter((m) => /line \d{4}/.test(visible(m)));
    assert.ok(parts.length >= 3, `split into ${parts.length} messages`);
    for (const part of parts) {
      for (const block of (part.blocks ?? []) as { text?: { text?: string } }[]) {
        assert.ok((block.text?.text ?? "").length <= 3000);
      }
      const fences = (visible(part).match(/```/g) ?? []).length;
      assert.equal(fences % 2, 0, `balanced code fences in a part:\n${visible(part).slice(0, 300)}`);
    }
  });

  test("tool activity is shown compactly", async () => {
    const header = await h.startSession(OWNER, "RUN: echo compact");
    const card = await h.waitForCard(header);
    await h.click(OWNER, card, "perm.once");
    const line = await h.waitForReply(header, /✓ ran `echo compact`/);
    assert.ok(visible(line).length < 200, visible(line));
    assert.equal(existsSync(join(h.workdir, "compact")), false);
  });
});

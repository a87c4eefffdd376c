import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { useBridge } from "./fixture.js";
import { buttonsOf, cardRequestId, visible } from "./harness.js";

const OWNER = "UOWNER41";
const OTHER = "UOTHER41";

/** The bridge's SQLite file and what SQLite keeps next to it. */
function removeStore(file: string): void {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
}

describe("Slack: the store's file lost", () => {
  const { h } = useBridge();

  test("deleted while the bridge runs: noticed, recreated with the live threads, which survive a crash", async () => {
    const chat = await h.startSession(OWNER, "remember the word mango");
    await h.waitForReply(chat, /user turns: 1/);
    const header = await h.startSession(OWNER, "RUN: touch after-store-loss.txt");
    const card = await h.waitForCard(header);
    await h.cardSaved(cardRequestId(card)); // written right after Slack accepts the card

    const file = join(h.dir, "bridge.sqlite");
    removeStore(file);
    await h.slack.waitFor(
      () => h.output.find((l) => l.includes(`the store file ${file} was deleted; recreating it`)),
      { what: "the warning that the store file was deleted", timeoutMs: 10_000 },
    );
    const rewritten = await h.slack.waitFor(
      () => h.output.find((l) => l.includes("wrote the live threads back into the store")),
      { what: "the live threads written back", timeoutMs: 10_000 },
    );
    assert.match(rewritten, /"threads":2,"cards":1/);
    assert.ok(existsSync(file), "the file is there again");

    await h.crashAndRestart();

    // The conversation goes on where it was, and the card posted before the loss still decides.
    await h.say(chat, OWNER, "what was the word?");
    await h.waitForReply(chat, /You said: what was the word\? \(user turns: 2\)/);
    assert.ok(JSON.stringify(h.model.requests.at(-1)?.messages).includes("mango"));
    await h.click(OWNER, card, "perm.once");
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "the card to close",
    });
    assert.match(visible(card), /Approved once/);
    await h.slack.waitFor(() => existsSync(join(h.workdir, "after-store-loss.txt")), {
      what: "the command to run",
    });
    const cards = h.slack.thread(header.channel, header.ts).filter((m) => /🔐/.test(visible(m)));
    assert.equal(cards.length, 1, "the card is not posted again");
  });

  test("lost while the bridge was stopped: a reply in the bot's thread is told so, once; other threads are left alone", async () => {
    const header = await h.startSession(OWNER, "hello before the loss");
    await h.waitForReply(header, /user turns: 1/);

    // The bridge restarts on a store file that does not exist: it knows nothing of the thread.
    h.setEnv({ BRIDGE_STORE_URL: `sqlite://${join(h.dir, "lost", "bridge.sqlite")}` });
    await h.crashAndRestart();
    const posts = h.slack.messages.length;
    const from = h.slack.ephemerals.length;
    const notices = () => h.slack.ephemerals.slice(from);

    // A thread under someone else's message is not the bridge's business, record or not.
    await h.slack.sendEvent({
      type: "message",
      channel: header.channel,
      user: OWNER,
      text: "a thread that is not the bot's",
      ts: h.slack.nextTs(),
      thread_ts: "1600000000.000100",
      parent_user_id: OTHER,
    });
    await h.say(header, OWNER, "are you there?");
    const notice = await h.slack.waitFor(() => notices().find((e) => e.user === OWNER), {
      what: "the notice that the thread's record was lost",
    });
    assert.equal(notice.thread_ts, header.ts);
    assert.match(notice.text, /no longer known to the bridge \(its record was lost\)/);
    assert.match(notice.text, /Start a new session with \/copilot/);

    // Told once: a second reply gets no second notice (and nothing reaches Copilot).
    await h.say(header, OWNER, "hello?");
    // A barrier: a later message, in a new session elsewhere, answered by the model.
    const later = await h.startSession(OWNER, "a session after the loss", "CLATER");
    await h.waitForReply(later, /You said: a session after the loss \(user turns: 1\)/);
    assert.deepEqual(
      notices().map((e) => [e.user, e.thread_ts]),
      [[OWNER, header.ts]],
    );
    assert.deepEqual(
      h.slack.messages.slice(posts).filter((m) => m.channel !== "CLATER"),
      [],
      "nothing posted in any thread",
    );
  });
});

/**
 * kill -9 of the bridge or of its Copilot runtime at the points an operator meets them: queued
 * messages go out in order and at once, a turn that died is reported, a request that died with the
 * runtime says so (and its retry gets a fresh card), and a session the runtime lost is replaced.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { SlackMessage } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";
import { buttonsOf, cardRequestId, visible } from "./harness.js";

const OWNER = "UOWNERCRASH";

describe("Slack: nothing lost when the bridge or the runtime is killed", () => {
  const { h } = useBridge();
  after(() => {
    const keep = process.env.CCB_KEEP_LOGS; // a file to keep the bridge's log in, when debugging
    if (keep) writeFileSync(keep, h.logs());
  });

  const say = (header: SlackMessage, text: string) => h.say(header, OWNER, text);
  /** Waits for what the bridge does right after a card's post: recording the card's message. */
  const settle = (card: SlackMessage) => h.cardSaved(cardRequestId(card));
  const thread = (header: SlackMessage) => h.slack.thread(header.channel, header.ts).map(visible);
  /** The user messages the model was sent (prompt text only), in order, from request `from` on. */
  const prompts = (from = 0) =>
    h.model.requests
      .slice(from)
      .map((r) => r.messages.filter((m) => m.role === "user").at(-1)?.content ?? "")
      .map((c) => String(c).replace(/^<current_datetime>.*?<\/current_datetime>\s*/s, ""));
  const slowTurnRunning = (marker: string) =>
    h.slack.waitFor(() => h.model.requests.some((r) => JSON.stringify(r.messages).includes(marker)), {
      what: `the turn ${marker} to start`,
    });
  /** Two messages queued one after the other (each acknowledged before the next is typed). */
  async function twoQueued(header: SlackMessage): Promise<void> {
    await say(header, "first queued");
    await h.slack.waitFor(() => thread(header).some((t) => /\(1 waiting\)/.test(t)), {
      what: "the first message to be queued",
    });
    await say(header, "second queued");
    await h.slack.waitFor(() => thread(header).some((t) => /\(2 waiting\)/.test(t)), {
      what: "both messages to be queued",
    });
  }
  const interrupted = (header: SlackMessage) =>
    h.waitForReply(header, /turn that was running was interrupted .*Reply in this thread to continue/);
  /** The queued messages reach the model together, in order, without any new message. */
  async function queueDelivered(from: number): Promise<void> {
    await h.slack.waitFor(() => prompts(from).some((p) => /first queued\s+second queued/.test(p)), {
      what: "the queued messages to reach the model, in order",
      timeoutMs: 20_000,
    });
  }

  test("the runtime is killed with two messages queued: the turn is reported and the queue goes out at once", async () => {
    const header = await h.startSession(OWNER, "SLOW: 30000 runtime-kill");
    await slowTurnRunning("runtime-kill");
    await twoQueued(header);
    const from = h.model.requests.length;
    h.killRuntime();
    await interrupted(header);
    await queueDelivered(from);
    await h.waitForReply(header, /You said: .*first queued/s);
  });

  test("the bridge is killed during a turn with two messages queued: after the restart they go out first, in order", async () => {
    const header = await h.startSession(OWNER, "SLOW: 30000 bridge-kill");
    await slowTurnRunning("bridge-kill");
    await twoQueued(header);
    const from = h.model.requests.length;
    await h.crashAndRestart();
    await interrupted(header);
    await queueDelivered(from);
    await say(header, "a newer message");
    await h.waitForReply(header, /You said: a newer message/);
    const order = prompts(from).filter((p) => /queued|newer/.test(p));
    assert.match(order[0] ?? "", /first queued\s+second queued/, order.join(" | "));
  });

  test("a session the runtime no longer knows: the thread says so once, and the next message starts a new session there", async () => {
    const header = await h.startSession(OWNER, "hello before the loss");
    await h.waitForReply(header, /user turns: 1/);
    // The runtime's record of this session (the newest) disappears while the bridge is down.
    const states = join(h.dir, "copilot-home", "session-state");
    const newest = readdirSync(states)
      .map((name) => ({ name, at: statSync(join(states, name)).birthtimeMs }))
      .sort((a, b) => b.at - a.at)[0]?.name;
    assert.ok(newest, "the runtime keeps session state");
    await h.crashAndRestartWith(() => rmSync(join(states, newest), { recursive: true, force: true }));
    await h.waitForReply(
      header,
      /could not be resumed after a restart.*Reply in this thread to start a new session/,
    );
    await say(header, "are you there?");
    await h.waitForReply(header, /Started a new Copilot session in this thread/);
    await h.waitForReply(header, /You said: are you there\? \(user turns: 1\)/);
    assert.ok(!thread(header).some((t) => /reconnecting to Copilot/.test(t)), "never 'reconnecting'");
    assert.equal(thread(header).filter((t) => /could not be resumed/.test(t)).length, 1, "said once");
  });

  test("a question pending when the bridge dies is closed as lost; asking again gets a fresh card that works", async () => {
    const header = await h.startSession(OWNER, "ASK: Which colour? | red | blue");
    const card = await h.waitForButton(header, "blue");
    await settle(card); // the crash comes once the card is up and recorded
    await h.crashAndRestart();
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "the card to close",
    });
    assert.match(visible(card), /Lost: the Copilot runtime restarted before anyone answered/);
    assert.doesNotMatch(visible(card), /answered while the bridge was offline/);
    await say(header, "ASK: Which colour now? | red | blue");
    const fresh = await h.waitForButton(header, "blue", card);
    await h.click(OWNER, fresh, "ask.choice#1");
    await h.waitForReply(header, /User selected: blue/);
  });

  test("a plan pending when the bridge dies is closed as lost, not as answered", async () => {
    const header = await h.startSession(OWNER, "hello plan");
    await h.waitForReply(header, /user turns: 1/);
    await say(header, "mode plan");
    await h.slack.waitFor(() => /Mode: `plan`/.test(visible(header)), { what: "plan mode" });
    await say(header, "PLAN: - one step");
    const card = await h.waitForButton(header, "Request changes…");
    await settle(card);
    await h.crashAndRestart();
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "the plan to close",
    });
    assert.match(visible(card), /Lost: the Copilot runtime restarted/);
  });

  test("a permission pending when the runtime dies: its card tells the truth and the command runs only if approved", async () => {
    const header = await h.startSession(OWNER, "RUN: touch after-runtime-kill.txt");
    const card = await h.waitForCard(header);
    const logged = h.output.length;
    h.killRuntime();
    await h.slack.waitFor(
      () =>
        h.output.slice(logged).some((l) => l.includes("session resumed") && l.includes(header.ts)) ||
        undefined,
      { what: "the session to be resumed", timeoutMs: 20_000 },
    );
    // The reconciliation edits the card, if it changes it, right after the resume. A barrier: the
    // thread's next message, acknowledged (queued behind the card, or answered) after that edit.
    await say(header, "meanwhile");
    await h.waitForReply(header, /is queued \(1 waiting\)|You said: meanwhile/, "the next message taken in");
    assert.doesNotMatch(visible(card), /answered while the bridge was offline/);
    if (buttonsOf(card).length > 0) {
      await h.click(OWNER, card, "perm.once");
      await h.slack.waitFor(() => existsSync(join(h.workdir, "after-runtime-kill.txt")) || undefined, {
        what: "the command to run",
      });
    } else {
      assert.match(visible(card), /Lost: the Copilot runtime restarted/);
      assert.equal(existsSync(join(h.workdir, "after-runtime-kill.txt")), false);
      await say(header, "RUN: touch after-runtime-kill.txt");
      const fresh = await h.waitForCard(header, 1);
      await h.click(OWNER, fresh, "perm.once");
      await h.slack.waitFor(() => existsSync(join(h.workdir, "after-runtime-kill.txt")) || undefined, {
        what: "the retried command to run",
      });
    }
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { CopilotSession, SessionEvent } from "@github/copilot-sdk";
import type { SlackMessage } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";
import { type BridgeHarness, type ButtonInfo, buttonsOf, visible } from "./harness.js";
import { newSessions } from "./runtime.js";

const OWNER = "UOWNER9";
const ELSEWHERE = "elsewhere (terminal, GitHub or another client)";

/**
 * A second client on the shared runtime, attached to the bridge's session like a terminal. It
 * registers question and plan handlers that never settle (so the runtime offers `ask_user` and asks
 * it too, but it only ever answers through `rpc.ui.*`) and records the events it receives.
 */
interface Terminal {
  session: CopilotSession;
  events: SessionEvent[];
  /** How often the runtime called its question / plan handlers. */
  calls: string[];
  close(): Promise<void>;
}

describe("Slack + a terminal on the same session: questions and plans answered on either side", () => {
  const { h, rt } = useBridge({ sharedRuntime: true });

  /**
   * Starts a session from Slack and attaches a terminal to it once it has answered its first prompt.
   * The runtime does not replay question or plan events to a client that resumes later, so the
   * terminal must be attached before the prompt that raises them.
   */
  async function sessionWithTerminal(): Promise<{ header: SlackMessage; terminal: Terminal }> {
    const client = rt.terminal();
    try {
      await client.start();
      const known = new Set((await client.listSessions()).map((s) => s.sessionId));
      const header = await h.startSession(OWNER, "hello");
      await h.waitForReply(header, /user turns: 1/);
      const fresh = await newSessions(client, known);
      assert.equal(fresh.length, 1, `exactly one new session: ${JSON.stringify(fresh)}`);
      const events: SessionEvent[] = [];
      const calls: string[] = [];
      const session = await client.resumeSession(fresh[0] ?? "", {
        ...h.model.sessionConfig(),
        onPermissionRequest: () => ({ kind: "no-result" }),
        onUserInputRequest: () => {
          calls.push("userInput");
          return new Promise(() => undefined);
        },
        onExitPlanModeRequest: () => {
          calls.push("exitPlanMode");
          return new Promise(() => undefined);
        },
      });
      session.on((e) => {
        events.push(e);
      });
      const terminal: Terminal = {
        session,
        events,
        calls,
        async close() {
          await session.disconnect().catch(() => undefined);
          await client.stop();
        },
      };
      return { header, terminal };
    } catch (error) {
      await client.stop();
      throw error;
    }
  }

  /** The first event of `type` the terminal received, once it has. */
  function received<K extends SessionEvent["type"]>(
    terminal: Terminal,
    type: K,
  ): Promise<Extract<SessionEvent, { type: K }>> {
    const ofType = (e: SessionEvent): e is Extract<SessionEvent, { type: K }> => e.type === type;
    return h.slack.waitFor(() => terminal.events.find(ofType), {
      what: `the terminal to receive ${type}`,
      timeoutMs: 20_000,
    });
  }

  const say = (header: SlackMessage, text: string) =>
    h.slack.sendEvent({
      type: "message",
      channel: header.channel,
      user: OWNER,
      text,
      ts: h.slack.nextTs(),
      thread_ts: header.ts,
    });

  const cardWith = (header: SlackMessage, label: string) =>
    h.slack.waitFor(
      () => h.slack.thread(header.channel, header.ts).find((m) => buttonsOf(m).some((b) => b.text === label)),
      { what: `a card with "${label}"`, timeoutMs: 20_000 },
    );

  const closed = (card: SlackMessage, match: RegExp) =>
    h.slack.waitFor(() => (buttonsOf(card).length === 0 && match.test(visible(card)) ? card : undefined), {
      what: `the card to close with ${match}`,
      timeoutMs: 20_000,
    });

  /** The owner clicks `button`, as captured while the card was open, on the card's message. */
  const staleClick = (card: SlackMessage, button: ButtonInfo) =>
    h.slack.sendBlockAction({
      user_id: OWNER,
      channel_id: card.channel,
      message_ts: card.ts,
      ...(card.thread_ts ? { thread_ts: card.thread_ts } : {}),
      action_id: button.action_id,
      value: button.value,
    });

  function withLogs(error: unknown): Error {
    const tail = h.logs().split("\n").slice(-80).join("\n");
    return new Error(`${String(error)}\n--- last bridge log lines ---\n${tail}`, { cause: error });
  }

  /**
   * Runs `body` on a session started from Slack with a terminal attached; the terminal is closed
   * afterwards, and a failure carries the bridge's last log lines.
   */
  async function withTerminal(
    body: (h: BridgeHarness, header: SlackMessage, terminal: Terminal) => Promise<void>,
  ): Promise<void> {
    let terminal: Terminal | undefined;
    try {
      const opened = await sessionWithTerminal();
      terminal = opened.terminal;
      await body(h, opened.header, opened.terminal);
    } catch (error) {
      throw withLogs(error);
    } finally {
      await terminal?.close();
    }
  }

  test("a question answered at the terminal first: the card closes as answered elsewhere, a later click is told so", () =>
    withTerminal(async (h, header, terminal) => {
      await say(header, "ASK: Deploy now? | yes | no");
      const card = await cardWith(header, "no");
      const { data: asked } = await received(terminal, "user_input.requested");
      assert.equal(asked.question, "Deploy now?");
      const [yes, no] = buttonsOf(card);
      assert.ok(yes && no, `the card offers yes and no: ${visible(card)}`);
      assert.deepEqual([yes.text, no.text], ["yes", "no"]);
      assert.equal(no.value, `${asked.requestId}:1`, "the card and the terminal see the same request");

      const answer = await terminal.session.rpc.ui.handlePendingUserInput({
        requestId: asked.requestId,
        response: { answer: "no", wasFreeform: false },
      });
      assert.deepEqual(answer, { success: true });

      await closed(card, /Answered/);
      const text = visible(card);
      assert.match(text, /Answer: no/);
      assert.ok(text.includes(ELSEWHERE), `the card says it was answered elsewhere: ${text}`);
      assert.doesNotMatch(text, /by <@/);
      await h.waitForReply(header, /Tool ask_user result: User selected: no/);

      // The owner clicks "yes" on a stale copy of the card (a client still showing its buttons).
      const ephemeralsBefore = h.slack.ephemerals.length;
      const threadBefore = h.slack.thread(header.channel, header.ts).length;
      const requestsBefore = h.model.requests.length;
      await staleClick(card, yes);
      const notice = await h.slack.waitFor(
        () => h.slack.ephemerals.slice(ephemeralsBefore).find((e) => e.user === OWNER),
        { what: "the ephemeral notice for the late click" },
      );
      assert.match(notice.text, /already answered/);
      const barrier = await h.barrier(header, OWNER, "anything new?");
      assert.equal(visible(card), text, "the card is unchanged");
      assert.deepEqual(
        h.slack.thread(header.channel, header.ts).slice(threadBefore),
        barrier.posts,
        "nothing new in the thread",
      );
      assert.ok(
        h.model.requests
          .slice(requestsBefore)
          .every((r) => JSON.stringify(r.messages).includes("anything new?")),
        "nothing more reached the model",
      );
      assert.deepEqual(
        terminal.events.filter((e) => e.type === "user_input.completed").map((e) => e.data),
        [{ requestId: asked.requestId, answer: "no", wasFreeform: false }],
        "the runtime recorded one answer, the terminal's",
      );
      assert.deepEqual(terminal.calls, ["userInput"], "the terminal was asked through its handler too");
    }));

  test("a question answered in the thread first: the terminal's answer is refused, the card names the owner", () =>
    withTerminal(async (h, header, terminal) => {
      await say(header, "ASK: Which region? | eu | us");
      const card = await cardWith(header, "us");
      const { data: asked } = await received(terminal, "user_input.requested");

      await h.click(OWNER, card, "ask.choice#1");
      await closed(card, new RegExp(`Answered.* by <@${OWNER}>`));
      const text = visible(card);
      assert.match(text, /Answer: us/);

      const late = await terminal.session.rpc.ui.handlePendingUserInput({
        requestId: asked.requestId,
        response: { answer: "eu", wasFreeform: false },
      });
      assert.deepEqual(late, { success: false });

      await h.waitForReply(header, /Tool ask_user result: User selected: us/);
      await h.barrier(header, OWNER, "anything new?");
      assert.equal(visible(card), text, "the terminal's late answer changed nothing");
      assert.ok(!text.includes(ELSEWHERE));
      assert.ok(
        !h.model.requests.some((r) => JSON.stringify(r.messages).includes("User selected: eu")),
        "the model never saw the terminal's answer",
      );
    }));

  test("a plan approved at the terminal first: the card closes as approved elsewhere and the header follows", () =>
    withTerminal(async (h, header, terminal) => {
      await say(header, "mode plan");
      await h.slack.waitFor(() => /Mode: `plan`/.test(visible(header)), { what: "plan mode" });
      await say(header, "PLAN: ship it");
      const card = await cardWith(header, "Request changes…");
      const { data: plan } = await received(terminal, "exit_plan_mode.requested");
      assert.equal(plan.summary, "ship it");
      const interactive = buttonsOf(card).find((b) => b.text === "Approve & interactive");
      assert.ok(interactive, `the card offers Approve & interactive: ${visible(card)}`);
      assert.equal(interactive.value, `${plan.requestId}:interactive`, "the same request on both sides");

      const answer = await terminal.session.rpc.ui.handlePendingExitPlanMode({
        requestId: plan.requestId,
        response: { approved: true, selectedAction: "interactive" },
      });
      assert.deepEqual(answer, { success: true });

      // Slack text is escaped: "&" reads "&amp;" in the raw message.
      await closed(card, /Plan approved \(Approve &amp; interactive\)/);
      const text = visible(card);
      assert.ok(text.includes(ELSEWHERE), `the card says it was approved elsewhere: ${text}`);
      assert.doesNotMatch(text, /by <@/);
      await h.slack.waitFor(() => /Mode: `interactive`/.test(visible(header)), {
        what: "the header back in interactive",
      });
      await h.waitForReply(header, /Tool exit_plan_mode result: Plan approved!/);

      const ephemeralsBefore = h.slack.ephemerals.length;
      await staleClick(card, interactive);
      const notice = await h.slack.waitFor(
        () => h.slack.ephemerals.slice(ephemeralsBefore).find((e) => e.user === OWNER),
        { what: "the ephemeral notice for the late click" },
      );
      assert.match(notice.text, /already answered/);
      assert.equal(visible(card), text, "the card is unchanged");
    }));
});

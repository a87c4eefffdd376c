import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { CopilotClient, CopilotSession } from "@github/copilot-sdk";
import type { SlackMessage } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";
import { type BridgeHarness, buttonsOf, visible } from "./harness.js";
import { newSessions } from "./runtime.js";

const OWNER = "UOWNER1";
const ELSEWHERE = "elsewhere (terminal, GitHub or another client)";

/** A second client on the shared runtime: what a person at a terminal attached to the session is. */
interface Terminal {
  client: CopilotClient;
  session: CopilotSession;
  close(): Promise<void>;
}

describe("Slack + a terminal attached to the same session (shared headless runtime)", () => {
  const { h, rt } = useBridge({ sharedRuntime: true });

  async function sessionIds(client: CopilotClient): Promise<Set<string>> {
    return new Set((await client.listSessions()).map((s) => s.sessionId));
  }

  /**
   * Resumes the one session that appeared since `known` was taken, as a terminal would. The runtime
   * lists a new session only once it has written it (~50-200 ms after the card appeared), so poll.
   */
  async function attachTerminal(client: CopilotClient, known: Set<string>): Promise<Terminal> {
    const fresh = await newSessions(client, known);
    assert.equal(fresh.length, 1, `exactly one new session: ${JSON.stringify(fresh)}`);
    const id = fresh[0] ?? "";
    const session = await client.resumeSession(id, {
      ...h.model.sessionConfig(),
      // A terminal that leaves every request for its user to answer through the RPC.
      onPermissionRequest: () => ({ kind: "no-result" }),
    });
    return {
      client,
      session,
      async close() {
        await session.disconnect().catch(() => undefined);
        await client.stop();
      },
    };
  }

  /** The pending request whose command mentions `needle`, as the terminal sees it. */
  async function pendingRequestFor(session: CopilotSession, needle: string): Promise<string> {
    const { items } = await session.rpc.permissions.pendingRequests();
    const matching = items.filter((i) => JSON.stringify(i.request).includes(needle));
    assert.equal(matching.length, 1, `one pending request for ${needle}: ${JSON.stringify(items)}`);
    return matching[0]?.requestId ?? "";
  }

  function withLogs(error: unknown, h: BridgeHarness): Error {
    const tail = h.logs().split("\n").slice(-80).join("\n");
    return new Error(`${String(error)}\n--- last bridge log lines ---\n${tail}`, { cause: error });
  }

  async function finalised(card: SlackMessage): Promise<SlackMessage> {
    return h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "the card to be finalised",
      timeoutMs: 20_000,
    });
  }

  test("a terminal answers first: the card says so, the command runs, a later click changes nothing", async () => {
    const client = rt.terminal();
    let terminal: Terminal | undefined;
    try {
      await client.start();
      const known = await sessionIds(client);
      const header = await h.startSession(OWNER, "RUN: touch from-terminal.txt");
      const card = await h.waitForCard(header);
      const oldButtons = buttonsOf(card);
      const approve = oldButtons.find((b) => b.action_id === "perm.once");
      assert.ok(approve, `the card offers Approve once: ${visible(card)}`);

      terminal = await attachTerminal(client, known);
      const requestId = await pendingRequestFor(terminal.session, "touch from-terminal.txt");
      assert.equal(approve.value, requestId, "the card and the terminal see the same request");
      const answer = await terminal.session.rpc.permissions.handlePendingPermissionRequest({
        requestId,
        result: { kind: "approve-once" },
      });
      assert.deepEqual(answer, { success: true });

      // What the Slack user sees: the card loses its buttons and names no one in the thread.
      await finalised(card);
      const text = visible(card);
      assert.match(text, /Approved once/);
      assert.ok(text.includes(ELSEWHERE), `card says it was approved elsewhere: ${text}`);
      assert.doesNotMatch(text, /by <@/);
      await h.waitForReply(header, /Tool bash result/);
      assert.equal(existsSync(join(h.workdir, "from-terminal.txt")), true, "the approved command ran");

      // The owner clicks the old card's Approve button afterwards (a stale client still showing it).
      const ephemeralsBefore = h.slack.ephemerals.length;
      const threadBefore = h.slack.thread(header.channel, header.ts).length;
      await h.slack.sendBlockAction({
        user_id: OWNER,
        channel_id: card.channel,
        message_ts: card.ts,
        ...(card.thread_ts ? { thread_ts: card.thread_ts } : {}),
        action_id: approve.action_id,
        value: approve.value,
      });
      const notice = await h.slack.waitFor(
        () => h.slack.ephemerals.slice(ephemeralsBefore).find((e) => e.user === OWNER),
        { what: "the ephemeral notice for the late click" },
      );
      assert.match(notice.text, /already answered|not pending/);
      assert.equal(visible(card), text, "the card is unchanged");
      assert.equal(buttonsOf(card).length, 0);
      assert.equal(
        h.slack.thread(header.channel, header.ts).length,
        threadBefore,
        "nothing new in the thread",
      );
      assert.deepEqual((await terminal.session.rpc.permissions.pendingRequests()).items, []);
    } catch (error) {
      throw withLogs(error, h);
    } finally {
      if (terminal) await terminal.close();
      else await client.stop();
    }
  });

  test("the thread answers first: the terminal's answer is refused and the card shows who denied", async () => {
    const client = rt.terminal();
    let terminal: Terminal | undefined;
    try {
      await client.start();
      const known = await sessionIds(client);
      const header = await h.startSession(OWNER, "RUN: touch denied-in-thread.txt");
      const card = await h.waitForCard(header);
      terminal = await attachTerminal(client, known);
      const requestId = await pendingRequestFor(terminal.session, "touch denied-in-thread.txt");

      await h.click(OWNER, card, "perm.deny");
      await finalised(card);
      assert.match(visible(card), new RegExp(`Denied.* by <@${OWNER}>`));

      const answer = await terminal.session.rpc.permissions.handlePendingPermissionRequest({
        requestId,
        result: { kind: "approve-once" },
      });
      assert.deepEqual(answer, { success: false });

      await h.waitForReply(header, /✗ ran `touch denied-in-thread\.txt` — The user rejected this tool call/);
      assert.equal(
        existsSync(join(h.workdir, "denied-in-thread.txt")),
        false,
        "the denied command did not run",
      );
      assert.match(
        visible(card),
        new RegExp(`Denied.* by <@${OWNER}>`),
        "the late terminal answer changed nothing",
      );
      assert.ok(!visible(card).includes(ELSEWHERE));
    } catch (error) {
      throw withLogs(error, h);
    } finally {
      if (terminal) await terminal.close();
      else await client.stop();
    }
  });
});

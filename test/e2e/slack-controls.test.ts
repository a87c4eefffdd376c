import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { type SlackMessage, type SlackTypedText, slackEntity } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";
import { buttonsOf, visible } from "./harness.js";

const OWNER = "UOWNER7";
const STRANGER = "USTRANGER7";

describe("Slack: session controls", () => {
  const { h } = useBridge();

  const say = (header: SlackMessage, user: string, text: SlackTypedText) => h.say(header, user, text);

  test("mode plan from the thread: the header follows and the thread says who changed it", async () => {
    const header = await h.startSession(OWNER, "hello");
    await h.waitForReply(header, /user turns: 1/);
    assert.deepEqual(
      buttonsOf(header).map((b) => b.text),
      ["Stop", "Mode: plan", "Mode: autopilot", "End session"],
    );
    await say(header, OWNER, "mode plan");
    await h.waitForReply(header, new RegExp(`Mode set to plan .* by <@${OWNER}>`));
    await h.slack.waitFor(() => /Mode: `plan`/.test(visible(header)), { what: "the header to show plan" });
    assert.deepEqual(
      buttonsOf(header).map((b) => b.text),
      ["Stop", "Mode: interactive", "Mode: autopilot", "End session"],
    );
    // The model works in plan mode now: it is offered the plan-approval tool.
    const before = h.model.requests.length;
    await say(header, OWNER, "what now?");
    await h.waitForReply(header, /You said: what now\?/);
    const planTurn = h.model.requests.slice(before).at(-1);
    assert.ok(planTurn?.tools.includes("exit_plan_mode"), planTurn?.tools.join(", "));
  });

  test("a stranger cannot switch to autopilot; the owner can, from the header, and it is announced", async () => {
    const header = await h.startSession(OWNER, "hello again");
    await h.waitForReply(header, /user turns: 1/);
    const from = h.slack.ephemerals.length;
    await say(header, STRANGER, [slackEntity.user(h.slack.botUserId), " mode autopilot"]);
    const refusal = await h.slack.waitFor(
      () => h.slack.ephemerals.slice(from).find((e) => e.user === STRANGER),
      { what: "the refusal" },
    );
    assert.match(refusal.text, new RegExp(`Only <@${OWNER}> or an approver can do that`));
    assert.match(visible(header), /Mode: `interactive`/);

    await h.click(OWNER, header, "ctl.mode#2");
    await h.waitForReply(header, new RegExp(`⚠️ Mode set to autopilot .* by <@${OWNER}>`));
    await h.slack.waitFor(() => /Mode: `autopilot`/.test(visible(header)), {
      what: "the header to show autopilot",
    });
  });

  test("a stranger cannot stop a session", async () => {
    const header = await h.startSession(OWNER, "SLOW: 1500");
    const from = h.slack.ephemerals.length;
    await say(header, STRANGER, [slackEntity.user(h.slack.botUserId), " stop"]);
    await h.slack.waitFor(() => h.slack.ephemerals.slice(from).find((e) => e.user === STRANGER), {
      what: "the refusal",
    });
    await h.waitForReply(header, /slow done/);
    assert.ok(!h.slack.thread(header.channel, header.ts).some((m) => /Stopped by/.test(visible(m))));
  });

  test("the header's Stop button stops the running turn", async () => {
    const header = await h.startSession(OWNER, "SLOW: 4000");
    await h.slack.waitFor(
      () => h.model.requests.some((r) => JSON.stringify(r.messages).includes("SLOW: 4000")),
      {
        what: "the slow turn",
      },
    );
    await h.click(OWNER, header, "ctl.stop");
    await h.waitForReply(header, new RegExp(`Stopped by <@${OWNER}>`));
    // A barrier: the next message is answered after the stopped turn, which would end "slow done".
    await h.barrier(header, OWNER, "still there?");
    assert.ok(
      !h.slack.thread(header.channel, header.ts).some((m) => /slow done/.test(visible(m))),
      "the turn was cut",
    );
  });

  test("Slack's own Stop on the thread's agent session stops the turn like ours; a stranger's does not", async () => {
    const header = await h.startSession(OWNER, "SLOW: 4000");
    const session = () => h.slack.agentSession(header.channel, header.ts);
    await h.slack.waitFor(() => (session()?.status === "processing" ? true : undefined), {
      what: "the agent session to be processing",
    });
    const from = h.slack.ephemerals.length;
    await h.slack.sendAgentSessionStopped({ user: STRANGER, channel: header.channel, thread_ts: header.ts });
    const refusal = await h.slack.waitFor(
      () => h.slack.ephemerals.slice(from).find((e) => e.user === STRANGER),
      {
        what: "the stranger's refusal",
      },
    );
    assert.match(refusal.text, new RegExp(`Only <@${OWNER}> or an approver can do that`));
    await h.slack.sendAgentSessionStopped({ user: OWNER, channel: header.channel, thread_ts: header.ts });
    await h.waitForReply(header, new RegExp(`Stopped by <@${OWNER}>`));
    // Out of processing once the turn has ended, as Slack asks of an app after its Stop.
    await h.slack.waitFor(() => (session()?.status === "active" ? true : undefined), {
      what: "the agent session to be active again",
    });
    await h.barrier(header, OWNER, "after the native stop");
    assert.ok(!h.slack.thread(header.channel, header.ts).some((m) => /slow done/.test(visible(m))));
    const seen = session()?.statuses.map((x) => x.status) ?? [];
    assert.ok(seen.includes("processing") && seen.includes("active"), seen.join(" | "));
  });

  test("ending a session closes its agent session", async () => {
    const header = await h.startSession(OWNER, "to be ended");
    await h.waitForReply(header, /user turns: 1/);
    await say(header, OWNER, "end");
    await h.slack.waitFor(
      () => (h.slack.agentSession(header.channel, header.ts)?.status === "closed" ? true : undefined),
      { what: "the agent session to close" },
    );
  });

  test("stop mid-turn: the turn ends, its pending card is closed as cancelled, nothing runs", async () => {
    const header = await h.startSession(OWNER, "RUN: touch never-runs.txt");
    const card = await h.waitForCard(header);
    await say(header, OWNER, "stop");
    await h.waitForReply(header, new RegExp(`Stopped by <@${OWNER}>`));
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), {
      what: "the card to close",
    });
    assert.match(visible(card), /Cancelled/);
    assert.equal(existsSync(join(h.workdir, "never-runs.txt")), false);
    // The session still works after a stop.
    await say(header, OWNER, "still there?");
    await h.waitForReply(header, /You said: still there\?/);
  });

  test("status shows state, mode, model, working directory and links to waiting prompts", async () => {
    const header = await h.startSession(OWNER, "RUN: touch status-check.txt");
    await h.waitForCard(header);
    await say(header, STRANGER, [slackEntity.user(h.slack.botUserId), " status"]);
    const status = await h.waitForReply(header, /Session status/);
    const text = visible(status);
    assert.match(text, /State: `working`/);
    assert.match(text, /Mode: `interactive`/);
    assert.match(text, /Model: `fake-model`/);
    assert.match(text, new RegExp(`Working directory: \`${h.workdir.replace(/[/.]/g, "\\$&")}\``));
    assert.match(text, /Waiting: <https:\/\/\S+\|Run a shell command>/);
  });

  test("status adds up the session's model usage, and keeps it across a restart", async () => {
    const header = await h.startSession(OWNER, "count my tokens");
    await h.waitForReply(header, /user turns: 1/);
    await h.barrier(header, OWNER, "and once more");
    await say(header, OWNER, "status");
    const usage = /Usage: ([\d,]+) tokens in · ([\d,]+) out · 0 premium request\(s\) · (\d+) model call\(s\)/;
    const first = usage.exec(visible(await h.waitForReply(header, /Session status/)));
    assert.ok(first, "status shows the usage");
    const [, input = "", output = "", calls = ""] = first;
    // The scripted model reports 10 prompt tokens and a few completion tokens per call.
    assert.ok(Number(calls) >= 2, `model calls: ${calls}`);
    assert.equal(Number(input.replace(/,/g, "")), 10 * Number(calls));
    assert.ok(Number(output.replace(/,/g, "")) >= Number(calls));

    await h.crashAndRestart();
    const from = h.slack.thread(header.channel, header.ts).length;
    await say(header, OWNER, "status");
    const again = await h.slack.waitFor(
      () =>
        h.slack
          .thread(header.channel, header.ts)
          .slice(from)
          .find((m) => /Session status/.test(visible(m))),
      { what: "status after the restart" },
    );
    assert.equal(usage.exec(visible(again))?.[0], first[0], "the same totals after the restart");
  });

  test("help in the thread, and /copilot sessions in the channel", async () => {
    const header = await h.startSession(OWNER, "for the list", "CLIST");
    await h.waitForReply(header, /user turns: 1/);
    await say(header, OWNER, "help");
    await h.waitForReply(header, /`stop` aborts the current turn/);
    const from = h.slack.ephemerals.length;
    await h.slack.sendSlashCommand({ user_id: STRANGER, channel_id: "CLIST", text: "sessions" });
    const list = await h.slack.waitFor(
      () => h.slack.ephemerals.slice(from).find((e) => e.user === STRANGER),
      { what: "the session list" },
    );
    assert.match(list.text, /1 active session\(s\) in this channel/);
    assert.match(list.text, /_for the list_/);
    assert.match(list.text, new RegExp(`<@${OWNER}>`));
    assert.match(list.text, /<https:\/\/\S+\|open thread>/);
  });

  test("remote on without a GitHub identity says what is missing, and the session keeps working", async () => {
    const header = await h.startSession(OWNER, "remote without github");
    await h.waitForReply(header, /user turns: 1/);
    await say(header, OWNER, "remote on");
    await h.waitForReply(header, /Remote control needs a GitHub sign-in: start the bridge with GITHUB_TOKEN/);
    await say(header, OWNER, "and now?");
    await h.waitForReply(header, /You said: and now\?/);
  });
});

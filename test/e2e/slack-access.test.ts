/**
 * The access policy on Slack: every control refuses a stranger with a private notice and changes
 * nothing; attach and cloud are for admins; BRIDGE_ALLOWED_CHANNELS / BRIDGE_ALLOWED_USERS fence
 * commands; an admin decides on anyone's session.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { type SlackMessage, slackEntity } from "../fakes/slack/index.js";
import { useBridge } from "./fixture.js";
import { buttonsOf, visible } from "./harness.js";

const OWNER = "UOWNERAC";
const STRANGER = "USTRANGERAC";
const ADMIN = "UADMINAC";
const OUTSIDER = "UOUTSIDERAC";

describe("Slack: who may do what", () => {
  const { h } = useBridge({
    formMcp: true,
    env: {
      BRIDGE_ADMINS: `slack:${ADMIN}`,
      BRIDGE_ALLOWED_CHANNELS: "slack:C0001",
      BRIDGE_ALLOWED_USERS: `slack:${OWNER},slack:${STRANGER}`,
    },
  });

  /** `user`'s next private notice after `action` runs. */
  async function noticeTo(user: string, action: () => Promise<unknown>): Promise<string> {
    const from = h.slack.ephemerals.length;
    await action();
    const notice = await h.slack.waitFor(() => h.slack.ephemerals.slice(from).find((e) => e.user === user), {
      what: `a private notice to ${user}`,
    });
    return notice.text;
  }
  const strangerSays = (header: SlackMessage, words: string) =>
    h.say(header, STRANGER, [slackEntity.user(h.slack.botUserId), ` ${words}`]);
  const ownerSays = (header: SlackMessage, text: string) => h.say(header, OWNER, text);
  const refusal = new RegExp(
    `Only <@${OWNER}> or an approver can (do that|decide this)\\. Nothing was changed\\.`,
  );
  const cardWith = (header: SlackMessage, label: string) => h.waitForButton(header, label);

  test("a stranger's Stop and mode buttons, stop, mode and remote on/off are refused; the turn runs on", async () => {
    const header = await h.startSession(OWNER, "SLOW: 3000");
    await h.slack.waitFor(() => h.model.requests.some((r) => JSON.stringify(r.messages).includes("SLOW")), {
      what: "the slow turn",
    });
    const before = h.slack.thread(header.channel, header.ts).length;
    assert.match(await noticeTo(STRANGER, () => h.click(STRANGER, header, "ctl.stop")), refusal);
    assert.match(await noticeTo(STRANGER, () => h.click(STRANGER, header, "ctl.mode#2")), refusal);
    assert.match(await noticeTo(STRANGER, () => strangerSays(header, "stop")), refusal);
    assert.match(await noticeTo(STRANGER, () => strangerSays(header, "mode plan")), refusal);
    assert.match(await noticeTo(STRANGER, () => strangerSays(header, "remote on")), refusal);
    assert.match(await noticeTo(STRANGER, () => strangerSays(header, "remote off")), refusal);
    const since = h.slack.thread(header.channel, header.ts).slice(before).map(visible);
    assert.ok(!since.some((t) => t.includes(STRANGER)), `nothing was posted for the stranger: ${since}`);
    await h.waitForReply(header, /slow done/);
    const thread = h.slack.thread(header.channel, header.ts).map(visible).join("\n");
    assert.doesNotMatch(thread, /Stopped by|Mode set to|Remote control/);
    assert.match(visible(header), /Mode: `interactive`/);
  });

  test("a stranger cannot approve a plan or ask for changes to it", async () => {
    const header = await h.startSession(OWNER, "hello");
    await h.waitForReply(header, /user turns: 1/);
    await ownerSays(header, "mode plan");
    await h.slack.waitFor(() => /Mode: `plan`/.test(visible(header)), { what: "plan mode" });
    await ownerSays(header, "PLAN: - one step");
    const card = await cardWith(header, "Request changes…");
    const approve = buttonsOf(card).find((b) => b.text.startsWith("Approve & interactive"));
    const views = h.slack.views.length;
    assert.match(await noticeTo(STRANGER, () => h.click(STRANGER, card, approve?.action_id ?? "")), refusal);
    assert.match(await noticeTo(STRANGER, () => h.click(STRANGER, card, "plan.changes")), refusal);
    assert.equal(h.slack.views.length, views, "no form was opened for the stranger");
    assert.ok(buttonsOf(card).length > 0, "the plan still waits for an answer");
    assert.match(visible(header), /Mode: `plan`/);
  });

  test("a stranger cannot open a form, and a form submitted in their name changes nothing", async () => {
    const header = await h.startSession(OWNER, "FORM: Which size? | size:S/M/L");
    await h.click(OWNER, await h.waitForCard(header), "perm.once");
    const card = await cardWith(header, "Fill in…");
    const views = h.slack.views.length;
    assert.match(await noticeTo(STRANGER, () => h.click(STRANGER, card, "form.open")), refusal);
    assert.equal(h.slack.views.length, views, "no form was opened for the stranger");
    // The owner opens the form; the stranger submits one with its ids.
    await h.click(OWNER, card, "form.open");
    const opened = await h.slack.waitFor(() => h.slack.views[views], { what: "the owner's form" });
    const forged = await h.slack.sendViewSubmission({
      user_id: STRANGER,
      view: {
        callback_id: opened.view.callback_id,
        private_metadata: opened.view.private_metadata,
        state: { values: { size: { value: { type: "static_select", selected_option: { value: "L" } } } } },
      },
    });
    assert.equal(forged.payload?.response_action, "errors", "the form answers with the refusal");
    assert.match(
      JSON.stringify(forged.payload?.errors),
      /Only the session's owner or an approver can answer this/,
    );
    assert.deepEqual(
      buttonsOf(card).map((b) => b.text),
      ["Fill in…", "Decline", "Cancel"],
      "the form still waits for the owner",
    );
    assert.ok(!h.model.requests.some((r) => JSON.stringify(r.messages).includes('"action":"accept"')));
  });

  test("an admin decides on anyone's session", async () => {
    const header = await h.startSession(OWNER, "RUN: touch admin-approved.txt");
    const card = await h.waitForCard(header);
    await h.click(ADMIN, card, "perm.once");
    await h.slack.waitFor(() => existsSync(join(h.workdir, "admin-approved.txt")), { what: "the command" });
    await h.slack.waitFor(() => (buttonsOf(card).length === 0 ? card : undefined), { what: "the card" });
    assert.match(visible(card), new RegExp(`Approved once.* by <@${ADMIN}>`));
  });

  test("attach and cloud are for admins: others are told why and nothing opens", async () => {
    // New threads are what an attach or a cloud session would open (earlier replies may still land).
    const roots = () => h.slack.messages.filter((m) => !m.thread_ts).length;
    const before = roots();
    const attach = await noticeTo(OWNER, () =>
      h.slack.sendSlashCommand({ user_id: OWNER, channel_id: "C0001", text: "attach 0123456789abcdef" }),
    );
    assert.match(attach, /Only a bridge admin may attach a session.*Nothing was attached\./);
    const cloud = await noticeTo(OWNER, () =>
      h.slack.sendSlashCommand({ user_id: OWNER, channel_id: "C0001", text: "cloud octo/demo fix it" }),
    );
    assert.match(cloud, /Cloud sessions run on the bridge's GitHub identity, so only a bridge admin/);
    assert.equal(roots(), before, "no thread was opened");
    // An admin gets past the policy (and is told the session is unknown to this runtime).
    const admin = await noticeTo(ADMIN, () =>
      h.slack.sendSlashCommand({ user_id: ADMIN, channel_id: "C0001", text: "attach 0123456789abcdef" }),
    );
    assert.match(admin, /No session 0123456789abcdef is known/);
  });

  test("someone not on BRIDGE_ALLOWED_USERS cannot reach a session's agent by mentioning the bot", async () => {
    const header = await h.startSession(OWNER, "hello fence");
    await h.waitForReply(header, /user turns: 1/);
    const notice = await noticeTo(OUTSIDER, () =>
      h.slack.sendEvent({
        type: "message",
        channel: header.channel,
        user: OUTSIDER,
        text: [slackEntity.user(h.slack.botUserId), " please delete everything"],
        ts: h.slack.nextTs(),
        thread_ts: header.ts,
      }),
    );
    assert.match(notice, /BRIDGE_ALLOWED_USERS.*It was not sent to Copilot\./);
    assert.ok(!h.model.requests.some((r) => JSON.stringify(r.messages).includes("delete everything")));
  });

  test("commands outside the allowed channels, or from people not allowed, are refused with the reason", async () => {
    const roots = () => h.slack.messages.filter((m) => !m.thread_ts).length;
    const before = roots();
    const elsewhere = await noticeTo(OWNER, () =>
      h.slack.sendSlashCommand({ user_id: OWNER, channel_id: "CELSEWHERE", text: "fix the tests" }),
    );
    assert.match(
      elsewhere,
      /does not take commands in this channel \(BRIDGE_ALLOWED_CHANNELS\)\. Nothing was started\./,
    );
    const outsider = await noticeTo(OUTSIDER, () =>
      h.slack.sendSlashCommand({ user_id: OUTSIDER, channel_id: "C0001", text: "fix the tests" }),
    );
    assert.match(outsider, /not on this bridge's list of users \(BRIDGE_ALLOWED_USERS\)/);
    assert.equal(roots(), before, "no session was started");
    // Admins may work anywhere.
    const header = await h.startSession(ADMIN, "hello from an admin", "CELSEWHERE");
    await h.waitForReply(header, /You said: hello from an admin/);
  });
});

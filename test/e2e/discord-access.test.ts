/**
 * The access policy on Discord: every control refuses a stranger and changes nothing; attach and
 * cloud are for admins (here: members of an admin role); BRIDGE_ALLOWED_USERS fences commands.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DiscordMessage, InteractionHandle } from "../fakes/discord/index.js";
import { messageText } from "../fakes/discord/index.js";
import { buttons } from "./discord-driver.js";
import { useBridge } from "./fixture.js";

const OWNER = "310000000000000001";
const STRANGER = "310000000000000002";
const ADMIN = "310000000000000003";
const OUTSIDER = "310000000000000004";
const ADMIN_ROLE = "510000000000000001";

describe("Discord: who may do what", () => {
  const { h, drv } = useBridge({
    discordOwner: OWNER,
    discordRoles: [ADMIN_ROLE],
    formMcp: true,
    env: {
      BRIDGE_ADMINS: `discord-role:${ADMIN_ROLE}`,
      BRIDGE_ALLOWED_USERS: `discord:${OWNER},discord:${STRANGER}`,
    },
    ready: ({ h }) => h.discord.addUser(ADMIN, "bridge-admin", [ADMIN_ROLE]),
  });

  const refusal = new RegExp(
    `Only <@${OWNER}> or an approver can (do that|decide this)\\. Nothing was changed\\.`,
  );
  /** The stranger clicks `label` on `card`: a private refusal, and no form opened. */
  async function strangerClicks(card: DiscordMessage, label: string): Promise<void> {
    const click = await drv.click(card, label, STRANGER);
    const note = await drv.ephemeralTo(click, refusal);
    assert.equal((note.flags ?? 0) & 64, 64, "the refusal is ephemeral");
    assert.ok(
      !h.discord.interactionReplies.some((r) => r.interactionId === click.interactionId && r.type === 9),
      `no form for the stranger (${label})`,
    );
  }
  const cardWith = (threadId: string, label: string) =>
    h.discord.waitFor(() => drv.replies(threadId).find((m) => buttons(m).some((b) => b.label === label)), {
      what: `a card with "${label}"`,
      timeoutMs: 20_000,
    });
  const slashAs = (user: string, prompt: string): Promise<InteractionHandle> =>
    h.discord.slashCommand({
      user_id: user,
      channel_id: h.discord.channelId,
      options: [{ name: "prompt", type: 3, value: prompt }],
    });

  test("a stranger's Stop and mode buttons, stop, mode and remote on/off are refused; the turn runs on", async () => {
    const threadId = await drv.start("SLOW: 3000");
    const header = await drv.waitReply(threadId, /Copilot session/, "the header");
    await drv.waitModelSaw("SLOW: 3000");
    await strangerClicks(header, "Stop");
    await strangerClicks(header, "Mode: plan");
    for (const words of ["stop", "mode plan", "remote on", "remote off"]) {
      const from = h.discord.messages.length;
      await drv.say(threadId, words, { author: STRANGER, mention: true });
      const notice = await h.discord.waitFor(
        () =>
          h.discord.messages
            .slice(from)
            .find((m) => m.author.bot && messageText(m).startsWith(`<@${STRANGER}>`)),
        { what: `the refusal of "${words}"` },
      );
      assert.match(messageText(notice), refusal);
    }
    await drv.waitReply(threadId, /slow done/);
    const thread = drv
      .replies(threadId)
      .map((m) => messageText(m))
      .join("\n");
    assert.doesNotMatch(thread, /Stopped by|Mode set to|Remote control/);
    assert.match(messageText(header), /Mode: `interactive`/);
  });

  test("a stranger cannot approve a plan or ask for changes to it", async () => {
    const threadId = await drv.start("hello");
    await drv.waitReply(threadId, /user turns: 1/);
    const header = await drv.waitReply(threadId, /Copilot session/, "the header");
    await drv.say(threadId, "mode plan");
    await h.discord.waitFor(() => /Mode: `plan`/.test(messageText(header)), { what: "plan mode" });
    await drv.say(threadId, "PLAN: - one step");
    const card = await cardWith(threadId, "Request changes…");
    await strangerClicks(card, "Approve & interactive");
    await strangerClicks(card, "Request changes…");
    assert.ok(buttons(card).length > 0, "the plan still waits for an answer");
    assert.match(messageText(header), /Mode: `plan`/);
  });

  test("a stranger cannot open a form, and a form submitted in their name is refused privately", async () => {
    const threadId = await drv.start("FORM: Which size? | size:S/M/L");
    await drv.click(await drv.waitCard(threadId, "the MCP permission card"), "Approve once");
    const card = await cardWith(threadId, "Fill in…");
    await strangerClicks(card, "Fill in…");
    const open = await drv.click(card, "Fill in…");
    const modal = await h.discord.replyTo(open.interactionId);
    assert.equal(modal.type, 9, "the owner gets the form");
    const forged = await h.discord.submitModal({
      user_id: STRANGER,
      channel_id: threadId,
      custom_id: modal.data.custom_id,
      fields: { size: "L" },
    });
    await drv.ephemeralTo(forged, /Only the session's owner or an approver can answer this/);
    assert.deepEqual(
      buttons(card).map((b) => b.label),
      ["Fill in…", "Decline", "Cancel"],
      "the form still waits for the owner",
    );
    assert.equal(drv.modelSaw('\\"action\\":\\"accept\\"'), false);
  });

  test("attach and cloud are for admins: others are told why privately; an admin role gets through", async () => {
    const threads = h.discord.threads.length;
    const attach = await slashAs(OWNER, "attach 0123456789abcdef");
    await drv.ephemeralTo(attach, /Only a bridge admin may attach a session.*Nothing was attached\./);
    const cloud = await slashAs(OWNER, "cloud octo/demo fix it");
    await drv.ephemeralTo(cloud, /only a bridge admin may start one/);
    assert.equal(h.discord.threads.length, threads, "no thread was opened");
    const admin = await slashAs(ADMIN, "attach 0123456789abcdef");
    await drv.ephemeralTo(admin, /No session 0123456789abcdef is known/);
  });

  test("someone not on BRIDGE_ALLOWED_USERS is told why, and no session starts", async () => {
    const threads = h.discord.threads.length;
    const m = await drv.say(h.discord.channelId, "fix the tests", { author: OUTSIDER, mention: true });
    const reply = await h.discord.waitFor(
      () =>
        h.discord
          .channelMessages(h.discord.channelId)
          .find((x) => x.author.bot && x.message_reference?.message_id === m.id),
      { what: "the refusal" },
    );
    assert.match(messageText(reply), /not on this bridge.s list of users \(BRIDGE\\?_ALLOWED\\?_USERS\)/);
    assert.equal(h.discord.threads.length, threads);
  });
});

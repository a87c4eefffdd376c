import { readFileSync } from "node:fs";
import { SlackAdapter } from "../../../adapters/slack/adapter.js";
import { silentLogger } from "../../../src/core/log.js";
import type { MessageRef } from "../../../src/core/vocabulary/refs.js";
import { buttonsOf, visible } from "../../e2e/harness.js";
import { FakeSlack, type SlackTypedText, slackEntity } from "../../fakes/slack/index.js";
import { slackNotified } from "../pings.js";
import { type ContractSubject, line, type RecordingHandler, spendUntilDeferred } from "../subject.js";

/**
 * The real SlackAdapter over Socket Mode against the fake Slack, whose bot token has exactly the
 * scopes manifest.yml asks for: a call the adapter makes without its scope there fails the contract.
 */
export async function slackSubject(handler: RecordingHandler): Promise<ContractSubject> {
  const slack = await FakeSlack.start({ scopes: manifestBotScopes() });
  const user = "UCONTRACT";
  const otherUser = "UOTHER";
  // People of the workspace, whom the app may message privately.
  for (const id of [user, otherUser]) slack.addUser({ id });
  const adapter = new SlackAdapter({
    botToken: slack.botToken,
    appToken: slack.appToken,
    mode: "socket",
    apiUrl: slack.apiUrl,
    log: silentLogger,
    retries: 0,
  });
  await adapter.start(handler);
  const find = (channel: string, ts: string) =>
    slack.messages.find((x) => x.channel === channel && x.ts === ts);
  const message = (ref: MessageRef) => {
    const m = find(ref.channel, ref.id);
    if (!m) throw new Error(`no Slack message ${ref.id}`);
    return m;
  };
  let events = 0;
  /** A fresh event_id, so that a retry can repeat one. */
  const eventId = () => `EvCONTRACT${String(++events).padStart(6, "0")}`;
  return {
    adapter,
    channel: { platform: "slack", channel: "CCONTRACT", workspace: slack.teamId },
    user,
    otherUser,
    read: (ref) => ({ text: visible(message(ref)), buttons: buttonsOf(message(ref)).map((b) => b.text) }),
    replies: (thread) =>
      slack.thread(thread.channel, thread.thread).map((m) => ({ channel: m.channel, id: m.ts })),
    uploads: (thread) =>
      slack.files
        .filter((f) => f.thread_ts === thread.thread)
        .map((f) => ({ name: f.filename, bytes: f.bytes })),
    noticesFor: (user) => slack.ephemerals.filter((e) => e.user === user).map((e) => e.text),
    // A "D…" channel is an IM: only its person sees it.
    publicTexts: () => slack.messages.filter((m) => !m.channel.startsWith("D")).map((m) => visible(m)),
    privateTo: (person) => {
      const dm = slack.directMessages(person);
      return {
        texts: dm.messages.map((m) => visible(m)),
        files: dm.files.map((f) => ({ name: f.filename, bytes: f.bytes })),
        notified: [...new Set(dm.messages.flatMap((m) => slackNotified(m)))],
      };
    },
    dmRefusals: {
      unknown: async () => ({ user: "UNOBODY00", error: /user_not_found/ }),
      bot: async () => ({ user: slack.botUserId, error: /cannot_dm_bot/ }),
    },
    modalsOpened: () =>
      slack.views.map((v) => ({
        title: String(v.view.title?.text ?? ""),
        fields: (v.view.blocks ?? [])
          .filter((b: { type?: string }) => b.type === "input")
          .map((b: { block_id?: string }) => String(b.block_id)),
      })),
    notified: (ref) => slackNotified(message(ref)),
    // A Slack thread is named by its parent's ts: the thread grows from that message.
    threadRoot: (thread) => find(thread.channel, thread.thread)?.ts,
    // A permalink: https://<workspace>/archives/<channel>/p<ts without its dot>.
    opens: (url) => {
      const [, channel, digits] = /^https:\/\/[^/]+\/archives\/([A-Z0-9]+)\/p(\d{7,})$/.exec(url) ?? [];
      if (channel === undefined || digits === undefined) return undefined;
      const m = find(channel, `${digits.slice(0, -6)}.${digits.slice(-6)}`);
      return m ? { channel: m.channel, id: m.ts } : undefined;
    },
    click: async (user, ref, label) => {
      const m = message(ref);
      const button = buttonsOf(m).find((b) => b.text === label);
      if (!button) throw new Error(`no button ${label}`);
      await slack.sendBlockAction({
        user_id: user,
        channel_id: ref.channel,
        message_ts: ref.id,
        ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
        action_id: button.action_id,
        value: button.value,
      });
    },
    submitLastModal: async (user, values) => {
      const opened = slack.views.at(-1);
      if (!opened) throw new Error("no modal");
      const state: Record<string, Record<string, { type: string; value: string }>> = {};
      for (const [id, value] of Object.entries(values))
        state[id] = { value: { type: "plain_text_input", value } };
      await slack.sendViewSubmission({
        user_id: user,
        view: {
          callback_id: opened.view.callback_id,
          private_metadata: opened.view.private_metadata,
          state: { values: state },
        },
      });
    },
    sendCommand: async (user, channel, text) => {
      await slack.sendSlashCommand({ user_id: user, channel_id: channel.channel, text });
    },
    sendThreadMessage: async (user, thread, text, options = {}) => {
      const mentioned = { bot: slack.botUserId, other: otherUser, none: undefined }[
        options.mention ?? "none"
      ];
      const typed: SlackTypedText = mentioned ? [slackEntity.user(mentioned), ` ${text}`] : text;
      const event = {
        type: "message",
        channel: thread.channel,
        channel_type: "channel",
        user,
        text: typed,
        ts: slack.nextTs(),
        thread_ts: thread.thread,
        team: slack.teamId,
      };
      const id = eventId();
      await slack.sendEvent(event, { event_id: id });
      // Subscribed to both, the app gets a mention of itself twice: as `message` and `app_mention`.
      if (options.mention === "bot")
        await slack.sendEvent({ ...event, type: "app_mention" }, { event_id: eventId() });
      return {
        redeliver: async () => {
          await slack.sendEvent(event, { event_id: id, retryAttempt: 1, retryReason: "timeout" });
        },
      };
    },
    // Slack sends the app a `message` event for its own posts too (with its bot_id).
    echoOwn: async (thread, ref) => {
      const m = message(ref);
      await slack.sendEvent(
        {
          type: "message",
          channel: m.channel,
          channel_type: "channel",
          user: m.user,
          ...(m.bot_id ? { bot_id: m.bot_id } : {}),
          text: m.text,
          ts: m.ts,
          thread_ts: thread.thread,
          team: slack.teamId,
        },
        { event_id: eventId() },
      );
    },
    postAsUser: async (user, channel, text) => {
      const ts = slack.nextTs();
      // FakeSlack has no method for a person's post: it goes into the messages it shows.
      slack.messages.push({ channel: channel.channel, ts, text, user, edits: 0 });
      await slack.sendEvent(
        {
          type: "message",
          channel: channel.channel,
          channel_type: "channel",
          user,
          text,
          ts,
          team: slack.teamId,
        },
        { event_id: eventId() },
      );
      return ts;
    },
    exhaustBudget: async (thread, ref) => {
      // chat.update is Tier 3 (50 a minute); chat.postMessage about 1 a second per channel.
      await spendUntilDeferred(
        (n) => adapter.edit(ref, line(`spending ${n}`), { interim: true }),
        50,
        "interim edits",
      );
      await spendUntilDeferred(
        (n) => adapter.post(thread, line(`spending ${n}`), { interim: true }),
        3,
        "interim posts",
      );
      // One edit that must go out takes the budget a whole token below what an interim one needs,
      // so it is not back by the time the contract asks.
      await adapter.edit(ref, line("spent"));
    },
    waitFor: (probe, what) => slack.waitFor(probe, { what }),
    stop: async () => {
      await adapter.stop();
      await slack.stop();
    },
  };
}

/**
 * The bot scopes the app asks for: `oauth_config.scopes.bot` of manifest.yml, the file an admin
 * creates the app from (a list of `- scope` lines, each maybe with a comment).
 */
function manifestBotScopes(): string[] {
  const lines = readFileSync(new URL("../../../manifest.yml", import.meta.url), "utf8").split("\n");
  const start = lines.findIndex((l) => /^\s+bot:\s*$/.test(l));
  const scopes: string[] = [];
  for (const l of lines.slice(start + 1)) {
    const scope = /^\s+-\s+([a-z:._]+)\s*(?:#.*)?$/.exec(l)?.[1];
    if (scope === undefined) break;
    scopes.push(scope);
  }
  if (start < 0 || scopes.length === 0) throw new Error("manifest.yml: no oauth_config.scopes.bot list");
  return scopes;
}

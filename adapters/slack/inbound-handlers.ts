import type { App } from "@slack/bolt";
import type { AllMessageEvents, AppMentionEvent } from "@slack/types";
import { Actions } from "../../src/core/actions.js";
import { errorText } from "../../src/core/errors.js";
import type { Logger } from "../../src/core/log.js";
import type { InboundHandler, Notice } from "../../src/core/ports/chat.js";
import type { ThreadRef, UserRef } from "../../src/core/vocabulary/refs.js";
import { agentSessionStopped } from "./agent-surface.js";
import { stripMention } from "./decode.js";
import {
  blockAction,
  messageEvent,
  modalValues,
  slackThread,
  slashCommand,
  threadParent,
  viewSubmission,
} from "./inbound.js";
import { actionOf, renderNotice, type SlackMessage } from "./render.js";

/** Replaces a clicked card through the click's response_url. */
export type ClickReplacement = (rendered: SlackMessage) => Promise<void>;

/** What the inbound handlers need from the adapter. */
export interface SlackInboundDeps {
  log: Logger;
  /** The slash command this bridge answers, e.g. `/copilot`. */
  command: string;
  /** The bot's user id, from auth.test. */
  botUserId: string;
  /** The workspace the bot is installed in, from auth.test: for events that name none. */
  teamId: string;
  /** What a person typed, from the escaped text with entities Slack delivered. */
  decode(text: string): Promise<string>;
  /** An ephemeral notice to one person in a thread. */
  notify(thread: ThreadRef, user: UserRef, notice: Notice): Promise<void>;
  /** Clicks being handled, by `channel:ts` of the clicked message: the adapter's edit uses them. */
  clicks: Map<string, ClickReplacement>;
}

/**
 * Registers what Slack delivers on `app`: the slash command, messages and mentions in threads,
 * Slack's Stop on the agent session, block actions (buttons) and view submissions (modals).
 */
export function registerInbound(app: App, handler: InboundHandler, deps: SlackInboundDeps): void {
  const { log, botUserId, teamId } = deps;
  app.command(deps.command, async ({ command, ack, respond }) => {
    await ack();
    const parsed = slashCommand.safeParse(command);
    if (!parsed.success) {
      log.warn("malformed slash command ignored");
      return;
    }
    const c = parsed.data;
    await handler.handle({
      type: "command",
      id: `slack:cmd:${c.trigger_id}`,
      user: { platform: "slack", id: c.user_id },
      channel: { platform: "slack", channel: c.channel_id, workspace: c.team_id },
      text: await deps.decode(c.text),
      reply: async (notice) => {
        await respond({ response_type: "ephemeral", text: renderNotice(notice) });
      },
    });
  });

  const onMessage = async ({ event }: { event: AllMessageEvents | AppMentionEvent }) => {
    const parsed = messageEvent.safeParse(event);
    if (!parsed.success) return;
    const e = parsed.data;
    if (e.subtype || e.bot_id || !e.user || e.user === botUserId) return;
    if (!e.thread_ts || e.thread_ts === e.ts) return; // only replies inside threads
    const { text, mentioned } = stripMention(e.text ?? "", botUserId);
    // A reply names who posted its thread's first message: the bot, for a session's thread.
    const parent = threadParent.safeParse(event);
    await handler.handle({
      type: "message",
      id: `slack:msg:${e.channel}:${e.ts}`,
      user: { platform: "slack", id: e.user },
      thread: slackThread(e.team ?? teamId, e.channel, e.thread_ts),
      text: await deps.decode(text),
      mentionsBot: mentioned,
      botThread: parent.success && parent.data.parent_user_id === botUserId,
    });
  };
  app.event("message", onMessage);
  app.event("app_mention", onMessage);
  // Slack's own Stop button on the thread's agent session: the same as the header's Stop.
  app.event("agent_session_stopped", async ({ event, body }) => {
    const stopped = agentSessionStopped.safeParse(event);
    if (!stopped.success) {
      log.warn("malformed agent_session_stopped ignored");
      return;
    }
    const { channel, thread_ts, user } = stopped.data;
    const team = typeof body.team_id === "string" ? body.team_id : teamId;
    const thread = slackThread(team, channel, thread_ts);
    const who: UserRef = { platform: "slack", id: user };
    await handler.handle({
      type: "action",
      id: `slack:stop:${channel}:${thread_ts}:${stopped.data.event_ts}`,
      user: who,
      thread,
      action: Actions.stop,
      payload: "turn",
      message: undefined,
      trigger: undefined,
      reply: (notice) => deps.notify(thread, who, notice),
    });
  });

  app.action(/.*/, async ({ ack, body, respond }) => {
    await ack();
    const parsed = blockAction.safeParse(body);
    if (!parsed.success) {
      log.warn("malformed block action ignored");
      return;
    }
    const b = parsed.data;
    const action = b.actions[0];
    if (!action) return;
    const channel = b.channel?.id ?? b.container?.channel_id;
    const messageTs = b.container?.message_ts ?? b.message?.ts;
    const threadTs = b.container?.thread_ts ?? b.message?.thread_ts ?? messageTs;
    const team = b.team?.id ?? b.user.team_id ?? teamId;
    const thread = channel && threadTs ? slackThread(team, channel, threadTs) : undefined;
    const user: UserRef = { platform: "slack", id: b.user.id };
    // While the click is handled, the clicked card's next edit goes through the click's
    // response_url: no chat.update (a rate-limited call) for the card the click decides.
    const clicked = channel && messageTs ? `${channel}:${messageTs}` : undefined;
    const replace: ClickReplacement = async (rendered) => {
      await respond({ replace_original: true, ...rendered });
    };
    if (clicked) deps.clicks.set(clicked, replace);
    try {
      await handler.handle({
        type: "action",
        id: `slack:act:${b.user.id}:${action.action_id}:${action.action_ts ?? b.trigger_id ?? ""}`,
        user,
        thread,
        action: actionOf(action.action_id),
        payload: action.value ?? "",
        message: channel && messageTs ? { channel, id: messageTs } : undefined,
        trigger: b.trigger_id ? { platform: "slack", token: b.trigger_id } : undefined,
        reply: async (notice) => {
          if (thread) await deps.notify(thread, user, notice);
        },
      });
    } finally {
      if (clicked && deps.clicks.get(clicked) === replace) deps.clicks.delete(clicked);
    }
  });

  app.view(/.*/, async ({ ack, body }) => {
    const parsed = viewSubmission.safeParse(body);
    if (!parsed.success) {
      await ack();
      return;
    }
    const v = parsed.data;
    const result = await handler.submitModal({
      type: "modal",
      id: `slack:view:${v.view.id ?? ""}`,
      user: { platform: "slack", id: v.user.id },
      callback: v.view.callback_id,
      meta: v.view.private_metadata ?? "",
      values: modalValues(v.view),
    });
    if (result) await ack({ response_action: "errors", errors: result.errors });
    else await ack();
  });

  app.error(async (error) => {
    log.error("slack handler failed", { error: errorText(error) });
  });
}

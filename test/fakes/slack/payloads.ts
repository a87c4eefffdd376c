/** Builds the payloads Slack sends to an app, field for field as Slack sends them. */
import { randomBytes } from "node:crypto";
import { toSlackMessage } from "./methods.js";
import type { SlackState } from "./state.js";
import { isSlackTypedText, type SlackTypedText, slackDelivered } from "./typed.js";

export const VERIFICATION_TOKEN = "fake-verification-token";

export interface SlashCommandInput {
  user_id: string;
  channel_id: string;
  /** What the user typed after the command; delivered escaped as Slack does (see typed.ts). */
  text: SlackTypedText;
  command?: string;
  user_name?: string;
  team_id?: string;
  trigger_id?: string;
}

export interface BlockActionInput {
  user_id: string;
  channel_id: string;
  message_ts: string;
  thread_ts?: string;
  action_id: string;
  value: string;
  block_id?: string;
  user_name?: string;
}

export interface ViewSubmissionInput {
  user_id: string;
  view: {
    callback_id: string;
    private_metadata?: string;
    state?: { values: Record<string, Record<string, unknown>> };
  };
}

type Json = Record<string, unknown>;

/** A fresh trigger_id in Slack's shape ("<n>.<n>.<hex>"). */
export function newTrigger(state: SlackState): string {
  return `${Date.now()}.${state.nextSeq()}.${randomBytes(8).toString("hex")}`;
}

function newResponseUrl(
  state: SlackState,
  baseUrl: string,
  target: { channel: string; user: string; messageTs?: string; threadTs?: string },
): string {
  const id = `R${state.nextSeq()}-${randomBytes(4).toString("hex")}`;
  state.responseTargets.set(id, target);
  return `${baseUrl}/response/${id}`;
}

function userObject(state: SlackState, id: string, name?: string): Json {
  const u = state.user(id);
  return { id, username: name ?? u.name, name: name ?? u.name, team_id: state.id.teamId };
}

export function slashCommandPayload(
  state: SlackState,
  baseUrl: string,
  p: SlashCommandInput,
): Record<string, string> {
  const teamId = p.team_id ?? state.id.teamId;
  return {
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    team_domain: state.id.teamDomain,
    channel_id: p.channel_id,
    channel_name: `channel-${p.channel_id.toLowerCase()}`,
    user_id: p.user_id,
    user_name: p.user_name ?? state.user(p.user_id).name,
    command: p.command ?? "/copilot",
    text: slackDelivered(p.text),
    api_app_id: state.id.appId,
    is_enterprise_install: "false",
    response_url: newResponseUrl(state, baseUrl, { channel: p.channel_id, user: p.user_id }),
    trigger_id: p.trigger_id ?? newTrigger(state),
  };
}

/** Events that name a thread without being a message in it (@slack/types events/agent.d.ts). */
const THREAD_EVENTS = new Set(["agent_session_stopped", "agent_session_title_changed"]);

/** `event.text` is what the user typed (a string, or strings and entities): delivered escaped. */
export function eventPayload(state: SlackState, event: Json, eventId: string | undefined): Json {
  const filled: Json = { ...event };
  if (filled.text !== undefined) {
    if (!isSlackTypedText(filled.text)) throw new Error("FakeSlack.sendEvent: text must be typed text");
    filled.text = slackDelivered(filled.text);
  }
  if (filled.event_ts === undefined)
    filled.event_ts = typeof filled.ts === "string" ? filled.ts : state.nextTs();
  // A reply in a thread names who posted the thread's first message, as Slack's message events do
  // (not events about a thread, like agent_session_stopped, that are no message in it).
  const threadTs = typeof filled.thread_ts === "string" ? filled.thread_ts : undefined;
  const aboutThread = typeof filled.type === "string" && THREAD_EVENTS.has(filled.type);
  if (
    !aboutThread &&
    filled.parent_user_id === undefined &&
    threadTs !== undefined &&
    threadTs !== filled.ts
  ) {
    const root = state.findMessage(String(filled.channel), threadTs);
    if (root !== undefined) filled.parent_user_id = root.user;
  }
  return {
    token: VERIFICATION_TOKEN,
    team_id: state.id.teamId,
    api_app_id: state.id.appId,
    event: filled,
    type: "event_callback",
    event_id: eventId ?? `Ev${String(state.nextSeq()).padStart(8, "0")}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: state.id.teamId,
        user_id: state.id.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  };
}

/** Finds the element with this action_id in Block Kit blocks, and the block that holds it. */
function findAction(blocks: unknown, actionId: string): { blockId?: string; element: Json } | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const block of blocks as Json[]) {
    const candidates = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory];
    for (const el of candidates) {
      if (typeof el === "object" && el !== null && (el as Json).action_id === actionId) {
        return {
          ...(typeof block.block_id === "string" ? { blockId: block.block_id } : {}),
          element: el as Json,
        };
      }
    }
  }
  return undefined;
}

export function blockActionPayload(state: SlackState, baseUrl: string, p: BlockActionInput): Json {
  const message = state.findMessage(p.channel_id, p.message_ts);
  const threadTs = p.thread_ts ?? message?.thread_ts;
  const found = findAction(message?.blocks, p.action_id);
  const element = found?.element ?? {};
  const text = element.text ?? { type: "plain_text", text: p.action_id };
  return {
    type: "block_actions",
    user: userObject(state, p.user_id, p.user_name),
    api_app_id: state.id.appId,
    token: VERIFICATION_TOKEN,
    container: {
      type: "message",
      message_ts: p.message_ts,
      channel_id: p.channel_id,
      is_ephemeral: false,
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
    },
    trigger_id: newTrigger(state),
    team: { id: state.id.teamId, domain: state.id.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: p.channel_id, name: `channel-${p.channel_id.toLowerCase()}` },
    ...(message !== undefined ? { message: structuredClone(toSlackMessage(message, state)) } : {}),
    state: { values: {} },
    response_url: newResponseUrl(state, baseUrl, {
      channel: p.channel_id,
      user: p.user_id,
      messageTs: p.message_ts,
      ...(threadTs !== undefined ? { threadTs } : {}),
    }),
    actions: [
      {
        action_id: p.action_id,
        block_id: p.block_id ?? found?.blockId ?? "fake-block",
        text,
        value: p.value,
        type: typeof element.type === "string" ? element.type : "button",
        ...(typeof element.style === "string" ? { style: element.style } : {}),
        action_ts: state.nextTs(),
      },
    ],
  };
}

export function viewSubmissionPayload(state: SlackState, p: ViewSubmissionInput): Json {
  // If the app opened a modal with this callback_id, submit that one (its id, title, blocks).
  const opened = [...state.views].reverse().find((v) => v.view?.callback_id === p.view.callback_id);
  const base: Json = opened && typeof opened.view === "object" ? (structuredClone(opened.view) as Json) : {};
  const id = opened?.id ?? `V${String(state.nextSeq()).padStart(4, "0")}`;
  return {
    type: "view_submission",
    team: { id: state.id.teamId, domain: state.id.teamDomain },
    user: userObject(state, p.user_id),
    api_app_id: state.id.appId,
    token: VERIFICATION_TOKEN,
    trigger_id: newTrigger(state),
    view: {
      type: "modal",
      blocks: [],
      ...base,
      id,
      team_id: state.id.teamId,
      callback_id: p.view.callback_id,
      private_metadata:
        p.view.private_metadata ?? (typeof base.private_metadata === "string" ? base.private_metadata : ""),
      state: p.view.state ?? { values: {} },
      hash: `hash-${id}`,
      app_id: state.id.appId,
      bot_id: state.id.botId,
      root_view_id: id,
      previous_view_id: null,
      external_id: typeof base.external_id === "string" ? base.external_id : "",
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

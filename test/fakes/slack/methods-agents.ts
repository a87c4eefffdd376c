/**
 * Web API: the AI surfaces' thread status, assistant.threads.setStatus and agents.sessions.setStatus.
 *
 * assistant.threads.setStatus (typings: @slack/web-api 8.2.0 dist/types/request/assistant.d.ts;
 * docs.slack.dev/reference/methods/assistant.threads.setStatus; errors as mirrored in slack_kit's
 * assistant.threads.setStatus.json): channel_id, thread_ts and status are required; status "" clears
 * it; loading_messages holds at most 10 messages. Errors `channel_not_found` (bad channel_id),
 * `invalid_thread_ts` (missing or malformed thread_ts); a missing status is `invalid_arguments`.
 * Each call is recorded per thread (FakeSlack.assistantStatuses). Not modelled: the two-minute
 * timeout after which Slack drops a status "if no message has been sent".
 *
 * agents.sessions.setStatus (typings: dist/types/request/agents.d.ts, response
 * AgentsSessionsSetStatusResponse.d.ts; docs.slack.dev/reference/methods/agents.sessions.setStatus
 * and docs.slack.dev/ai/agent-sessions): sets a thread's session to one of active, processing,
 * suspended, closed, creating the session on first use (title ≤ 200 characters and
 * initiator_user_id count only then). The fake has thread-based sessions only, so channel_id and
 * thread_ts are required. An unknown status is `invalid_arguments` (the page lists the values but
 * no error names). The answer carries `status` and, once set, `title` (fields of the response
 * typings). While the app is not subscribed to agent_session_stopped (FakeSlackOptions.botEvents),
 * Slack answers with the `missing_agent_session_stopped_event_subscription` warning
 * (docs.slack.dev/reference/events/agent_session_stopped).
 */
import { fail, type Method, str } from "./methods.js";
import { missingArgument, SESSION_STATUSES, setSessionStatus } from "./methods-streams.js";
import { threadKey } from "./state.js";
import type { AssistantStatus } from "./types.js";

const MAX_LOADING_MESSAGES = 10;
const MAX_SESSION_TITLE = 200;
const TS = /^\d+\.\d+$/;

const assistantSetStatus: Method = (args, { state }) => {
  const channel = str(args.channel_id);
  if (channel === undefined || state.channelProblem(channel)) return fail("channel_not_found");
  const threadTs = str(args.thread_ts);
  if (threadTs === undefined || !TS.test(threadTs)) return fail("invalid_thread_ts");
  if (typeof args.status !== "string") return missingArgument("status");
  const loading = args.loading_messages;
  if (loading !== undefined) {
    if (!Array.isArray(loading) || !loading.every((m) => typeof m === "string")) {
      return fail("invalid_arguments", {
        response_metadata: { messages: ["[ERROR] loading_messages: array of strings"] },
      });
    }
    if (loading.length > MAX_LOADING_MESSAGES) {
      return fail("invalid_arguments", {
        response_metadata: {
          messages: [`[ERROR] loading_messages: at most ${MAX_LOADING_MESSAGES} messages`],
        },
      });
    }
  }
  const entry: AssistantStatus = {
    status: args.status,
    ...(Array.isArray(loading) ? { loading_messages: [...(loading as string[])] } : {}),
    at: Date.now(),
  };
  const key = threadKey(channel, threadTs);
  const timeline = state.assistantStatuses.get(key) ?? [];
  timeline.push(entry);
  state.assistantStatuses.set(key, timeline);
  return { ok: true };
};

const STOP_EVENT = "agent_session_stopped";
const MISSING_STOP_SUBSCRIPTION = "missing_agent_session_stopped_event_subscription";

const agentsSetStatus: Method = (args, { state }) => {
  const status = str(args.status);
  if (status === undefined) return missingArgument("status");
  if (!SESSION_STATUSES.has(status)) {
    return fail("invalid_arguments", {
      response_metadata: { messages: ["[ERROR] status: one of active, processing, suspended, closed"] },
    });
  }
  const channel = str(args.channel_id);
  if (channel === undefined || state.channelProblem(channel)) return fail("channel_not_found");
  const threadTs = str(args.thread_ts);
  if (threadTs === undefined) return missingArgument("thread_ts");
  const title = args.title === undefined || args.title === null ? undefined : args.title;
  if (title !== undefined && (typeof title !== "string" || title.length > MAX_SESSION_TITLE)) {
    return fail("invalid_arguments", {
      response_metadata: { messages: [`[ERROR] title: at most ${MAX_SESSION_TITLE} characters`] },
    });
  }
  const initiator = str(args.initiator_user_id);
  setSessionStatus(state, channel, threadTs, status, "agents.sessions.setStatus", {
    ...(title !== undefined ? { title } : {}),
    ...(initiator !== undefined ? { initiator_user_id: initiator } : {}),
  });
  const session = state.agentSessions.get(threadKey(channel, threadTs));
  const unsubscribed = state.botEvents !== undefined && !state.botEvents.has(STOP_EVENT);
  return {
    ok: true,
    status,
    ...(session?.title !== undefined ? { title: session.title } : {}),
    ...(unsubscribed
      ? { warning: MISSING_STOP_SUBSCRIPTION, response_metadata: { warnings: [MISSING_STOP_SUBSCRIPTION] } }
      : {}),
  };
};

export const agentMethods: Record<string, Method> = {
  "assistant.threads.setStatus": assistantSetStatus,
  "agents.sessions.setStatus": agentsSetStatus,
};

import { z } from "zod";
import { BridgeError, RateDeferred } from "../../src/core/errors.js";
import type { Logger } from "../../src/core/log.js";
import type { SendOptions, ThreadActivity } from "../../src/core/ports/chat.js";
import type { ThreadRef } from "../../src/core/vocabulary/refs.js";
import { escapeText } from "./mrkdwn.js";
import { slackErrorCode } from "./web-api.js";

/**
 * Slack's own surfaces for an agent at work in a thread (docs.slack.dev "Agent sessions",
 * assistant.threads.setStatus and agents.sessions.setStatus; shapes from @slack/web-api's typings):
 * - the status line under the thread ("Copilot is running bash…"), cleared when the turn ends;
 * - the thread's agent session: `processing` while a turn runs (Slack then shows its Stop button,
 *   which delivers `agent_session_stopped`), `suspended` while a card waits, `active` between turns
 *   and `closed` once the session ends.
 * Both are best effort and interim (skipped, never queued, when the rate budget is short). A
 * workspace that refuses one (the app is not declared an agent, a missing scope) turns that one off.
 */

type Call = <T>(
  method: string,
  run: () => Promise<T>,
  options: SendOptions & { channel?: string },
) => Promise<T>;

interface SetStatusClient {
  assistant: {
    threads: { setStatus(args: { channel_id: string; thread_ts: string; status: string }): Promise<unknown> };
  };
  agents: {
    sessions: {
      setStatus(args: {
        channel_id: string;
        thread_ts: string;
        status: string;
        title?: string;
      }): Promise<unknown>;
    };
  };
}

/** Slack's Stop on a thread's agent session (@slack/types events/agent.d.ts AgentSessionStoppedEvent). */
export const agentSessionStopped = z.object({
  type: z.literal("agent_session_stopped"),
  channel: z.string().min(1),
  user: z.string().min(1),
  thread_ts: z.string().regex(/^\d+\.\d+$/),
  streaming_message_ts: z.array(z.string()).optional(),
  event_ts: z.string(),
});

/** Slack errors that say "try again", not "never". */
const transient = new Set([
  "ratelimited",
  "internal_error",
  "fatal_error",
  "request_timeout",
  "service_unavailable",
]);

const sessionStatus: Record<ThreadActivity["state"], string> = {
  working: "processing",
  waiting: "suspended",
  idle: "active",
  ended: "closed",
};

export class SlackAgentSurface {
  private readonly off = new Set<string>();

  constructor(
    private readonly client: SetStatusClient,
    private readonly call: Call,
    private readonly log: Logger,
  ) {}

  show(thread: ThreadRef, activity: ThreadActivity): void {
    const where = { channel_id: thread.channel, thread_ts: thread.thread };
    const text =
      activity.state === "working" || activity.state === "waiting" ? escapeText(activity.text) : "";
    this.send("assistant.threads.setStatus", () =>
      this.client.assistant.threads.setStatus({ ...where, status: text }),
    );
    this.send("agents.sessions.setStatus", () =>
      this.client.agents.sessions.setStatus({ ...where, status: sessionStatus[activity.state] }),
    );
  }

  private send(method: string, run: () => Promise<unknown>): void {
    if (this.off.has(method)) return;
    this.call(method, run, { interim: true }).catch((error: unknown) => {
      if (error instanceof RateDeferred) return; // short of budget: the next change says it
      const code = slackErrorCode(error instanceof BridgeError ? error.cause : error);
      // Slack's own refusals last; the client's (network, 5xx, rate limits: `slack_webapi_…`) and
      // Slack's transient ones do not.
      if (code && !code.startsWith("slack_") && !transient.has(code)) {
        this.off.add(method);
        this.log.warn("Slack refused an agent surface; it stays off", { method, error: code });
      }
    });
  }
}

/**
 * A real @slack/bolt App wired to drive the fake Slack, shared by its tests: listeners that answer
 * through Bolt's own client, say(), respond() and ack(), and what they saw.
 */
import { type App, LogLevel, type types } from "@slack/bolt";
import type { FakeSlack } from "./slack/index.js";

export const CHANNEL = "C0001";
export const USER = "U0001";
export const button = (actionId: string, value: string) => ({
  type: "actions",
  block_id: "card",
  elements: [{ type: "button", action_id: actionId, value, text: { type: "plain_text", text: "Approve" } }],
});
const modal: types.ModalView = {
  type: "modal",
  callback_id: "settings",
  title: { type: "plain_text", text: "Settings" },
  submit: { type: "plain_text", text: "Save" },
  blocks: [
    {
      type: "input",
      block_id: "model",
      label: { type: "plain_text", text: "Model" },
      element: { type: "plain_text_input", action_id: "v" },
    },
  ],
};

/** What the Bolt listeners saw, so tests can assert on the app side too. */
export interface Seen {
  // biome-ignore lint/suspicious/noExplicitAny: raw Slack payload bodies as Bolt hands them over
  bodies: any[];
  retryNums: (number | undefined)[];
}

/** Registers listeners that drive the fake through Bolt's own client, say(), respond() and ack(). */
export function wire(app: App, seen: Seen): void {
  app.command("/copilot", async ({ ack, command, client }) => {
    seen.bodies.push(command);
    if (command.text === "eph") {
      await ack();
      await client.chat.postEphemeral({
        channel: command.channel_id,
        user: command.user_id,
        text: "only you",
      });
    } else if (command.text === "modal") {
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: modal });
    } else {
      await ack({ text: `working on ${command.text}` });
      const posted = await client.chat.postMessage({ channel: command.channel_id, text: "thinking…" });
      await client.chat.update({ channel: command.channel_id, ts: posted.ts as string, text: "done" });
    }
  });
  app.action("approve", async ({ ack, body, respond }) => {
    await ack();
    seen.bodies.push(body);
    await respond({ replace_original: true, text: "Approved" });
  });
  app.view("settings", async ({ ack, view }) => {
    const value = (view.state.values.model?.v as { value?: string } | undefined)?.value ?? "";
    seen.bodies.push(view);
    await (value === "" ? ack({ response_action: "errors", errors: { model: "Required" } }) : ack());
  });
  app.event("app_mention", async ({ event, say, context }) => {
    seen.bodies.push(event);
    seen.retryNums.push(context.retryNum);
    await say({ text: `hi <@${event.user}>`, thread_ts: event.ts });
  });
}

/** Points a Web API client at the fake, without retries (a test that wants them says so). */
export const clientOptions = (fake: FakeSlack) => ({
  slackApiUrl: fake.apiUrl,
  retryConfig: { retries: 0 },
  logLevel: LogLevel.ERROR,
});
const noop = (): void => undefined;
/** For the clients whose errors are the point of the test (dropped sockets, faults). */
export const silent = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  setLevel: noop,
  getLevel: () => LogLevel.ERROR,
  setName: noop,
};

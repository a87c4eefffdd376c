import assert from "node:assert/strict";
import { test } from "node:test";
import { webApi } from "@slack/bolt";
import { renderMessage, type renderModal } from "../../adapters/slack/render.js";
import { rateLimitedCall, slackErrorCode } from "../../adapters/slack/web-api.js";

/*
 * Slack payloads are typed with Slack's own types, so a malformed block or view does not compile.
 * Each `@ts-expect-error` below marks one mistake in an otherwise well-formed payload, typed as the
 * renderers' return types; should the typing loosen (a cast, `Record<string, unknown>` blocks, the
 * Web API's catch-all `Block`), the line compiles, the directive is unused, and `tsc` fails.
 */

type RenderedMessage = ReturnType<typeof renderMessage>;
type RenderedModal = ReturnType<typeof renderModal>;

// Exported only so they count as used: they exist for the compiler.
export const malformedMessages: RenderedMessage[] = [
  {
    text: "a button without its text",
    blocks: [
      {
        type: "actions",
        // @ts-expect-error a button needs `text`
        elements: [{ type: "button", action_id: "perm.once", value: "req-1" }],
      },
    ],
  },
  {
    text: "a button in a colour Slack does not have",
    blocks: [
      {
        type: "actions",
        // @ts-expect-error `style` is `primary` or `danger`
        elements: [{ type: "button", text: { type: "plain_text", text: "Go" }, style: "green" }],
      },
    ],
  },
  {
    text: "a section whose mrkdwn text is not a string",
    // @ts-expect-error a text object's `text` is a string
    blocks: [{ type: "section", text: { type: "mrkdwn", text: 42 } }],
  },
  {
    text: "a block type Slack does not know",
    // @ts-expect-error `sectoin` is no block
    blocks: [{ type: "sectoin", text: { type: "mrkdwn", text: "hi" } }],
  },
  {
    text: "a context element that is no text or image",
    // @ts-expect-error context elements are text objects or images
    blocks: [{ type: "context", elements: [{ type: "markdown", text: "small print" }] }],
  },
];

export const malformedModals: RenderedModal[] = [
  // @ts-expect-error a modal needs its `title`
  { type: "modal", callback_id: "perm.deny", blocks: [] },
  {
    type: "modal",
    title: { type: "plain_text", text: "Deny" },
    // @ts-expect-error a modal's blocks are known blocks, not any `{ type: string }` (as `ModalView` allows)
    blocks: [{ type: "whatever" }],
  },
  {
    type: "modal",
    title: { type: "plain_text", text: "Deny" },
    blocks: [
      {
        type: "input",
        label: { type: "plain_text", text: "Reason" },
        // @ts-expect-error `multiline` is a boolean
        element: { type: "plain_text_input", action_id: "value", multiline: "yes" },
      },
    ],
  },
  {
    type: "modal",
    title: { type: "plain_text", text: "Pick" },
    blocks: [
      {
        type: "input",
        label: { type: "plain_text", text: "Model" },
        // @ts-expect-error a select's options are plain text, never mrkdwn
        element: { type: "static_select", options: [{ text: { type: "mrkdwn", text: "*a*" }, value: "a" }] },
      },
    ],
  },
];

test("a rendered card is exactly a message the type accepts", () => {
  const expected: RenderedMessage = {
    text: "Allow `ls`?",
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: "*Allow* this command?" } },
      { type: "section", text: { type: "mrkdwn", text: "> Reason: ls", verbatim: true } },
      { type: "context", elements: [{ type: "mrkdwn", text: "Asked by <@U123>" }] },
      {
        type: "actions",
        elements: [
          {
            type: "button",
            action_id: "perm.once",
            text: { type: "plain_text", text: "Approve", emoji: true },
            value: "req-1",
            style: "primary",
          },
          {
            type: "button",
            action_id: "perm.deny",
            text: { type: "plain_text", text: "Deny", emoji: true },
            value: "req-1",
            style: "danger",
          },
        ],
      },
    ],
  };
  const rendered: RenderedMessage = renderMessage({
    summary: "Allow `ls`?",
    blocks: [
      { type: "line", inline: [{ bold: "Allow" }, " this command?"] },
      { type: "quote", label: "Reason: ", text: "ls" },
      { type: "context", inline: ["Asked by ", { user: { platform: "slack", id: "U123" } }] },
      {
        type: "buttons",
        buttons: [
          { action: "perm.once", label: "Approve", payload: "req-1", style: "primary" },
          { action: "perm.deny", label: "Deny", payload: "req-1", style: "danger" },
        ],
      },
    ],
  });
  assert.deepEqual(rendered, expected);
});

test("what the Web API client hands over untyped is read through guards", () => {
  const body = { channel: "C1", text: "hi" };
  assert.deepEqual(rateLimitedCall(3, { url: "https://slack.com/api/chat.postMessage", body }), {
    seconds: 3,
    method: "chat.postMessage",
    channel: "C1",
  });
  assert.deepEqual(rateLimitedCall(1, { url: "https://slack.com/api/users.info", body: { user: "U1" } }), {
    seconds: 1,
    method: "users.info",
    channel: undefined,
  });
  assert.equal(rateLimitedCall("3", { url: "x" }), undefined);

  const refused = new webApi.WebAPIPlatformError({ ok: false, error: "channel_not_found" });
  assert.equal(slackErrorCode(refused), "channel_not_found");
  assert.equal(slackErrorCode(new webApi.WebAPIRateLimitedError(5)), "slack_webapi_rate_limited_error");
  assert.equal(slackErrorCode(new Error("boom")), undefined);
  assert.equal(slackErrorCode(undefined), undefined);
});

import type {
  BlockAction,
  ButtonAction,
  SlashCommand,
  ViewOutput,
  ViewStateSelectedOption,
  ViewStateValue,
  ViewSubmitAction,
} from "@slack/bolt";
import type { AppMentionEvent, GenericMessageEvent } from "@slack/types";
import { z } from "zod";
import type { ThreadRef } from "../../src/core/vocabulary/refs.js";

/*
 * What Slack delivers, as far as the bridge reads it. Bolt types its payloads but hands them on
 * unchecked, so each is parsed here with zod (one that does not parse is dropped).
 * Each schema is typed with the fields it reads from Bolt's own payload types, so a field Bolt
 * renames or retypes fails to compile; where the schema departs from Bolt's type, a comment says
 * what that type gets wrong. Optional fields are `exactOptional`: a payload decoded from JSON or a
 * form leaves a field out, it never sets it to `undefined`.
 */

/** The fields of a slash command the bridge reads. */
export type CommandFields = Pick<SlashCommand, "team_id" | "channel_id" | "user_id" | "text" | "trigger_id">;

export const slashCommand: z.ZodType<CommandFields> = z.object({
  team_id: z.string().min(1),
  channel_id: z.string().min(1),
  user_id: z.string().min(1),
  text: z.string(),
  trigger_id: z.string().min(1),
});

/**
 * The fields of a `message` or `app_mention` event the bridge reads. Bolt's `message` payload is the
 * union of every subtype, each typed with its own `subtype` literal; the bridge drops every subtype
 * alike, so any string is accepted (as `AppMentionEvent` types it). `text` is optional on a message.
 */
export type MessageFields = Pick<
  AppMentionEvent,
  "subtype" | "bot_id" | "user" | "ts" | "thread_ts" | "channel" | "team"
> &
  Pick<GenericMessageEvent, "text"> & { type: GenericMessageEvent["type"] | AppMentionEvent["type"] };

export const messageEvent: z.ZodType<MessageFields> = z.object({
  type: z.enum(["message", "app_mention"]),
  subtype: z.string().exactOptional(),
  bot_id: z.string().exactOptional(),
  user: z.string().min(1).exactOptional(),
  text: z.string().exactOptional(),
  ts: z.string().min(1),
  thread_ts: z.string().exactOptional(),
  channel: z.string().min(1),
  team: z.string().exactOptional(),
});

/**
 * Who posted the first message of a reply's thread. Slack sends it on replies of both event types;
 * Bolt's `AppMentionEvent` lacks the field, so it is typed from `GenericMessageEvent`.
 */
export const threadParent: z.ZodType<Required<Pick<GenericMessageEvent, "parent_user_id">>> = z.object({
  parent_user_id: z.string(),
});

/** Where a block action's message is, as its `container` says (Bolt types `container` as any object). */
interface ActionContainer {
  message_ts?: string;
  thread_ts?: string;
  channel_id?: string;
}

/**
 * The fields of a block action the bridge reads; its messages hold only buttons. Where Bolt's
 * `BlockAction` says less than Slack sends: `container` is any object (these are the fields of a
 * message's container), and `message` lists `ts` only (a reply's message also has `thread_ts`).
 * Bolt marks `team`, `trigger_id` and an action's `action_ts` required; they are read as optional,
 * so an action without them is still handled.
 */
export interface ActionFields {
  type: BlockAction["type"];
  team?: Pick<NonNullable<BlockAction["team"]>, "id"> | null;
  user: Pick<BlockAction["user"], "id" | "team_id">;
  trigger_id?: BlockAction["trigger_id"];
  channel?: Pick<NonNullable<BlockAction["channel"]>, "id">;
  container?: ActionContainer;
  message?: Pick<NonNullable<BlockAction["message"]>, "ts"> & Pick<ActionContainer, "thread_ts">;
  actions: (Pick<ButtonAction, "action_id" | "value"> & Partial<Pick<ButtonAction, "action_ts">>)[];
}

export const blockAction: z.ZodType<ActionFields> = z.object({
  type: z.literal("block_actions"),
  team: z.object({ id: z.string() }).nullable().exactOptional(),
  user: z.object({ id: z.string().min(1), team_id: z.string().exactOptional() }),
  trigger_id: z.string().exactOptional(),
  channel: z.object({ id: z.string().min(1) }).exactOptional(),
  container: z
    .object({
      message_ts: z.string().exactOptional(),
      thread_ts: z.string().exactOptional(),
      channel_id: z.string().exactOptional(),
    })
    .exactOptional(),
  message: z.object({ ts: z.string(), thread_ts: z.string().exactOptional() }).exactOptional(),
  actions: z
    .array(
      z.object({
        action_id: z.string().min(1),
        value: z.string().exactOptional(),
        action_ts: z.string().exactOptional(),
      }),
    )
    .min(1),
});

/** One input's state in a submitted view: a text input's `value` or a select's option. */
type FieldState = Pick<ViewStateValue, "value"> & {
  selected_option?: Pick<ViewStateSelectedOption, "value"> | null;
};

/**
 * The fields of a view submission the bridge reads. Bolt marks the view's id, metadata and state
 * required; they are read as optional, so a submission without them is still handled.
 */
export interface SubmissionFields {
  user: Pick<ViewSubmitAction["user"], "id">;
  view: Pick<ViewOutput, "callback_id"> &
    Partial<Pick<ViewOutput, "id" | "private_metadata">> & {
      state?: { values: Record<string, Record<string, FieldState>> };
    };
}

export const viewSubmission: z.ZodType<SubmissionFields> = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    id: z.string().exactOptional(),
    callback_id: z.string(),
    private_metadata: z.string().exactOptional(),
    state: z
      .object({
        values: z.record(
          z.string(),
          z.record(
            z.string(),
            z.object({
              value: z.string().nullable().exactOptional(),
              selected_option: z.object({ value: z.string() }).nullable().exactOptional(),
            }),
          ),
        ),
      })
      .exactOptional(),
  }),
});

export function slackThread(team: string, channel: string, threadTs: string): ThreadRef {
  return {
    platform: "slack",
    key: `slack:${team}:${channel}:${threadTs}`,
    channel,
    thread: threadTs,
    workspace: team,
  };
}

/** Field values of a submitted modal, by block id (each input block has one `value` element). */
export function modalValues(view: SubmissionFields["view"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [blockId, elements] of Object.entries(view.state?.values ?? {})) {
    const value = elements.value?.value ?? elements.value?.selected_option?.value;
    if (typeof value === "string") out[blockId] = value;
  }
  return out;
}

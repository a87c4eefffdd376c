import { z } from "zod";
import type { ThreadRef } from "../../src/core/vocabulary/refs.js";

/** zod shapes for what Slack delivers; anything that does not parse is dropped with a log line. */

export const slashCommand = z.object({
  team_id: z.string().min(1),
  channel_id: z.string().min(1),
  user_id: z.string().min(1),
  text: z.string(),
  trigger_id: z.string().min(1),
});

export const messageEvent = z.object({
  type: z.enum(["message", "app_mention"]),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  user: z.string().min(1).optional(),
  text: z.string().optional(),
  ts: z.string().min(1),
  thread_ts: z.string().optional(),
  channel: z.string().min(1),
  team: z.string().optional(),
});

export const blockAction = z.object({
  type: z.literal("block_actions"),
  team: z.object({ id: z.string() }).nullable().optional(),
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
  trigger_id: z.string().optional(),
  channel: z.object({ id: z.string().min(1) }).optional(),
  container: z
    .object({
      message_ts: z.string().optional(),
      thread_ts: z.string().optional(),
      channel_id: z.string().optional(),
    })
    .optional(),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  actions: z
    .array(
      z.object({
        action_id: z.string().min(1),
        value: z.string().optional(),
        action_ts: z.string().optional(),
      }),
    )
    .min(1),
});

export const viewSubmission = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    id: z.string().optional(),
    callback_id: z.string(),
    private_metadata: z.string().optional(),
    state: z
      .object({
        values: z.record(
          z.string(),
          z.record(
            z.string(),
            z.object({
              value: z.string().nullable().optional(),
              selected_option: z.object({ value: z.string() }).nullable().optional(),
            }),
          ),
        ),
      })
      .optional(),
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
export function modalValues(view: z.infer<typeof viewSubmission>["view"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [blockId, elements] of Object.entries(view.state?.values ?? {})) {
    const value = elements.value?.value ?? elements.value?.selected_option?.value;
    if (typeof value === "string") out[blockId] = value;
  }
  return out;
}

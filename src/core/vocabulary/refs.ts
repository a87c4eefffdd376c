import { z } from "zod";

/**
 * Who and where: the references every layer passes around and the store persists. A platform is a
 * plug-in's name (`slack`, `discord`, …): the core knows none of them.
 */

export const platform = z
  .string()
  .regex(/^[a-z][a-z0-9]*$/, "a platform name is lower-case letters and digits");
export type Platform = z.output<typeof platform>;

/** A person, as persisted: their platform and id there. */
export const userRef = z.object({ platform, id: z.string().min(1) });
export type UserRef = z.output<typeof userRef> & {
  /** Platform roles the person has in this place (Discord), when the event tells. Never persisted. */
  roles?: readonly string[];
};

/** Where a conversation happens: a Slack thread or a Discord thread. */
export const threadRef = z.object({
  platform,
  /** `slack:<team>:<channel>:<thread_ts>` or `discord:<guild>:<thread_id>` */
  key: z.string().min(1),
  /** Slack channel id, or Discord thread channel id. */
  channel: z.string().min(1),
  /** Slack `thread_ts`; for Discord the thread id again. */
  thread: z.string().min(1),
  /** Slack team id or Discord guild id. */
  workspace: z.string(),
});
export type ThreadRef = z.output<typeof threadRef>;

/** A channel a command came from (a new thread will be opened there). */
export const channelRef = z.object({
  platform,
  channel: z.string().min(1),
  workspace: z.string(),
  /** The message the thread should grow from (a Discord mention); otherwise from the bridge's header. */
  anchor: z.string().optional(),
});
export type ChannelRef = z.output<typeof channelRef>;

/** A posted message that can be edited later. */
export const messageRef = z.object({ channel: z.string().min(1), id: z.string().min(1) });
export type MessageRef = z.output<typeof messageRef>;

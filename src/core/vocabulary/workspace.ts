import { z } from "zod";
import { platform, userRef } from "./refs.js";

/** A session's working place, as persisted with its thread. */
export const workspaceInfo = z.object({
  /** The repository's name in BRIDGE_REPOS, or empty for BRIDGE_WORKDIR. */
  repo: z.string(),
  /** The directory the session works in (its worktree, or a plain directory). */
  path: z.string().min(1),
  /** False for a directory that is not a git repository: no branch, no diff, no pull request. */
  git: z.boolean(),
  /** The ref the branch was made from (e.g. `main`), and the commit it pointed to. */
  base: z.string().optional(),
  baseCommit: z.string().optional(),
  /** The session's branch, `copilot/<slug>-<short id>`. */
  branch: z.string().optional(),
  /** The pull request opened for the branch, once there is one. */
  pullRequest: z.object({ number: z.number().int().positive(), url: z.string() }).optional(),
});
export type WorkspaceInfo = z.output<typeof workspaceInfo>;

/** What an admin set for a channel (`/copilot repo <name>`). */
export const channelSettings = z.object({
  platform,
  channel: z.string().min(1),
  /** The repository new sessions in this channel use unless the command names another. */
  repo: z.string().optional(),
  by: userRef,
  at: z.number(),
});
export type ChannelSettings = z.output<typeof channelSettings>;

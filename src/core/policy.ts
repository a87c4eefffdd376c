import type { UserRef } from "./types.js";

/** When a message in a session's thread is sent to the agent. */
export type ReplyMode = "owner-or-mention" | "mention" | "any";

/**
 * Who may do what, in one place:
 *
 * | action                         | owner | approver | anyone else        |
 * |--------------------------------|-------|----------|--------------------|
 * | start a session                | –     | –        | yes (becomes owner)|
 * | decide a permission card       | yes   | yes      | no (ephemeral note)|
 * (approvers: BRIDGE_APPROVERS users, and members of its `discord-role:` roles)
 * | continue the session (message) | yes   | yes      | only mentioning the bot (default mode) |
 */
export class AccessPolicy {
  private readonly approvers: ReadonlySet<string>;
  private readonly approverRoles: ReadonlySet<string>;

  /** `approverRoles` are platform roles (`discord:<role id>`) whose members may decide too. */
  constructor(
    approvers: readonly UserRef[],
    readonly replyMode: ReplyMode,
    approverRoles: readonly UserRef[] = [],
  ) {
    this.approvers = new Set(approvers.map(userKey));
    this.approverRoles = new Set(approverRoles.map(userKey));
  }

  isApprover(user: UserRef): boolean {
    if (this.approvers.has(userKey(user))) return true;
    return (user.roles ?? []).some((role) => this.approverRoles.has(`${user.platform}:${role}`));
  }

  canDecide(user: UserRef, owner: UserRef): boolean {
    return sameUser(user, owner) || this.isApprover(user);
  }

  /** Whether a thread message goes to the agent. */
  forwards(user: UserRef, owner: UserRef, mentionsBot: boolean): boolean {
    switch (this.replyMode) {
      case "any":
        return true;
      case "mention":
        return mentionsBot;
      case "owner-or-mention":
        return mentionsBot || this.canDecide(user, owner);
    }
  }
}

export function userKey(user: UserRef): string {
  return `${user.platform}:${user.id}`;
}

export function sameUser(a: UserRef, b: UserRef): boolean {
  return a.platform === b.platform && a.id === b.id;
}

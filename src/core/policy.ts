import type { ChannelRef, UserRef } from "./vocabulary/refs.js";

/** When a message in a session's thread is sent to the agent. */
export type ReplyMode = "owner-or-mention" | "mention" | "any";

/** Who may use a feature: admins only, everyone allowed to use the bridge, or no one. */
export type Reach = "admins" | "everyone" | "off";

export interface AccessRules {
  /** People who may decide on any session (BRIDGE_APPROVERS). */
  approvers?: readonly UserRef[];
  /** Roles (`discord:<role id>`) whose members are approvers. */
  approverRoles?: readonly UserRef[];
  /** Approvers everywhere, who may also attach sessions and change channel settings (BRIDGE_ADMINS). */
  admins?: readonly UserRef[];
  adminRoles?: readonly UserRef[];
  replyMode?: ReplyMode;
  /** `/copilot cloud` spends the bridge's GitHub identity: admins only unless told otherwise. */
  cloud?: Reach;
  /** `/copilot attach` takes over a session of the shared runtime: admins only unless told otherwise. */
  attach?: Reach;
  /** When set, commands are accepted only in these channels (`slack:C123`, `discord:456`). */
  allowedChannels?: readonly string[];
  /** When set, only these people (and members of these roles) may run commands; admins always may. */
  allowedUsers?: readonly UserRef[];
  allowedUserRoles?: readonly UserRef[];
}

/** A command a person runs; `check` says whether they may (deciding and controls: `canDecide`). */
export type Act = { kind: "start" } | { kind: "cloud" } | { kind: "attach" } | { kind: "channel-settings" };

export type Verdict = { allowed: true } | { allowed: false; reason: string };

/**
 * Who may do what, in one place (the README's table says the same):
 *
 * | action                                      | owner | approver | admin | anyone else            |
 * |---------------------------------------------|-------|----------|-------|------------------------|
 * | start a session (`/copilot …`, a mention)   | –     | –        | –     | yes, becomes its owner |
 * | decide a card (permission, question, plan,  | yes   | yes      | yes   | no: a private notice   |
 * |   form, its modal)                          |       |          |       |                        |
 * | stop, mode, remote on/off, end (words and   | yes   | yes      | yes   | no: a private notice   |
 * |   the header's buttons)                     |       |          |       |                        |
 * | continue the session (a thread message)     | yes   | yes      | yes   | only mentioning the bot|
 * | status, help, sessions                      | yes   | yes      | yes   | yes                    |
 * | attach a terminal session (BRIDGE_ATTACH)   | –     | –        | yes   | no (default `admins`)  |
 * | cloud session (BRIDGE_CLOUD)                | –     | –        | yes   | no (default `admins`)  |
 * | change a channel's settings                 | –     | –        | yes   | no                     |
 * | read the audit log (`/copilot audit`)       | –     | –        | yes   | no                     |
 *
 * On top of that, BRIDGE_ALLOWED_CHANNELS and BRIDGE_ALLOWED_USERS (when set) refuse every command
 * from elsewhere or from anyone else (admins excepted), with the reason.
 */
export class AccessPolicy {
  readonly replyMode: ReplyMode;
  private readonly approvers: ReadonlySet<string>;
  private readonly approverRoles: ReadonlySet<string>;
  private readonly admins: ReadonlySet<string>;
  private readonly adminRoles: ReadonlySet<string>;
  private readonly allowedChannels: ReadonlySet<string> | undefined;
  private readonly allowedUsers: ReadonlySet<string> | undefined;
  private readonly allowedUserRoles: ReadonlySet<string>;

  constructor(private readonly rules: AccessRules = {}) {
    this.replyMode = rules.replyMode ?? "owner-or-mention";
    this.approvers = keys(rules.approvers);
    this.approverRoles = keys(rules.approverRoles);
    this.admins = keys(rules.admins);
    this.adminRoles = keys(rules.adminRoles);
    this.allowedChannels = rules.allowedChannels ? new Set(rules.allowedChannels) : undefined;
    this.allowedUsers = rules.allowedUsers || rules.allowedUserRoles ? keys(rules.allowedUsers) : undefined;
    this.allowedUserRoles = keys(rules.allowedUserRoles);
  }

  isAdmin(user: UserRef): boolean {
    return has(this.admins, this.adminRoles, user);
  }

  isApprover(user: UserRef): boolean {
    return this.isAdmin(user) || has(this.approvers, this.approverRoles, user);
  }

  canDecide(user: UserRef, owner: UserRef): boolean {
    return sameUser(user, owner) || this.isApprover(user);
  }

  /** Whether `user` may do `act` (in `channel`, for commands); if not, the reason to tell them. */
  check(user: UserRef, act: Act, channel?: Pick<ChannelRef, "platform" | "channel">): Verdict {
    if (act.kind === "channel-settings") {
      return this.isAdmin(user) ? allow : refuse("Only a bridge admin can change this channel's settings.");
    }
    const admitted = this.admitted(user, channel);
    if (!admitted.allowed) return admitted;
    if (act.kind === "cloud") {
      return this.reach(user, this.rules.cloud ?? "admins", {
        off: "Cloud sessions are turned off on this bridge (BRIDGE_CLOUD=off).",
        admins: "Cloud sessions run on the bridge's GitHub identity, so only a bridge admin may start one.",
      });
    }
    if (act.kind === "attach") {
      return this.reach(user, this.rules.attach ?? "admins", {
        off: "Attaching sessions is turned off on this bridge (BRIDGE_ATTACH=off).",
        admins: "Only a bridge admin may attach a session: whoever attaches it can approve its commands.",
      });
    }
    return allow;
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

  /** BRIDGE_ALLOWED_CHANNELS / BRIDGE_ALLOWED_USERS; admins may work anywhere. */
  private admitted(user: UserRef, channel: Pick<ChannelRef, "platform" | "channel"> | undefined): Verdict {
    if (this.isAdmin(user)) return allow;
    if (
      this.allowedChannels &&
      (!channel || !this.allowedChannels.has(`${channel.platform}:${channel.channel}`))
    ) {
      return refuse("This bridge does not take commands in this channel (BRIDGE_ALLOWED_CHANNELS).");
    }
    if (this.allowedUsers && !has(this.allowedUsers, this.allowedUserRoles, user)) {
      return refuse("You are not on this bridge's list of users (BRIDGE_ALLOWED_USERS); ask an admin.");
    }
    return allow;
  }

  private reach(user: UserRef, reach: Reach, reasons: { off: string; admins: string }): Verdict {
    if (reach === "off") return refuse(reasons.off);
    if (reach === "admins" && !this.isAdmin(user)) return refuse(reasons.admins);
    return allow;
  }
}

const allow: Verdict = { allowed: true };

function refuse(reason: string): Verdict {
  return { allowed: false, reason };
}

function keys(list: readonly UserRef[] | undefined): ReadonlySet<string> {
  return new Set((list ?? []).map(userKey));
}

function has(users: ReadonlySet<string>, roles: ReadonlySet<string>, user: UserRef): boolean {
  if (users.has(userKey(user))) return true;
  return (user.roles ?? []).some((role) => roles.has(`${user.platform}:${role}`));
}

export function userKey(user: UserRef): string {
  return `${user.platform}:${user.id}`;
}

export function sameUser(a: UserRef, b: UserRef): boolean {
  return a.platform === b.platform && a.id === b.id;
}

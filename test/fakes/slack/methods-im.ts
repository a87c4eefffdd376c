/**
 * Web API: direct messages. `conversations.open` opens (or finds again) the app's IM with one person,
 * as Slack documents it: `users` is a comma-separated list of user ids (one for a 1:1 IM), or
 * `channel` resumes an IM by id. The fake opens 1:1 IMs only, with people it knows (see
 * SlackState.members); the bot cannot open one with itself or another bot (`cannot_dm_bot`).
 * The same person twice gives the same IM, the second time with `no_op` and `already_open`.
 */
import { type Args, fail, type Method, type Result, str } from "./methods.js";
import type { SlackState } from "./state.js";

/** Slack's user ids: "U…" (or "W…" in an Enterprise Grid org). */
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const MAX_USERS = 8;

function userList(value: unknown): string[] | undefined {
  const raw = str(value);
  if (raw === undefined) return Array.isArray(value) ? value.map(String) : undefined;
  return raw
    .split(",")
    .map((u) => u.trim())
    .filter((u) => u !== "");
}

function imObject(state: SlackState, id: string, user: string, full: boolean): Result {
  return {
    id,
    is_im: true,
    ...(full
      ? {
          created: Math.floor(Date.now() / 1000),
          is_org_shared: false,
          user,
          is_user_deleted: false,
          priority: 0,
          context_team_id: state.id.teamId,
        }
      : {}),
  };
}

function resume(state: SlackState, channel: string, full: boolean): Result {
  const user = state.imUser(channel);
  if (user === undefined) return fail("channel_not_found");
  return { ok: true, no_op: true, already_open: true, channel: imObject(state, channel, user, full) };
}

const conversationsOpen: Method = (args: Args, { state }) => {
  const full = args.return_im === true || args.return_im === "true";
  const channel = str(args.channel);
  const users = userList(args.users);
  if (users === undefined || users.length === 0) {
    if (channel !== undefined) return resume(state, channel, full);
    return fail("users_list_not_supplied");
  }
  if (users.length > MAX_USERS) return fail("too_many_users");
  if (users.length > 1)
    return fail("invalid_arguments", { fake: "FakeSlack opens 1:1 IMs only (one id in `users`)" });
  const user = users[0] as string;
  if (!USER_ID.test(user)) return fail("user_not_found");
  if (user === state.id.botUserId || state.user(user).is_bot) return fail("cannot_dm_bot");
  if (!state.members.has(user)) return fail("user_not_found");
  const open = state.ims.get(user);
  if (open !== undefined) return resume(state, open, full);
  const id = `D${String(state.nextSeq()).padStart(8, "0")}`;
  state.ims.set(user, id);
  return { ok: true, channel: imObject(state, id, user, full) };
};

export const imMethods: Record<string, Method> = {
  "conversations.open": conversationsOpen,
};

import { Actions } from "./actions.js";
import { record } from "./audit.js";
import type { Uses } from "./context.js";
import { errorText } from "./errors.js";
import { markRefused, standingOf } from "./identities.js";
import { failure } from "./messages.js";
import type { ActionEvent } from "./ports/chat.js";
import { PublishError } from "./ports/workspace.js";
import type { ThreadSession } from "./session.js";
import { changesCard, discarded, published, publishFailed } from "./workspace-messages.js";

export const workspaceActions: ReadonlySet<string> = new Set([
  Actions.viewDiff,
  Actions.publish,
  Actions.discard,
]);

type WorkspaceDeps = Uses<
  "sessions" | "chats" | "policy" | "store" | "log" | "now" | "settings" | "workspaces" | "identity"
>;

/**
 * A turn ended with nothing queued: if the worktree differs from its base, the thread gets a summary
 * with View diff, Create pull request and Discard changes. The same changes are not summarised twice.
 */
export async function showChanges(ctx: Uses<"workspaces" | "log">, session: ThreadSession): Promise<void> {
  const ws = session.record.workspace;
  if (!ws?.git) return;
  try {
    const summary = await ctx.workspaces.changes(ws);
    if (!summary || summary.files.length === 0) return;
    const fingerprint = JSON.stringify([summary.files, ws.pullRequest?.number]);
    if (session.shownChanges === fingerprint) return;
    session.shownChanges = fingerprint;
    session.say(changesCard(ws, summary));
  } catch (error) {
    ctx.log.warn("could not read a worktree's changes", { path: ws.path, error: errorText(error) });
  }
}

/** A click on a changes card. Publishing and discarding are for the owner and approvers. */
export async function onWorkspaceAction(ctx: WorkspaceDeps, event: ActionEvent): Promise<void> {
  const session = event.thread && ctx.sessions.get(event.thread.key);
  const ws = session?.record.workspace;
  if (!session || !ws?.git) {
    await event.reply("This session is not active here any more. Nothing was changed.");
    return;
  }
  if (event.action === Actions.viewDiff) {
    await viewDiff(ctx, session, event);
    return;
  }
  if (!ctx.policy.canDecide(event.user, session.record.owner)) {
    await event.reply([
      "Only ",
      { user: session.record.owner },
      " or an approver can do this. Nothing was changed.",
    ]);
    return;
  }
  if (session.working) {
    await event.reply("Copilot is still working in this worktree: try again when the turn has ended.");
    return;
  }
  if (event.action === Actions.publish) await publish(ctx, session, event);
  else await discard(ctx, session);
}

async function viewDiff(ctx: WorkspaceDeps, session: ThreadSession, event: ActionEvent): Promise<void> {
  const ws = session.record.workspace;
  if (!ws) return;
  const patch = await ctx.workspaces.diff(ws).catch((error: unknown) => {
    ctx.log.warn("could not make a diff", { error: errorText(error) });
    return undefined;
  });
  if (patch === undefined) {
    await event.reply("Could not read the changes of this worktree. Nothing was uploaded.");
    return;
  }
  if (patch.trim() === "") {
    await event.reply("There are no changes against the base any more.");
    return;
  }
  const name = `${(ws.branch ?? "changes").replace(/[^\w.-]+/g, "-")}.patch`;
  await ctx.chats.chatFor(session).upload(session.record.thread, {
    name,
    title: `Changes on ${ws.branch ?? "the branch"}`,
    bytes: new TextEncoder().encode(patch),
  });
}

async function publish(ctx: WorkspaceDeps, session: ThreadSession, event: ActionEvent): Promise<void> {
  const ws = session.record.workspace;
  if (!ws?.branch) return;
  const chat = ctx.chats.chatFor(session);
  const link = await chat.linkTo(session.record.thread, session.record.header).catch(() => undefined);
  const title = session.record.title.split("\n")[0]?.trim().slice(0, 72) || "Changes from a Copilot session";
  const body = [
    "Changes made by a GitHub Copilot session run from chat.",
    "",
    `> ${session.record.title.slice(0, 1000).split("\n").join("\n> ")}`,
    "",
    link ? `Conversation: ${link}` : `Thread: ${session.record.thread.key}`,
  ].join("\n");
  // A session that runs as its owner's GitHub account opens its pull request as them.
  const runsAs = session.record.runsAs;
  const person = runsAs?.kind === "person" ? runsAs.login : undefined;
  let token = ctx.settings.gitHubToken;
  if (person !== undefined) {
    const standing = await standingOf(ctx, session.record.owner);
    if (standing.kind !== "linked") {
      session.say(
        publishFailed("no-token", "The session's linked GitHub account has no usable token.", person),
      );
      return;
    }
    token = standing.runAs.token;
  }
  try {
    const pr = await ctx.workspaces.publish(ws, { title, body, token });
    session.record = {
      ...session.record,
      workspace: { ...ws, pullRequest: { number: pr.number, url: pr.url } },
    };
    await ctx.store.putThread(session.record);
    record(ctx, {
      kind: "publish",
      at: ctx.now(),
      threadKey: session.record.thread.key,
      user: { platform: event.user.platform, id: event.user.id },
      pullRequest: pr.number,
      url: pr.url,
      created: pr.created,
    });
    session.say(published(pr, ws.branch, person));
  } catch (error) {
    if (error instanceof PublishError) {
      if (person !== undefined && error.reason === "unauthorized")
        await markRefused(ctx, session.record.owner);
      session.say(publishFailed(error.reason, error.message, person));
    } else session.say(publishFailed("other", errorText(error)));
  }
}

async function discard(ctx: WorkspaceDeps, session: ThreadSession): Promise<void> {
  const ws = session.record.workspace;
  if (!ws) return;
  try {
    await ctx.workspaces.discard(ws);
    session.shownChanges = undefined;
    session.say(discarded(ws));
  } catch (error) {
    session.say(failure("Could not discard the changes:", errorText(error)));
  }
}

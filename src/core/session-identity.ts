import type { Uses } from "./context.js";
import { errorText } from "./errors.js";
import { markRefused, renew, standingOf } from "./identities.js";
import { sessionHeader } from "./messages.js";
import type { RunAs } from "./ports/gateway.js";
import type { ThreadSession } from "./session.js";
import type { Message } from "./types.js";

/**
 * A session that runs as its owner's GitHub account follows that account: it connects with the
 * owner's current token, switches to a new one (renewed, or linked again) before the next prompt,
 * and when GitHub refuses the token (401) the thread asks the owner to link again. The session and
 * its history stay; only the connection changes.
 */

type Deps = Uses<"store" | "identity" | "settings" | "log" | "now" | "gateway" | "chats">;

/** The token a known session connects with: its owner's current one, when it runs as them. */
export async function connectAs(
  ctx: Uses<"store" | "identity" | "settings" | "log" | "now">,
  session: ThreadSession,
): Promise<RunAs | undefined> {
  if (session.record.runsAs?.kind !== "person") return undefined;
  const standing = await standingOf(ctx, session.record.owner);
  return standing.kind === "linked" ? standing.runAs : undefined;
}

/**
 * Before a prompt: `true` when the session may take it, connected with its owner's current token
 * (switching to it if it changed), or what to tell the sender when the owner's link is gone.
 */
export async function keepIdentityCurrent(ctx: Deps, session: ThreadSession): Promise<true | string> {
  const runsAs = session.record.runsAs;
  if (runsAs?.kind !== "person") return true;
  const standing = await standingOf(ctx, session.record.owner);
  if (standing.kind !== "linked") {
    const why =
      standing.kind === "unlinked"
        ? "that account is no longer linked"
        : "GitHub refused that account's token";
    return `This session runs as GitHub @${runsAs.login}, and ${why}: its owner runs /copilot login, then sends the message again. It was not sent to Copilot.`;
  }
  if (session.runAs?.token === standing.runAs.token || session.working) return true;
  const previous = session.runAs;
  const agent = session.agent;
  // One runtime at a time holds a session: let go of it before the new connection takes it.
  session.detach();
  await agent?.disconnect().catch(() => undefined);
  try {
    session.attach(
      await ctx.gateway.resumeSession(session.record.sessionId, session.onEvent, { runAs: standing.runAs }),
      false,
    );
    session.runAs = standing.runAs;
  } catch (error) {
    ctx.log.warn("could not switch a session to a renewed GitHub token", { error: errorText(error) });
    session.attach(
      await ctx.gateway.resumeSession(
        session.record.sessionId,
        session.onEvent,
        previous ? { runAs: previous } : {},
      ),
      false,
    );
    return `Could not reconnect the session with the renewed GitHub token (${errorText(error)}). It was not sent to Copilot; try again.`;
  }
  const { login, host } = standing.identity;
  if (login !== runsAs.login || host !== runsAs.host) {
    // Linked again to another account: the header says whose the session is now.
    session.record = { ...session.record, runsAs: { ...runsAs, login, host } };
    await ctx.store.putThread(session.record);
    const chat = ctx.chats.chatFor(session);
    await chat.edit(session.record.header, sessionHeader(session.record)).catch((error: unknown) => {
      ctx.log.warn("could not update a session header", { error: errorText(error) });
    });
  }
  return true;
}

/**
 * GitHub refused the token a session ran with (401). A token that can be renewed is renewed (the next
 * message uses it); otherwise the link is marked refused and the thread asks the owner to link again.
 */
export async function tokenRefused(ctx: Deps, session: ThreadSession): Promise<void> {
  const runsAs = session.record.runsAs;
  if (runsAs?.kind !== "person") return;
  const owner = session.record.owner;
  const identity = await ctx.store.getIdentity(owner).catch(() => undefined);
  const used = session.runAs?.token;
  if (identity && identity.refusedAt === undefined && identity.accessToken !== used) {
    // Renewed or linked again since this session connected: the next message uses the new token.
    session.say(
      line(
        `🔑 GitHub refused the token this session had; @${runsAs.login}'s newer one is used from the next message. Send it again.`,
      ),
    );
    return;
  }
  const renewed = identity ? await renew(ctx, identity) : undefined;
  if (renewed) {
    session.say(
      line(
        `🔑 @${runsAs.login}'s GitHub token had expired and was renewed. Send your message again to continue.`,
      ),
    );
    return;
  }
  await markRefused(ctx, owner);
  session.say({
    blocks: [
      {
        type: "line",
        inline: [
          "🔑 GitHub refused the token of ",
          { code: runsAs.login },
          " (revoked or expired). ",
          { user: owner },
          ": run /copilot login to link your account again, then send your message again. This session keeps its history.",
        ],
      },
    ],
    summary: "GitHub refused the linked account's token: link it again",
  });
}

function line(text: string): Message {
  return { blocks: [{ type: "line", inline: [text] }], summary: text };
}

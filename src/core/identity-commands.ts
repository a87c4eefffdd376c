import type { Uses } from "./context.js";
import { errorText } from "./errors.js";
import type { CommandEvent } from "./ports/chat.js";
import type { PendingLink } from "./ports/identity.js";
import type { Message } from "./types.js";
import type { UserRef } from "./vocabulary/refs.js";

type IdentityDeps = Uses<"identity" | "links" | "store" | "chats" | "log" | "now" | "qrCode">;

const notSetUp =
  "Linking GitHub accounts is not set up on this bridge: an admin sets GITHUB_OAUTH_CLIENT_ID and BRIDGE_SECRET_KEY.";

const line = (text: string, ...rest: Message["blocks"]): Message => ({
  blocks: [{ type: "line", inline: [text] }, ...rest],
  summary: text,
});

/**
 * `/copilot login`: starts GitHub's device flow and sends the person, privately, the code to enter
 * and the verification URL (with a QR code of it); once they approve on GitHub the account is
 * linked and they are told which login it is.
 */
export async function linkAccount(ctx: IdentityDeps, event: CommandEvent): Promise<void> {
  const provider = ctx.identity;
  if (!provider) {
    await event.reply(notSetUp);
    return;
  }
  const user: UserRef = { platform: event.user.platform, id: event.user.id };
  const chat = ctx.chats.adapter(user.platform);
  if (!chat) return;
  let link: PendingLink;
  try {
    link = await provider.start();
  } catch (error) {
    await event.reply(`Could not start linking with GitHub: ${errorText(error)}`);
    return;
  }
  ctx.links.replace(user, link);
  const { userCode, verificationUri, expiresAt } = link.login;
  const minutes = Math.max(1, Math.round((expiresAt - ctx.now()) / 60_000));
  const code: Message = {
    blocks: [
      {
        type: "line",
        inline: [
          "🔑 To link your GitHub account, open ",
          { link: verificationUri, label: verificationUri },
          " and enter this code:",
        ],
      },
      { type: "code", text: userCode },
      { type: "context", inline: [`The code works for ${minutes} minutes. Only you see this message.`] },
    ],
    summary: "Link your GitHub account",
  };
  const qr = ctx.qrCode ? await ctx.qrCode(verificationUri).catch(() => undefined) : undefined;
  try {
    await chat.sendPrivately(
      user,
      code,
      qr ? { name: "github-login-qr.png", title: "Scan to open GitHub", bytes: qr } : undefined,
    );
    await event.reply("I sent you a direct message with a code to link your GitHub account.");
  } catch (error) {
    ctx.log.warn("could not send the login code privately", { error: errorText(error) });
    await event.reply([
      "Open ",
      { link: verificationUri, label: verificationUri },
      " and enter the code ",
      { code: userCode },
      ` (it works for ${minutes} minutes).`,
    ]);
  }
  void finishLink(ctx, user, link);
}

async function finishLink(ctx: IdentityDeps, user: UserRef, link: PendingLink): Promise<void> {
  const outcome = await link.outcome;
  ctx.links.settled(user, link);
  const chat = ctx.chats.adapter(user.platform);
  const tell = (message: Message) =>
    chat?.sendPrivately(user, message).catch((error: unknown) => {
      ctx.log.warn("could not tell a person how linking ended", { error: errorText(error) });
    });
  switch (outcome.status) {
    case "linked":
      try {
        await ctx.store.putIdentity({
          user,
          login: outcome.login,
          host: outcome.host,
          linkedAt: ctx.now(),
          ...outcome.secrets,
        });
        await tell(line(`✅ Linked to GitHub as @${outcome.login}. Your new sessions run as you.`));
      } catch (error) {
        await tell(line(`⚠️ GitHub approved, but the link could not be saved: ${errorText(error)}`));
      }
      return;
    case "expired":
      await tell(line("⌛ The code expired before it was entered. Run /copilot login again."));
      return;
    case "denied":
      await tell(line("Linking was cancelled on GitHub. Nothing was linked."));
      return;
    case "failed":
      await tell(line(`⚠️ Linking failed: ${outcome.reason}`));
      return;
    case "cancelled":
      return;
  }
}

/** `/copilot whoami`: the GitHub account linked to this person, if any. */
export async function showIdentity(ctx: Uses<"store">, event: CommandEvent): Promise<void> {
  const identity = await ctx.store.getIdentity({ platform: event.user.platform, id: event.user.id });
  await event.reply(
    identity
      ? [
          "You are linked to GitHub as ",
          { code: identity.login },
          ` on ${identity.host} since `,
          { time: identity.linkedAt },
          ".",
        ]
      : "Your GitHub account is not linked. /copilot login links it.",
  );
}

/** `/copilot logout`: forgets the link and revokes the token where GitHub allows. */
export async function unlinkAccount(ctx: Uses<"store" | "identity">, event: CommandEvent): Promise<void> {
  const user: UserRef = { platform: event.user.platform, id: event.user.id };
  const identity = await ctx.store.getIdentity(user);
  const removed = await ctx.store.deleteIdentity(user);
  if (!identity && !removed) {
    await event.reply("Your GitHub account is not linked. Nothing was changed.");
    return;
  }
  const revoked = identity
    ? await (ctx.identity?.revoke(identity.accessToken) ?? Promise.resolve(false))
    : false;
  await event.reply([
    "Unlinked",
    ...(identity ? [" ", { code: identity.login }] : []),
    revoked
      ? ". The token was revoked on GitHub."
      : ". The bridge could not revoke the token itself: you can revoke it under GitHub → Settings → Applications.",
  ]);
}

import type { Uses } from "./context.js";
import { errorText } from "./errors.js";
import type { RunAs } from "./ports/gateway.js";
import type { LinkedIdentity, RunsAs } from "./vocabulary/identity.js";

export type { IdentityPolicy } from "./vocabulary/identity.js";

import type { UserRef } from "./vocabulary/refs.js";

/** An access token this close to its expiry is renewed before a session uses it. */
const renewAheadMs = 5 * 60_000;

type Deps = Uses<"store" | "identity" | "settings" | "log" | "now">;

/** A person's usable identity, or why there is none. */
export type Standing =
  | { kind: "linked"; identity: LinkedIdentity; runAs: RunAs }
  | { kind: "unlinked" }
  | { kind: "relink"; login: string };

/** Whether identities apply at all: linking is set up and the policy is not `bridge`. */
export function identitiesApply(ctx: Uses<"identity" | "settings">): boolean {
  return ctx.identity !== undefined && ctx.settings.identityPolicy !== "bridge";
}

export function runAsOf(identity: LinkedIdentity): RunAs {
  return { key: `${identity.host}/${identity.login}`, login: identity.login, token: identity.accessToken };
}

/**
 * The person's linked identity, renewed first when its token is about to expire and the app gave a
 * refresh token. A token GitHub refused, or one that expired and cannot be renewed, needs a new link.
 */
export async function standingOf(ctx: Deps, user: UserRef): Promise<Standing> {
  let identity: LinkedIdentity | undefined;
  try {
    identity = await ctx.store.getIdentity(user);
  } catch (error) {
    ctx.log.warn("could not read a linked identity", { error: errorText(error) });
    return { kind: "unlinked" };
  }
  if (!identity) return { kind: "unlinked" };
  if (identity.refusedAt !== undefined) return { kind: "relink", login: identity.login };
  const now = ctx.now();
  if (identity.expiresAt !== undefined && identity.expiresAt - now < renewAheadMs) {
    const renewed = await renew(ctx, identity);
    if (!renewed) return { kind: "relink", login: identity.login };
    identity = renewed;
  }
  return { kind: "linked", identity, runAs: runAsOf(identity) };
}

/**
 * Renewals under way, by person: a refresh token works once, so two sessions of one person that
 * need a new token at the same moment must share one exchange (the second would fail and mark the
 * link refused).
 */
const renewing = new Map<string, Promise<LinkedIdentity | undefined>>();

/** Trades the identity's refresh token for a new access token and keeps it; undefined when it cannot. */
export function renew(ctx: Deps, identity: LinkedIdentity): Promise<LinkedIdentity | undefined> {
  const key = `${identity.user.platform}:${identity.user.id}`;
  let pending = renewing.get(key);
  if (!pending) {
    pending = exchange(ctx, identity).finally(() => renewing.delete(key));
    renewing.set(key, pending);
  }
  return pending;
}

async function exchange(ctx: Deps, identity: LinkedIdentity): Promise<LinkedIdentity | undefined> {
  const usable =
    identity.refreshToken !== undefined &&
    (identity.refreshExpiresAt === undefined || identity.refreshExpiresAt > ctx.now());
  if (!ctx.identity || !usable || identity.refreshToken === undefined) return undefined;
  try {
    const secrets = await ctx.identity.refresh(identity.refreshToken);
    const renewed: LinkedIdentity = {
      user: identity.user,
      login: identity.login,
      host: identity.host,
      linkedAt: identity.linkedAt,
      ...(identity.githubId !== undefined ? { githubId: identity.githubId } : {}),
      ...secrets,
    };
    await ctx.store.putIdentity(renewed);
    ctx.log.info("renewed a linked GitHub token", { login: identity.login });
    return renewed;
  } catch (error) {
    ctx.log.warn("could not renew a linked GitHub token", { login: identity.login, error: errorText(error) });
    return undefined;
  }
}

/** GitHub refused the person's token (401): it is kept, marked, until they link again. */
export async function markRefused(ctx: Deps, user: UserRef): Promise<void> {
  const identity = await ctx.store.getIdentity(user).catch(() => undefined);
  if (!identity || identity.refusedAt !== undefined) return;
  await ctx.store.putIdentity({ ...identity, refusedAt: ctx.now() }).catch((error: unknown) => {
    ctx.log.warn("could not mark a linked identity as refused", { error: errorText(error) });
  });
}

/** How a new session starts: as whom, and what its header says; or why it may not start. */
export type SessionIdentity = { runAs?: RunAs; runsAs?: RunsAs } | { refusal: string };

const linkFirst =
  "This bridge runs sessions under your own GitHub account, and yours is not linked: run /copilot login first. Nothing was started.";
const linkAgain =
  "GitHub refused the token of your linked account (revoked or expired): run /copilot login to link it again. Nothing was started.";

/** Whose identity a new session of `user` runs as under BRIDGE_IDENTITY, or why it cannot start. */
export async function sessionIdentity(
  ctx: Deps & Uses<"gateway">,
  user: UserRef,
  kind: "local" | "cloud",
): Promise<SessionIdentity> {
  if (!identitiesApply(ctx)) return {};
  const standing = await standingOf(ctx, user);
  if (standing.kind === "linked") {
    const reach = ctx.gateway.identityReach;
    const { login, host } = standing.identity;
    return {
      runAs: standing.runAs,
      runsAs: { kind: "person", login, host, ...(reach === "full" ? {} : { reach }) },
    };
  }
  const why = standing.kind;
  if (ctx.settings.identityPolicy === "required")
    return { refusal: why === "unlinked" ? linkFirst : linkAgain };
  if (kind === "cloud" && !ctx.settings.cloudAsBridge) {
    return {
      refusal:
        "Cloud sessions run on GitHub under your own account: link it with /copilot login first (an admin can let them use the bridge's account with BRIDGE_CLOUD_AS_BRIDGE=on). Nothing was started.",
    };
  }
  return { runsAs: { kind: "bridge", why } };
}

import type { Uses } from "./context.js";
import type { CommandEvent } from "./ports/chat.js";
import { repositoryList, unknownRepository } from "./workspace-messages.js";

/** `/copilot repos`: the repositories sessions may work in, and this channel's default. */
export async function listRepositories(
  ctx: Uses<"workspaces" | "store">,
  event: CommandEvent,
): Promise<void> {
  const settings = await ctx.store
    .getChannel(event.channel.platform, event.channel.channel)
    .catch(() => undefined);
  await event.reply(repositoryList(ctx.workspaces.repositories(), settings?.repo));
}

/**
 * `/copilot repo` shows this channel's default repository; `/copilot repo <name>` (admins) sets it,
 * `/copilot repo -` clears it. The setting is stored.
 */
export async function channelRepository(
  ctx: Uses<"workspaces" | "store" | "policy" | "now">,
  event: CommandEvent,
  name: string | undefined,
): Promise<void> {
  const repos = ctx.workspaces.repositories();
  const current = await ctx.store
    .getChannel(event.channel.platform, event.channel.channel)
    .catch(() => undefined);
  if (name === undefined) {
    const fallback = repos[0]?.name;
    await event.reply(
      current?.repo
        ? ["New sessions in this channel work in ", { code: current.repo }, "."]
        : fallback
          ? [
              "This channel has no default repository: new sessions work in ",
              { code: fallback },
              ", the first configured.",
            ]
          : "No repositories are configured (BRIDGE_REPOS): sessions work in the bridge's working directory.",
    );
    return;
  }
  const verdict = ctx.policy.check(event.user, { kind: "channel-settings" });
  if (!verdict.allowed) {
    await event.reply(`${verdict.reason} Nothing was changed.`);
    return;
  }
  if (name !== "-" && !repos.some((r) => r.name === name)) {
    await event.reply(unknownRepository(name, repos).replace("Nothing was started.", "Nothing was changed."));
    return;
  }
  await ctx.store.putChannel({
    platform: event.channel.platform,
    channel: event.channel.channel,
    ...(name === "-" ? {} : { repo: name }),
    by: { platform: event.user.platform, id: event.user.id },
    at: ctx.now(),
  });
  await event.reply(
    name === "-"
      ? "This channel no longer has a default repository."
      : ["New sessions in this channel will work in ", { code: name }, "."],
  );
}

/** `in <name>[@branch] <prompt>` → its parts; undefined when the text does not start with `in `. */
export function parseIn(
  text: string,
): { repo: string; base?: string; prompt: string } | { usage: true } | undefined {
  if (!/^in(\s|$)/i.test(text)) return undefined;
  const m = /^in\s+([A-Za-z0-9._-]+)(?:@([A-Za-z0-9._/-]+))?\s+([\s\S]*\S[\s\S]*)$/i.exec(text);
  if (!m?.[1] || !m[3]) return { usage: true };
  return { repo: m[1], ...(m[2] ? { base: m[2] } : {}), prompt: m[3].trim() };
}

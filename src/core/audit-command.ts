import { auditFacts, auditTime } from "./audit-view.js";
import type { Uses } from "./context.js";
import type { CommandEvent } from "./ports/chat.js";
import type { Inline } from "./types.js";
import type { AuditEntry } from "./vocabulary/records.js";

const defaultCount = 20;
const maxCount = 100;

/**
 * `/copilot audit [n]`: the last n audited actions (default 20, at most 100), newest first, shown
 * only to the admin who asked. Everyone else is told why not.
 */
export async function showAudit(
  ctx: Uses<"chats" | "policy" | "store">,
  event: CommandEvent,
  arg: string | undefined,
): Promise<void> {
  if (!ctx.policy.isAdmin(event.user)) {
    await event.reply("Only a bridge admin (BRIDGE_ADMINS) can read the audit log. Nothing was shown.");
    return;
  }
  // A Discord mention is answered in the channel for all to see: the log goes only to a slash command.
  if (event.channel.anchor !== undefined) {
    await event.reply(
      "The audit log is shown only to you: use the /copilot command with `audit`, not a mention.",
    );
    return;
  }
  const count = arg === undefined ? defaultCount : Number(arg);
  if (!Number.isInteger(count) || count < 1) {
    await event.reply(
      `Usage: \`/copilot audit [n]\` shows the last n actions (default ${defaultCount}, at most ${maxCount}).`,
    );
    return;
  }
  const entries = await ctx.store.auditLog({ limit: Math.min(count, maxCount) });
  if (entries.length === 0) {
    await event.reply("The audit log is empty.");
    return;
  }
  const budget = ctx.chats.adapter(event.channel.platform)?.limits.messageChars ?? 2000;
  await event.reply(await listing(ctx, entries, budget));
}

async function listing(ctx: Uses<"store">, entries: AuditEntry[], budget: number): Promise<Inline[]> {
  const titles = new Map<string, string | undefined>();
  for (const key of new Set(entries.map((e) => e.threadKey))) {
    const record = await ctx.store.getThread(key).catch(() => undefined);
    titles.set(key, record?.title.split("\n")[0]?.slice(0, 50));
  }
  const out: Inline[] = [`Audit log, newest first (${entries.length}):`];
  // Roughly what a line costs once rendered (a mention or a code span adds a few characters).
  let used = 40;
  for (const [i, entry] of entries.entries()) {
    const line = entryLine(entry, titles.get(entry.threadKey));
    const cost = line.reduce((n, part) => n + rendered(part), 0);
    if (used + cost > budget - 60) {
      out.push(`\n… and ${entries.length - i} more (npm run audit exports everything).`);
      break;
    }
    used += cost;
    out.push(...line);
  }
  return out;
}

function entryLine(entry: AuditEntry, title: string | undefined): Inline[] {
  const facts = auditFacts(entry);
  const line: Inline[] = [`\n• ${auditTime(entry.at)} · `];
  line.push(typeof facts.who === "string" ? facts.who : { user: facts.who }, ` ${facts.what}`);
  if (facts.requestId) line.push(" (request ", { code: facts.requestId.slice(0, 12) }, ")");
  if (entry.kind === "attach" || entry.kind === "cloud") line.push(" from ", { code: entry.channel.channel });
  line.push(" · in ", title ? { italic: title } : { code: entry.threadKey });
  return line;
}

/** About how many characters a piece takes once rendered (escaping and mention forms vary a little). */
function rendered(part: Inline): number {
  if (typeof part === "string") return part.length + 8;
  if ("italic" in part) return part.italic.length + 4;
  if ("code" in part) return part.code.length + 4;
  if ("bold" in part) return part.bold.length + 4;
  if ("link" in part) return part.link.length + part.label.length + 6;
  return 32;
}

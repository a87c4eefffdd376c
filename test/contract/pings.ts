/**
 * Who a message notifies, by each platform's own rules, read from what the platform received (never
 * from what the adapter meant to send). Broadcasts are named `@everyone`, `@here`, `@channel`;
 * people and groups by id (`S…` for a Slack user group, `role:<id>` for a Discord role).
 */

/**
 * Slack: `<@U…>` / `<@W…>` mentions, `<!channel>`, `<!here>`, `<!everyone>` and `<!subteam^S…>` in any
 * text Slack renders (the message's `text` and every `text` in its blocks). A bare `@channel` word is
 * counted too, as Slack reads it with `link_names` on: stricter than the default.
 */
export function slackNotified(message: { text?: unknown; blocks?: unknown }): string[] {
  const who = new Set<string>();
  for (const text of textsOf(message)) {
    for (const m of text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)) who.add(m[1] ?? "");
    for (const m of text.matchAll(/<!(channel|here|everyone)(?:\|[^>]*)?>/g)) who.add(`@${m[1]}`);
    for (const m of text.matchAll(/<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>/g)) who.add(m[1] ?? "");
    for (const m of text.matchAll(/(?:^|\W)@(channel|here|everyone)\b/g)) who.add(`@${m[1]}`);
  }
  return [...who].sort();
}

/** Every string a Slack client renders from a message: `text` fields, at any depth. */
function textsOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(textsOf);
  if (!node || typeof node !== "object") return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "text" && typeof value === "string") out.push(value);
    else out.push(...textsOf(value));
  }
  return out;
}

interface AllowedMentions {
  parse?: string[];
  users?: string[];
  roles?: string[];
}

/**
 * Discord: a mention in `content` notifies only when `allowed_mentions` lets it through; without
 * `allowed_mentions`, every mention does (users, roles, `@everyone` and `@here`).
 */
export function discordNotified(content: string, allowedMentions: unknown): string[] {
  const allowed: AllowedMentions =
    allowedMentions && typeof allowedMentions === "object"
      ? (allowedMentions as AllowedMentions)
      : { parse: ["everyone", "users", "roles"] };
  const parse = new Set(allowed.parse ?? []);
  const who = new Set<string>();
  for (const m of content.matchAll(/<@!?(\d{1,20})>/g)) {
    const id = m[1] ?? "";
    if (parse.has("users") || (allowed.users ?? []).includes(id)) who.add(id);
  }
  for (const m of content.matchAll(/<@&(\d{1,20})>/g)) {
    const id = m[1] ?? "";
    if (parse.has("roles") || (allowed.roles ?? []).includes(id)) who.add(`role:${id}`);
  }
  if (parse.has("everyone")) for (const m of content.matchAll(/@(everyone|here)\b/g)) who.add(`@${m[1]}`);
  return [...who].sort();
}

/**
 * Slack delivers what a person typed escaped (`&amp;`, `&lt;`, `&gt;`) and turns mentions, channel
 * references and links into `<…>` entities. The core (and Copilot) should see what was typed, so
 * inbound text is decoded here: entities become the words a reader sees, escapes become characters.
 * Since a typed `<` or `>` always arrives escaped, every literal angle bracket delimits an entity.
 */

/** Display names by id; resolves undefined when a name cannot be had. */
export interface SlackNames {
  user(id: string): Promise<string | undefined>;
}

const entities: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">" };

/** `&amp;`, `&lt;`, `&gt;` back to characters, in one pass (`&amp;lt;` is a typed `&lt;`). */
export function unescapeSlack(text: string): string {
  return text.replace(/&(?:amp|lt|gt);/g, (m) => entities[m] ?? m);
}

/**
 * Removes mentions of `botUserId` (`<@UBOT>`, `<@UBOT|name>`) and says whether there was one.
 * Each becomes a space, so the words around it stay apart; the text is trimmed.
 */
export function stripMention(text: string, botUserId: string): { text: string; mentioned: boolean } {
  if (botUserId === "") return { text: text.trim(), mentioned: false };
  const pattern = new RegExp(`<@${escapeRegExp(botUserId)}(?:\\|[^<>]*)?>`, "g");
  const stripped = text.replace(pattern, " ");
  return { text: stripped.trim(), mentioned: stripped !== text };
}

/** The text as typed: entities and escapes decoded; names of mentioned users come from `names`. */
export async function decodeSlackText(text: string, names: SlackNames): Promise<string> {
  const parts = text.split(/(<[^<>]*>)/);
  const decoded = await Promise.all(
    parts.map((part, i) => (i % 2 === 1 ? decodeEntity(part.slice(1, -1), names) : unescapeSlack(part))),
  );
  return decoded.join("");
}

async function decodeEntity(body: string, names: SlackNames): Promise<string> {
  const bar = body.indexOf("|");
  const target = bar < 0 ? body : body.slice(0, bar);
  const label = bar < 0 ? "" : unescapeSlack(body.slice(bar + 1));
  if (target.startsWith("@")) {
    const id = target.slice(1);
    if (label !== "") return `@${label.replace(/^@/, "")}`;
    return `@${(await names.user(id)) ?? id}`;
  }
  if (target.startsWith("#")) return `#${label !== "" ? label.replace(/^#/, "") : target.slice(1)}`;
  if (target.startsWith("!")) return special(target.slice(1), label);
  const url = unescapeSlack(target);
  if (label === "" || label === url || label === url.replace(/^(?:mailto:|tel:|https?:\/\/)/, "")) {
    return label !== "" ? label : url;
  }
  return `${label} (${url})`;
}

/** `<!here>`, `<!channel>`, `<!everyone>`, `<!subteam^ID|@handle>`, `<!date^…|fallback>`, … */
function special(command: string, label: string): string {
  const [name = "", id = ""] = command.split("^");
  if (name === "here" || name === "channel" || name === "everyone") return `@${name}`;
  if (name === "subteam") return label !== "" ? `@${label.replace(/^@/, "")}` : `@${id}`;
  if (label !== "") return label;
  if (name === "date" && /^\d+$/.test(id)) return new Date(Number(id) * 1000).toISOString();
  return `@${unescapeSlack(command)}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A bounded, expiring cache of looked-up names: at most `max` entries (the least recently used one
 * goes first), each kept `ttlMs` (a failed lookup only `failureTtlMs`). Concurrent lookups of one
 * key share a single call, and a lookup slower than `timeoutMs` counts as failed.
 */
export class NameCache {
  private readonly entries = new Map<string, { name: Promise<string | undefined>; expires: number }>();

  constructor(
    private readonly options: {
      max: number;
      ttlMs: number;
      failureTtlMs: number;
      timeoutMs: number;
      now?: () => number;
    },
  ) {}

  get(key: string, lookup: () => Promise<string | undefined>): Promise<string | undefined> {
    const now = this.now();
    const hit = this.entries.get(key);
    this.entries.delete(key);
    if (hit && hit.expires > now) {
      this.entries.set(key, hit);
      return hit.name;
    }
    const entry = { name: this.lookup(lookup), expires: now + this.options.ttlMs };
    void entry.name.then((name) => {
      if (name === undefined) entry.expires = Math.min(entry.expires, this.now() + this.options.failureTtlMs);
    });
    this.entries.set(key, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.max) break;
      this.entries.delete(oldest);
    }
    return entry.name;
  }

  get size(): number {
    return this.entries.size;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async lookup(lookup: () => Promise<string | undefined>): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((done) => {
      timer = setTimeout(() => done(undefined), this.options.timeoutMs);
    });
    try {
      return await Promise.race([lookup().catch(() => undefined), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * What a person types in Slack, and the text Slack delivers for it ("Formatting text for app
 * surfaces → escaping"): the `&`, `<` and `>` a user typed arrive as `&amp;`, `&lt;`, `&gt;` in
 * message events and slash-command `text`; mentions, channel references and links the client turned
 * into entities arrive in angle brackets. Tests say what was typed (a string) or mix it with
 * entities (`["fix ", slackEntity.user("U1"), " a < b"]`, or the `slackTyped` tag); the fake delivers
 * what Slack would.
 */

const ENTITY = Symbol("slackEntity");

/** A piece of delivered text the Slack client produced (a mention, a link…): sent verbatim. */
export interface SlackEntity {
  readonly [ENTITY]: string;
}

/** Typed text: a string (escaped on delivery) or strings and entities in order. */
export type SlackTypedText = string | readonly (string | SlackEntity)[];

/** Slack's escaping of the three control characters. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const entity = (wire: string): SlackEntity => ({ [ENTITY]: wire });
const label = (text: string | undefined): string => (text === undefined ? "" : `|${slackEscape(text)}`);

export const slackEntity = {
  /** `<@U123>`, or `<@U123|name>` (slash commands with "escape users" on). */
  user: (id: string, name?: string): SlackEntity => entity(`<@${id}${label(name)}>`),
  /** `<#C123|general>`, or `<#C123>` without a name. */
  channel: (id: string, name?: string): SlackEntity => entity(`<#${id}${label(name)}>`),
  /** `<https://x.y|label>`, `<https://x.y>`, `<mailto:a@b.c|a@b.c>`. */
  link: (url: string, text?: string): SlackEntity => entity(`<${slackEscape(url)}${label(text)}>`),
  /** `<!here>`, `<!channel>`, `<!everyone>`. */
  broadcast: (name: "here" | "channel" | "everyone"): SlackEntity => entity(`<!${name}>`),
  /** `<!subteam^S123|@handle>`. */
  subteam: (id: string, handle: string): SlackEntity => entity(`<!subteam^${id}${label(handle)}>`),
  /** `<!date^1392734382^{date_short}|Feb 18, 2014>`. */
  date: (unixSeconds: number, format: string, fallback: string): SlackEntity =>
    entity(`<!date^${unixSeconds}^${format}${label(fallback)}>`),
  /** Wire text exactly as given, for text no Slack client would produce (malformed entities). */
  raw: (wire: string): SlackEntity => entity(wire),
};

/** Template tag: literal parts and interpolated strings are typed text, interpolated entities are entities. */
export function slackTyped(
  strings: TemplateStringsArray,
  ...values: (string | SlackEntity)[]
): (string | SlackEntity)[] {
  const out: (string | SlackEntity)[] = [];
  strings.forEach((s, i) => {
    out.push(s);
    const value = values[i];
    if (value !== undefined) out.push(value);
  });
  return out;
}

function isEntity(part: unknown): part is SlackEntity {
  return typeof part === "object" && part !== null && ENTITY in part;
}

/** Whether `value` is typed text this module can deliver (for fields typed `unknown`). */
export function isSlackTypedText(value: unknown): value is SlackTypedText {
  return (
    typeof value === "string" ||
    (Array.isArray(value) && value.every((p) => typeof p === "string" || isEntity(p)))
  );
}

/** The text Slack delivers for what was typed. */
export function slackDelivered(typed: SlackTypedText): string {
  if (typeof typed === "string") return slackEscape(typed);
  return typed.map((part) => (typeof part === "string" ? slackEscape(part) : part[ENTITY])).join("");
}

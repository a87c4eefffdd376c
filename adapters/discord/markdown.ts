import { labelMisleads } from "../common/link-label.js";

/**
 * Discord Markdown helpers. Pings are prevented by `allowed_mentions` on every message; on top of
 * that, mention syntax in untrusted text is broken with a zero-width space so it never even renders.
 */
const zw = "\u200b";

/** Every character a client may show as a line break. */
const lineBreaks = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;

/**
 * A masked link `[label](url)`, `[label](<url>)` or `[label](url "title")`, the label holding at most
 * one level of `[…]`. Discord's own parser accepts a little more (unbalanced parentheses, a lone `]`
 * in the label); whatever this pattern misses is defused by `modelMarkdown` instead of vetted.
 * Every part is unambiguous, so matching takes no catastrophic backtracking.
 */
const maskedLink =
  /\[((?:\[[^[\]]*\]|[^[\]])*)\]\(\s*<?((?:\([^()\s]*\)|[^\s\\()<>]|\\.)*)>?(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/g;

/** `](` before something that may be a URL (`https:`, `<https:`, `https\:`), as a leftover link. */
const linkStart = /\]\((?=\s*<?[a-z][a-z0-9+.\\-]*\\?:)/gi;

/** Defuses `@everyone`, `@here`, `<@…>`, `<@&…>`, `<#…>` and `</cmd:id>` in text that is shown as Markdown. */
export function defuseMentions(text: string): string {
  return text.replace(/@(everyone|here)\b/gi, `@${zw}$1`).replace(/<(@[!&]?|#|\/)/g, `<${zw}$1`);
}

/** Plain text: no formatting of its own, and no mentions. */
export function escapePlain(text: string): string {
  return defuseMentions(text)
    .replace(/([\\*_~`|])/g, "\\$1")
    .replace(/^(\s*)([>#-])/gm, "$1\\$2");
}

/**
 * Untrusted text as a block quote of plain text: every line starts with `> `, so it can never read
 * as a line of the bridge's own, and nothing in it formats, links (`://` and `[` are broken or
 * escaped), mentions or renders a `<…>` tag (timestamps, custom emoji).
 */
export function quotePlain(text: string): string {
  return text
    .split(lineBreaks)
    .map((line) => `> ${plainLine(line)}`)
    .join("\n");
}

function plainLine(line: string): string {
  return escapePlain(line.replace(/</g, `<${zw}`).replace(/:\/\//g, `:${zw}//`))
    .replace(/[[\]]/g, "\\$&")
    .replace(/^(\s*)(\d+)\.(?=\s)/, "$1$2\\.")
    .replace(/^(\s*)\+(?=\s)/, "$1\\+");
}

export function codeSpan(text: string): string {
  const body = defuseMentions(text).replace(/`/g, "ˋ").replace(/\n/g, " ");
  return `\`${body.length > 0 ? body : " "}\``;
}

export function codeBlock(text: string, language = ""): string {
  const lang = /^[\w+-]{1,20}$/.test(language) ? language : "";
  return `\`\`\`${lang}\n${text.replace(/```/g, `\`${zw}\`\``)}\n\`\`\``;
}

/**
 * Model Markdown is native to Discord: mentions are defused, and a masked link whose label names
 * another site than its target (`[github.com](https://evil.example)`) is shown as its label followed
 * by the real target. Any other `](` before a URL that Discord might still read as a link is escaped.
 */
export function modelMarkdown(text: string): string {
  const kept: string[] = [];
  const vetted = defuseMentions(text.replace(/\uE000/g, "")).replace(
    maskedLink,
    (whole, label: string, href: string) => {
      kept.push(labelMisleads(label, unescapeHref(href)) ? shownTarget(label, unescapeHref(href)) : whole);
      return `\uE000${kept.length - 1}\uE000`;
    },
  );
  return vetted
    .replace(linkStart, "]\\(")
    .replace(/\uE000(\d+)\uE000/g, (_m, i: string) => kept[Number(i)] ?? "");
}

function unescapeHref(href: string): string {
  return href.replace(/\\(.)/g, "$1");
}

/** A spoofing link undone: its label as plain text, then the target it really opens. */
function shownTarget(label: string, href: string): string {
  const target = /^https?:\/\/[^\s<>]+$/.test(href) ? `<${href}>` : codeSpan(href);
  return `${escapePlain(label).replace(/[[\]]/g, "\\$&").replace(linkStart, "]\\(")} (${target})`;
}

export function link(url: string, label: string): string {
  if (!/^https?:\/\/[^\s<>()]+$/.test(url)) return escapePlain(label);
  return `[${escapePlain(label).replace(/[[\]]/g, "")}](${url})`;
}

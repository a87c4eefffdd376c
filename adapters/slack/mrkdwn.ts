import { labelMisleads } from "../common/link-label.js";

/**
 * Slack mrkdwn helpers. Everything that reaches Slack as text goes through `escapeText`, so model
 * output can never form `<!channel>`, `<!here>`, `<@U…>` or link syntax of its own.
 */

/** Escapes the three characters Slack treats as control characters, and defuses bare @channel words. */
export function escapeText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(channel|here|everyone)\b/gi, "@\u200b$1");
}

/** Inline code: backticks inside would end the span early, so they are swapped for a look-alike. */
export function codeSpan(text: string): string {
  const body = escapeText(text).replace(/`/g, "ˋ").replace(/\n/g, " ");
  return `\`${body.length > 0 ? body : " "}\``;
}

export function codeBlock(text: string): string {
  return `\`\`\`${escapeText(text).replace(/```/g, "ˋˋˋ")}\`\`\``;
}

/** A link Slack will render: only http(s) URLs, with no characters that could break out of `<…|…>`. */
export function link(url: string, label: string): string {
  const safeLabel = escapeText(label).replace(/\|/g, "¦");
  if (!/^https?:\/\/[^\s<>|]+$/.test(url)) return safeLabel;
  return `<${url.replace(/&/g, "&amp;")}|${safeLabel}>`;
}

/**
 * A link written by the model: a label that names another site than the target (`[github.com](https://evil.example)`)
 * is shown as text followed by the real target, never as the link's face.
 */
function modelLink(url: string, label: string): string {
  if (!labelMisleads(label, url)) return link(url, label);
  return `${escapeText(label)} (${link(url, url)})`;
}

/** Every character a client may show as a line break. */
const lineBreaks = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;

/**
 * Untrusted text shown as a block quote: every line starts with `>`, so it can never read as a line
 * of the bridge's own; `& < >` are escaped and `* _ ~ \`` swapped for look-alikes (`_` only where it
 * could open or close italics), so it is never formatting, a link or a mention (the section is sent
 * with `verbatim`, so Slack links nothing).
 */
export function quoteLines(text: string): string[] {
  return text.split(lineBreaks).map((line) => `> ${plain(line)}`);
}

function plain(text: string): string {
  return (
    escapeText(text)
      .replace(/\*/g, "∗")
      // Slack italicises only from and to a word's edge: `snake_case` names keep their underscores.
      .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, "ˍ")
      .replace(/~/g, "∼")
      .replace(/`/g, "ˋ")
  );
}

/**
 * Converts model Markdown to Slack mrkdwn: bold, italics, strike-through, links, headings and lists;
 * code spans and fenced blocks are kept verbatim (escaped). Anything else is shown as plain text.
 */
export function markdownToMrkdwn(markdown: string): string {
  const out: string[] = [];
  let inFence = false;
  for (const line of markdown.split("\n")) {
    const fence = line.trimStart().startsWith("```");
    if (fence) {
      out.push(inFence ? "```" : "```");
      inFence = !inFence;
      continue;
    }
    out.push(inFence ? escapeText(line).replace(/```/g, "ˋˋˋ") : convertLine(line));
  }
  if (inFence) out.push("```");
  return out.join("\n");
}

function convertLine(line: string): string {
  const heading = /^\s{0,3}#{1,6}\s+(.*)$/.exec(line);
  if (heading) return `*${convertInline(heading[1] ?? "").replace(/\*/g, "")}*`;
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) return `${bullet[1] ?? ""}• ${convertInline(bullet[2] ?? "")}`;
  return convertInline(line);
}

/** Splits a line into code spans and prose; only prose gets Markdown conversion. */
function convertInline(line: string): string {
  const parts = line.split(/(`[^`]+`)/);
  return parts
    .map((part, i) => (i % 2 === 1 ? `\`${escapeText(part.slice(1, -1))}\`` : convertProse(part)))
    .join("");
}

function convertProse(text: string): string {
  const links: string[] = [];
  // Pull links out before escaping so their URLs survive, then put them back as Slack links.
  const withoutLinks = text
    .replace(/\uE000/g, "")
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) => {
      links.push(modelLink(url, label));
      return `\uE000${links.length - 1}\uE000`;
    });
  return escapeText(withoutLinks)
    .replace(/\*\*(.+?)\*\*/g, "*$1*")
    .replace(/__(.+?)__/g, "_$1_")
    .replace(/~~(.+?)~~/g, "~$1~")
    .replace(/\uE000(\d+)\uE000/g, (_m, i: string) => links[Number(i)] ?? "");
}

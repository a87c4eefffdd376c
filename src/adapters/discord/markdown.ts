/**
 * Discord Markdown helpers. Pings are prevented by `allowed_mentions` on every message; on top of
 * that, mention syntax in untrusted text is broken with a zero-width space so it never even renders.
 */
const zw = "\u200b";

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

export function codeSpan(text: string): string {
  const body = defuseMentions(text).replace(/`/g, "ˋ").replace(/\n/g, " ");
  return `\`${body.length > 0 ? body : " "}\``;
}

export function codeBlock(text: string, language = ""): string {
  const lang = /^[\w+-]{1,20}$/.test(language) ? language : "";
  return `\`\`\`${lang}\n${text.replace(/```/g, `\`${zw}\`\``)}\n\`\`\``;
}

/** Model Markdown is native to Discord: only mentions are defused. */
export function modelMarkdown(text: string): string {
  return defuseMentions(text);
}

export function link(url: string, label: string): string {
  if (!/^https?:\/\/[^\s<>()]+$/.test(url)) return escapePlain(label);
  return `[${escapePlain(label).replace(/[[\]]/g, "")}](${url})`;
}

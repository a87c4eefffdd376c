/**
 * Whether the visible label of a model-written link names another site than the link opens, as in
 * `[https://github.com/login](https://evil.example/x)`. Adapters then show the real target instead
 * of a link. Platform-neutral: both the Slack and the Discord renderers use it.
 */

const scheme = /^[a-z][a-z0-9+.-]*:\/\//i;
/** URL-like words inside a longer label: `see https://x.y/z` or `at www.x.y`. */
const urlWords = /[a-z][a-z0-9+.-]*:\/\/[^\s<>()[\]"']+|\bwww\.[^\s<>()[\]"']+/gi;
/** Invisible characters a label could hide between the letters of a host name. */
const invisible = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/g;
/**
 * Common file extensions: a bare label such as `README.md` or `package.json` names a file, not a
 * site (a label with a scheme, `www.` or a path is still checked). Extensions that are popular site
 * domains (`.io`, `.rs`, `.sh`, `.pl`, `.zip`…) are left out on purpose.
 */
const fileLike = new Set(
  (
    "md mdx txt rst adoc json jsonc yml yaml toml ini cfg conf env lock log csv tsv xml html htm css scss " +
    "js mjs cjs jsx ts mts cts tsx py pyi ipynb rb go java kt kts scala swift php bash zsh ps1 bat " +
    "cmd lua dart ex exs erl hs sql gradle cpp hpp cs vue svelte png jpg jpeg gif svg pdf"
  ).split(" "),
);

/** True when `label` looks like a URL or a host name whose host differs from the host of `url`. */
export function labelMisleads(label: string, url: string): boolean {
  const target = hostOf(url);
  const clean = label.replace(invisible, "").replace(/[\\*_~`|]/g, "");
  const whole = clean.trim().replace(/^[<("'[]+|[>)"'\].,;:!?]+$/g, "");
  const candidates = [whole, ...(clean.match(urlWords) ?? [])];
  return candidates.some((word) => {
    const host = labelHost(word);
    return host !== undefined && (target === undefined || normalise(host) !== normalise(target));
  });
}

/** The host a label names, `""` for a URL-like label no host can be read from, else undefined. */
function labelHost(word: string): string | undefined {
  const withScheme = scheme.test(word);
  const authority = /^[^/?#\s]*/.exec(word.replace(scheme, ""))?.[0] ?? "";
  if (!withScheme) {
    if (/\s/.test(word) || !/^[^@:]+\.[\p{L}][\p{L}\p{N}-]+\.?(?::\d+)?$/u.test(authority)) return undefined;
    const tld = authority.replace(/:\d+$/, "").split(".").pop()?.toLowerCase() ?? "";
    const bare = authority === word && !/^www\./i.test(word);
    if (bare && fileLike.has(tld)) return undefined;
  }
  // `https://github.com@evil.example` opens evil.example but reads as github.com.
  if (authority.includes("@")) return "";
  try {
    return new URL(`http://${authority}`).hostname;
  } catch {
    return "";
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}

function normalise(host: string): string {
  return host
    .toLowerCase()
    .replace(/\.$/, "")
    .replace(/^www\./, "");
}

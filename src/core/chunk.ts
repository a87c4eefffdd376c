/**
 * Splits Markdown into pieces of at most `limit` characters without breaking code blocks:
 * a fence open at a split is closed at the end of one piece and reopened at the start of the next.
 */
export function chunkMarkdown(text: string, limit: number): string[] {
  if (limit < 40) throw new RangeError("chunk limit too small");
  if (text.length <= limit) return [text];
  const chunks: string[] = [];
  let current = "";
  let fence: string | undefined; // the opening fence line while inside a code block

  const closing = () => (fence === undefined ? "" : "\n```");
  const flush = () => {
    if (current.length === 0) return;
    chunks.push(current + closing());
    current = fence ?? "";
  };
  const append = (line: string) => {
    const sep = current.length === 0 ? "" : "\n";
    if (current.length + sep.length + line.length + closing().length > limit) {
      flush();
      return append(line);
    }
    current += sep + line;
  };

  for (const rawLine of text.split("\n")) {
    const room = limit - (fence?.length ?? 0) - 5;
    const pieces = rawLine.length > room ? splitLong(rawLine, room) : [rawLine];
    const isFence = rawLine.trimStart().startsWith("```");
    if (isFence && fence !== undefined && current === fence) {
      // The block was just reopened after a split and closes at once: drop the empty block.
      current = "";
      fence = undefined;
      continue;
    }
    for (const piece of pieces) append(piece);
    if (isFence) fence = fence === undefined ? rawLine.trim() : undefined;
  }
  if (current.length > 0 && current !== fence) chunks.push(current + closing());
  return chunks;
}

function splitLong(line: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < line.length; i += size) out.push(line.slice(i, i + size));
  return out;
}

/** Small text helpers shared by the apply_patch modules. */

/** Quotes user or file text for an error message, cut to `max` characters. */
export function quote(text: string, max = 100): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return `'${cut}'`;
}

/** Lines shown verbatim behind a gutter, at most `maxLines` of them, each cut to 120 chars. */
export function excerpt(lines: readonly string[], maxLines = 10, gutter = "  | "): string {
  const shown = lines.slice(0, maxLines).map((line) => {
    const cut = line.length > 120 ? `${line.slice(0, 120)}…` : line;
    return `${gutter}${cut}`;
  });
  if (lines.length > maxLines) shown.push(`${gutter}… (${lines.length - maxLines} more lines)`);
  return shown.join("\n");
}

/** Lines with their 1-based numbers in a right-aligned gutter, as an editor shows them. */
export function numbered(lines: readonly string[], firstLine: number): string {
  const width = String(firstLine + lines.length - 1).length;
  return lines
    .map((line, i) => {
      const cut = line.length > 120 ? `${line.slice(0, 120)}…` : line;
      return `  ${String(firstLine + i).padStart(width)} | ${cut}`;
    })
    .join("\n");
}

/** How errors name a hunk: its number and its `@@` headers, e.g. "hunk 2 (@@ class Foo)". */
export function hunkLabel(headers: readonly string[], index: number): string {
  const shown = headers.length > 0 ? headers.map((h) => `@@ ${h}`).join(" ") : "@@";
  return `hunk ${index + 1} (${quoteless(shown)})`;
}

function quoteless(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/**
 * Keeps the head and the tail of a long text: the start of a command's output says what
 * ran, the end says how it finished, and the middle is what a model can best do without.
 */
export function truncateOutput(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  // The marker's own length depends on the count; reserve room for the widest one.
  const reserve = marker(text.length).length;
  const room = Math.max(0, maxChars - reserve);
  const headEnd = safeCut(text, Math.ceil(room / 2));
  const tailStart = safeCut(text, text.length - Math.floor(room / 2));
  return text.slice(0, headEnd) + marker(tailStart - headEnd) + text.slice(tailStart);
}

function marker(removed: number): string {
  return `\n[… ${removed} characters truncated …]\n`;
}

/** Moves a cut off the middle of a surrogate pair so no half character is left behind. */
function safeCut(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff ? index - 1 : index;
}

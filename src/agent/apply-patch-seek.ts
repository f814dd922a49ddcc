/**
 * Locates a hunk's lines in a file with decreasing strictness, as Codex does: exact, then
 * ignoring trailing whitespace, then ignoring surrounding whitespace, then also treating
 * typographic punctuation as ASCII. Models retype code from memory, so exact-only
 * matching fails on invisible differences. Pure.
 */

type Normalise = (line: string) => string;

const LEVELS: readonly Normalise[] = [
  (line) => line,
  (line) => line.trimEnd(),
  (line) => line.trim(),
  (line) => asciiPunctuation(line.trim()),
];

/** Maps typographic dashes, quotes and spaces to their ASCII look-alikes. */
export function asciiPunctuation(text: string): string {
  return text
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(/[\u2018-\u201B]/g, "'")
    .replace(/[\u201C-\u201F]/g, '"')
    .replace(/[\u00A0\u2002-\u200A\u202F\u205F\u3000]/g, " ");
}

/**
 * Index of the first occurrence of `pattern` in `lines` at or after `start`. With `atEnd`,
 * the position that ends the file is tried first at every level, then the forward search.
 */
export function seekLines(lines: readonly string[], pattern: readonly string[], start: number, atEnd: boolean): number | undefined {
  if (pattern.length === 0) return start;
  const last = lines.length - pattern.length;
  if (last < start) return undefined;
  const levels = LEVELS.map((normalise) => ({ file: lines.map(normalise), want: pattern.map(normalise) }));
  if (atEnd && levels.some(({ file, want }) => matchesAt(file, want, last))) return last;
  for (const { file, want } of levels) {
    for (let i = start; i <= last; i++) if (matchesAt(file, want, i)) return i;
  }
  return undefined;
}

/**
 * Index of the line that an `@@` header names, at or after `start`: a whole-line match at
 * any level first, then a line that contains the header, because models often write only
 * the signature ("def greet():") of a longer line.
 */
export function seekHeader(lines: readonly string[], header: string, start: number): number | undefined {
  const whole = seekLines(lines, [header], start, false);
  if (whole !== undefined) return whole;
  const needle = asciiPunctuation(header.trim());
  for (let i = start; i < lines.length; i++) {
    if (asciiPunctuation(lines[i] ?? "").includes(needle)) return i;
  }
  return undefined;
}

function matchesAt(file: readonly string[], want: readonly string[], at: number): boolean {
  return want.every((line, j) => file[at + j] === line);
}

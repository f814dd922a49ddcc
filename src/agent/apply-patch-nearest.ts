/**
 * Finds where a file looks most like the lines a failed hunk expected, so the error can
 * show the model what is really there instead of only saying "not found". Pure.
 */
import { asciiPunctuation } from "./apply-patch-seek.ts";
import { numbered } from "./apply-patch-text.ts";

/** Below this similarity a region is noise, and showing it would mislead. */
const MIN_SCORE = 0.5;
const MAX_SHOWN = 10;

export interface Region {
  /** 0-based index of the region's first line. */
  index: number;
  /** Similarity from 0 to 1. */
  score: number;
}

/** The window of `pattern.length` lines most similar to `pattern`, long lines weighing more. */
export function nearestRegion(lines: readonly string[], pattern: readonly string[]): Region | undefined {
  if (lines.length === 0 || pattern.length === 0) return undefined;
  const file = lines.map(bigrams);
  const want = pattern.map(bigrams);
  const weights = want.map((grams) => Math.max(1, grams.size));
  const total = weights.reduce((a, b) => a + b, 0);
  const width = Math.min(pattern.length, lines.length);
  let best: Region = { index: 0, score: -1 };
  for (let i = 0; i + width <= lines.length; i++) {
    let sum = 0;
    for (let j = 0; j < width; j++) sum += (weights[j] ?? 0) * dice(file[i + j], want[j]);
    if (sum / total > best.score) best = { index: i, score: sum / total };
  }
  return best;
}

/** A paragraph for the error message: the closest region with line numbers, or why there is none. */
export function describeNearest(lines: readonly string[], pattern: readonly string[], path: string): string {
  const region = nearestRegion(lines, pattern);
  if (lines.length === 0) return `'${path}' is empty.`;
  if (!region || region.score < MIN_SCORE) {
    return `Nothing in '${path}' (${lines.length} lines) resembles these lines; read the file again before retrying.`;
  }
  const width = Math.min(pattern.length, lines.length, MAX_SHOWN);
  // One line either side helps the model see where the region sits.
  const from = Math.max(0, region.index - 1);
  const to = Math.min(lines.length, region.index + width + 1);
  const percent = Math.round(region.score * 100);
  return [
    `Closest region in '${path}' (line ${region.index + 1}, ${percent}% similar):`,
    numbered(lines.slice(from, to), from + 1),
  ].join("\n");
}

function bigrams(line: string): Set<string> {
  const text = asciiPunctuation(line.trim()).toLowerCase();
  if (text.length < 2) return new Set(text === "" ? [] : [text]);
  const grams = new Set<string>();
  for (let i = 0; i + 1 < text.length; i++) grams.add(text.slice(i, i + 2));
  return grams;
}

/** Sørensen–Dice similarity of two bigram sets; two blank lines are identical. */
function dice(a: Set<string> | undefined, b: Set<string> | undefined): number {
  if (!a || !b) return 0;
  if (a.size === 0 || b.size === 0) return a.size === b.size ? 1 : 0;
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared++;
  return (2 * shared) / (a.size + b.size);
}

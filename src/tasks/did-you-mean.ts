/** "Did you mean …" hints for misspelt keys and values. */

/** Optimal string alignment distance: Levenshtein plus transposition of two neighbours. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** `did you mean "x"?` for the closest candidate, if one is close enough. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const name = closestName(word, candidates);
  return name === undefined ? undefined : `did you mean "${name}"?`;
}

/** The candidate within distance 2 of `word`, or sharing a prefix of 3 or more with it. */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  // Keys are short; a long unknown key is not a typo of one, and the distance table is quadratic.
  if (word.length === 0 || word.length > 64) return undefined;
  const lower = word.toLowerCase();
  let best: { name: string; score: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(lower, name);
    const prefix = lower.length >= 3 && (name.startsWith(lower) || lower.startsWith(name));
    const score = distance <= 2 ? distance : prefix ? 3 : Infinity;
    if (score < (best?.score ?? Infinity)) best = { name, score };
  }
  return best?.name;
}

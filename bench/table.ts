/**
 * Markdown tables and the summary rows every part contributes: pure, so the smoke test
 * checks the arithmetic (ratios, targets met) without running anything.
 */

export type Align = "left" | "right";

/** A GitHub-flavoured markdown table; `align` per column (default: first left, the rest right). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string {
  const width = header.length;
  for (const [i, row] of rows.entries()) {
    if (row.length !== width) throw new Error(`table row ${i + 1} has ${row.length} cells, the header ${width}`);
  }
  const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(" | ")} |`;
  const rule = header.map((_, i) => ((align?.[i] ?? (i === 0 ? "left" : "right")) === "right" ? "---:" : "---"));
  return [line(header), `|${rule.join("|")}|`, ...rows.map(line)].join("\n");
}

/** A target from the issue: `value` (or its ratio to the floor) must be at most / at least `limit`. */
export interface Target {
  op: "≤" | "≥";
  limit: number;
  on: "value" | "ratio";
}

export interface SummaryRow {
  measurement: string;
  value: number;
  unit: string;
  /** What the value is compared with, measured in the same run. */
  floor?: { value: number; name: string };
  target?: Target;
}

/** What each part of the bench returns: its own section (markdown) and its rows of the summary. */
export interface PartResult {
  text: string;
  summary: SummaryRow[];
}

/** Median of the numbers that are not NaN (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const sorted = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function ratioOf(row: SummaryRow): number | undefined {
  return row.floor === undefined ? undefined : row.value / row.floor.value;
}

/** true or false when the row has a target, undefined when not (or the value is missing). */
export function targetMet(row: SummaryRow): boolean | undefined {
  if (!row.target) return undefined;
  const x = row.target.on === "ratio" ? ratioOf(row) : row.value;
  if (x === undefined || !Number.isFinite(x)) return undefined;
  return row.target.op === "≤" ? x <= row.target.limit : x >= row.target.limit;
}

const DIGITS: Record<string, number> = { ms: 0, "%": 2, MB: 1, "tasks/min": 1, B: 0, tokens: 0 };

/** A number with its unit, rounded as the unit deserves; "n/a" when it was not measured. */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return "n/a";
  const digits = DIGITS[unit] ?? 2;
  return `${value.toFixed(digits)} ${unit}`.trim();
}

export function formatRatio(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? "" : `${ratio.toFixed(2)}×`;
}

function formatTarget(row: SummaryRow): string {
  const t = row.target;
  if (!t) return "";
  return t.on === "ratio" ? `${t.op} ${t.limit}× ${row.floor?.name ?? "floor"}` : `${t.op} ${formatValue(t.limit, row.unit)}`;
}

export function summaryTable(rows: readonly SummaryRow[]): string {
  const met = (row: SummaryRow): string => {
    const ok = targetMet(row);
    return ok === undefined ? "" : ok ? "yes" : "**no**";
  };
  return markdownTable(
    ["measurement", "value", "floor", "ratio", "target", "met?"],
    rows.map((row) => [
      row.measurement,
      formatValue(row.value, row.unit),
      row.floor ? `${formatValue(row.floor.value, row.unit)} (${row.floor.name})` : "",
      formatRatio(ratioOf(row)),
      formatTarget(row),
      met(row),
    ]),
    ["left", "right", "right", "right", "left", "left"],
  );
}

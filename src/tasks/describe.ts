/** Turning user input into short, quoted text for one-line error messages. */

export const QUOTE_MAX = 60;

/** `"text"`, JSON-escaped and cut to about `max` characters so one bad value cannot flood a log line. */
export function quote(text: string, max = QUOTE_MAX): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}

/** Names a parsed YAML value the way a person would: `"abc"`, `42`, `a list [1,2]`, `a mapping {"a":1}`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "string") return quote(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return `a list ${preview(value)}`;
  if (isMapping(value)) return `a mapping ${preview(value)}`;
  return `a ${Object.prototype.toString.call(value).slice(8, -1)}`;
}

/** A plain `{}` as yaml's toJS builds for a YAML mapping (not a Set, Map or Buffer from a `!!` tag). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === "[object Object]";
}

/**
 * Bounded JSON-like preview. YAML anchors can make shared or circular structures and
 * nesting can be deep, so this never recurses far and never visits more than a few items.
 */
function preview(value: unknown, depth = 0): string {
  const text = previewInner(value, depth);
  return text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX)}…` : text;
}

function previewInner(value: unknown, depth: number): string {
  if (Array.isArray(value)) {
    if (depth >= 2) return "[…]";
    const items = value.slice(0, 5).map((v) => previewInner(v, depth + 1));
    return `[${items.join(",")}${value.length > 5 ? ",…" : ""}]`;
  }
  if (isMapping(value)) {
    if (depth >= 2) return "{…}";
    const entries = Object.entries(value);
    const items = entries.slice(0, 5).map(([k, v]) => `${JSON.stringify(k)}:${previewInner(v, depth + 1)}`);
    return `{${items.join(",")}${entries.length > 5 ? ",…" : ""}}`;
  }
  if (typeof value === "string") return JSON.stringify(value.length > QUOTE_MAX ? `${value.slice(0, QUOTE_MAX)}…` : value);
  if (value === undefined) return "null";
  return typeof value === "object" && value !== null ? "…" : String(value);
}

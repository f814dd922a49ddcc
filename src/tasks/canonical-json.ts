import { isMapping } from "./describe.ts";

/**
 * JSON with object keys sorted and undefined members left out, so equal data always gives
 * equal text. Safe on what YAML can build: circular aliases, Sets, Buffers, Infinity.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, new Set());
}

function encode(value: unknown, ancestors: Set<object>): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value));
  if (typeof value !== "object") return JSON.stringify(String(value));
  if (ancestors.has(value)) return JSON.stringify("[Circular]");
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return `[${value.map((v: unknown) => encode(v, ancestors)).join(",")}]`;
    if (value instanceof Set) return encode([...(value as Set<unknown>)], ancestors);
    if (!isMapping(value)) return JSON.stringify(String(value));
    const members = Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${encode(value[k], ancestors)}`);
    return `{${members.join(",")}}`;
  } finally {
    ancestors.delete(value);
  }
}

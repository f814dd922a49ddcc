/**
 * The JSONL events of `codex exec --json`, as far as git-codex reads them. The shapes follow
 * Codex's `ThreadEvent` (codex-rs/exec/src/exec_events.rs): `thread.started`,
 * `turn.started|completed|failed`, `item.started|updated|completed` with a typed `item`,
 * and a fatal `error`. Parsing is loose on purpose: unknown fields are ignored, unknown
 * event and item types are kept for a transcript note, and nothing here throws.
 */

export interface CodexUsage {
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
}

/** A thread item: `id`, `type` and the fields of its type, read where they are used. */
export interface CodexItem {
  id: string;
  type: string;
  [field: string]: unknown;
}

export type CodexEvent =
  | { type: "thread.started"; threadId: string }
  | { type: "turn.started" }
  | { type: "turn.completed"; usage: CodexUsage }
  | { type: "turn.failed"; message: string }
  | { type: "item.started" | "item.updated" | "item.completed"; item: CodexItem }
  | { type: "error"; message: string }
  /** An event of a type this version does not map (`item.plan.delta`, `request_user_input` …). */
  | { type: "unknown"; name: string };

export type ParsedLine = { event: CodexEvent } | { malformed: string };

const ITEM_EVENTS = new Set(["item.started", "item.updated", "item.completed"]);

/** One stdout line of the agent: an event, or why it is not one. */
export function parseCodexLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { malformed: "not JSON" };
  }
  if (!isObject(value) || typeof value.type !== "string") return { malformed: "not an event (no type)" };
  const { type } = value;
  switch (type) {
    case "thread.started":
      return { event: { type, threadId: text(value.thread_id) } };
    case "turn.started":
      return { event: { type } };
    case "turn.completed":
      return { event: { type, usage: usageOf(value.usage) } };
    case "turn.failed":
      return { event: { type, message: isObject(value.error) ? text(value.error.message) : text(value.error) } };
    case "error":
      return { event: { type, message: text(value.message) } };
    default:
      if (!ITEM_EVENTS.has(type)) return { event: { type: "unknown", name: type } };
      if (!isObject(value.item) || typeof value.item.type !== "string") return { malformed: `${type} without an item type` };
      return { event: { type: type as "item.completed", item: { ...value.item, id: text(value.item.id), type: value.item.type } } };
  }
}

function usageOf(raw: unknown): CodexUsage {
  const usage = isObject(raw) ? raw : {};
  return { input_tokens: count(usage.input_tokens), cached_input_tokens: count(usage.cached_input_tokens), output_tokens: count(usage.output_tokens) };
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

export function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

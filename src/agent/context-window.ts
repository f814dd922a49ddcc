import { createHash } from "node:crypto";
import type { Item, ToolSpec } from "./types.ts";

/**
 * How many input tokens a model accepts, as published when this table was written. The
 * GPT-5 family takes 400k tokens in all, of which 272k may be input. A machine overrides
 * or extends it in its models file (see src/agent/model-catalog.ts).
 */
export const CONTEXT_WINDOWS: Readonly<Record<string, number>> = {
  "gpt-5.1-codex": 272_000,
  "gpt-5.1-codex-mini": 272_000,
  "gpt-5.1": 272_000,
  "gpt-5-codex": 272_000,
  "gpt-5": 272_000,
  "gpt-5-mini": 272_000,
  "gpt-5-nano": 272_000,
  "gpt-4.1": 1_047_576,
  "gpt-4.1-mini": 1_047_576,
  "gpt-4o": 128_000,
  "gpt-4o-mini": 128_000,
};

/** For a model the table does not know: common among current servers; local ones often have less (set it). */
export const DEFAULT_CONTEXT_WINDOW = 128_000;

const SNAPSHOT_SUFFIX = /-\d{4}-\d{2}-\d{2}$/;

export function contextWindowOf(model: string, windows: Readonly<Record<string, number>> = CONTEXT_WINDOWS): number {
  return windows[model] ?? windows[model.replace(SNAPSHOT_SUFFIX, "")] ?? DEFAULT_CONTEXT_WINDOW;
}

/** Characters per token: the usual rule of thumb for English and code, with no tokenizer at hand. */
const CHARS_PER_TOKEN = 4;

export function tokensOfChars(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** What the last request sent, as the server counted it: the anchor of the next estimate. */
export interface SentRequest {
  inputTokens: number;
  /** How many items the conversation had when it was sent. */
  items: number;
}

export interface RequestParts {
  instructions: string;
  tools: readonly ToolSpec[];
  items: readonly Item[];
}

/**
 * The next request's input in tokens, erring high: the server's own count of the last
 * request plus the size of what was appended since, or the size of the whole request,
 * whichever is larger (a server that reports no usage must not make it look free).
 */
export function estimateInputTokens(parts: RequestParts, sent: SentRequest | undefined): number {
  const whole = tokensOfChars(parts.instructions.length + JSON.stringify(parts.tools).length + charsOf(parts.items));
  if (!sent || sent.items > parts.items.length) return whole;
  return Math.max(whole, sent.inputTokens + tokensOfChars(charsOf(parts.items.slice(sent.items))));
}

export function charsOf(items: readonly Item[]): number {
  let chars = 0;
  for (const item of items) chars += JSON.stringify(item).length;
  return chars;
}

/**
 * The `prompt_cache_key` of a repository and model: every task there sends the same
 * instructions and tools first, so routing them to one cache makes that prefix cheap.
 * Hashed, so no path leaves the machine.
 */
export function promptCacheKey(repository: string, model: string): string {
  return `git-codex-${createHash("sha256").update(`${repository}\0${model}`).digest("hex").slice(0, 24)}`;
}

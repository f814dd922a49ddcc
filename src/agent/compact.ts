/**
 * Compaction: before a request that would come near the model's context window, old turns
 * are replaced by one summary the model writes itself, so a long task keeps going instead
 * of overflowing. The task prompt and the most recent turns stay exactly as they were.
 */
import { addUsage, planRequest } from "./budget.ts";
import { contextWindowOf, estimateInputTokens, type RequestParts } from "./context-window.ts";
import { classifyModelError } from "./model-errors.ts";
import { ModelRequestError, withRetry } from "./retry.ts";
import { emit, type RunState, type Stop } from "./run-state.ts";
import { truncateOutput } from "./truncate.ts";
import type { AgentOptions, Item, ModelResponse } from "./types.ts";

export const DEFAULT_COMPACT_THRESHOLD = 0.8;
export const DEFAULT_KEEP_ITEMS = 8;
export const SUMMARY_PREFIX = "Summary of earlier work: ";
/** A summary is short by design; a budget may lower this further. */
const SUMMARY_MAX_OUTPUT_TOKENS = 4_096;
/** Each old item is shown to the summariser at most this long: enough to know what happened. */
const RENDERED_ITEM_CHARS = 2_000;

export const COMPACTION_INSTRUCTIONS = [
  "You summarise the earlier part of a coding agent's work so that it can continue with less context.",
  "Write a concise, factual summary in plain text: what was done so far and what was learned,",
  "which files were read, created or changed (with their paths), decisions made and why,",
  "and what remains to be done. Do not address the agent, do not invent anything, no preamble.",
].join("\n");

export interface Split {
  /** The task prompt: always kept. */
  prompt: Item;
  /** Whole turns to replace by the summary, oldest first. */
  old: Item[];
  /** Whole turns kept as they are. */
  recent: Item[];
}

/**
 * Groups items into units that must stay together: one model answer (its reasoning, text
 * and calls) with the outputs of its calls, or a user message on its own. Splitting a call
 * from its output would make the conversation invalid for the API.
 */
export function unitsOf(items: readonly Item[]): Item[][] {
  const units: Item[][] = [];
  let current: Item[] | undefined;
  let previous: Item | undefined;
  for (const item of items) {
    const user = item.type === "message" && item.role === "user";
    const answerStarts = !user && item.type !== "function_call_output" && (previous === undefined || !isAnswer(previous));
    if (user || answerStarts || current === undefined) {
      current = [];
      units.push(current);
    }
    current.push(item);
    previous = item;
    // A user message stands alone: what follows it starts a new unit.
    if (user) current = undefined;
  }
  return units;
}

function isAnswer(item: Item): boolean {
  return item.type === "reasoning" || item.type === "function_call" || (item.type === "message" && item.role === "assistant");
}

/** The prompt, the old turns and at least `keepItems` recent items in whole units; undefined when nothing is old enough. */
export function splitForCompaction(items: readonly Item[], keepItems: number): Split | undefined {
  const [prompt, ...rest] = items;
  if (prompt === undefined) return undefined;
  const units = unitsOf(rest);
  let start = units.length;
  let kept = 0;
  while (start > 0 && kept < keepItems) {
    start -= 1;
    kept += units[start]?.length ?? 0;
  }
  if (start === 0) return undefined;
  return { prompt, old: units.slice(0, start).flat(), recent: units.slice(start).flat() };
}

/** The one user message of the summary request: the task, then the old turns as text. */
export function summaryPrompt(split: Split): string {
  const task = split.prompt.type === "message" ? split.prompt.text : renderItem(split.prompt);
  return [`The task:\n${task}`, `The earlier work, oldest first:\n${split.old.map(renderItem).filter((line) => line !== "").join("\n")}`, "Summarise this earlier work as instructed."].join("\n\n");
}

function renderItem(item: Item): string {
  const cap = (text: string): string => truncateOutput(text, RENDERED_ITEM_CHARS);
  switch (item.type) {
    case "message": return `[${item.role}] ${cap(item.text)}`;
    // Encrypted reasoning cannot be shown; its summary, when there is one, can.
    case "reasoning": return item.summary.length > 0 ? `[reasoning] ${cap(item.summary.join(" "))}` : "";
    case "function_call": return `[call ${item.name}] ${cap(item.arguments)}`;
    case "function_call_output": return `[output] ${cap(item.output)}`;
  }
}

/**
 * Keeps the next request inside the model's context window: compacts when its estimated
 * input passes the threshold, and stops the run, with the numbers, when it cannot fit.
 */
export async function fitContext(state: RunState, options: AgentOptions, parts: () => RequestParts): Promise<Stop | undefined> {
  const window = options.contextWindow ?? contextWindowOf(options.model);
  const threshold = options.compaction?.threshold ?? DEFAULT_COMPACT_THRESHOLD;
  const before = estimateInputTokens(parts(), state.sent);
  if (before <= window * threshold) return undefined;
  const split = splitForCompaction(state.items, options.compaction?.keepItems ?? DEFAULT_KEEP_ITEMS);
  if (split) {
    const stop = await compact(state, options, split, before, parts);
    if (stop) return stop;
  }
  const after = estimateInputTokens(parts(), state.sent);
  if (after <= window) return undefined;
  const why = split ? "even after compacting the conversation" : "and the recent turns leave nothing to compact";
  return { outcome: "budget", reason: `context: the next request (≈${after.toLocaleString("en-US")} input tokens) exceeds ${options.model}'s window of ${window.toLocaleString("en-US")} tokens ${why}` };
}

async function compact(state: RunState, options: AgentOptions, split: Split, tokensBefore: number, parts: () => RequestParts): Promise<Stop | undefined> {
  const items: Item[] = [{ type: "message", role: "user", text: summaryPrompt(split) }];
  const inputTokens = estimateInputTokens({ instructions: COMPACTION_INSTRUCTIONS, tools: [], items }, undefined);
  const plan = planRequest({ budget: options.budget, model: options.model, prices: options.prices, spent: state.usage, inputTokens, limit: options.spendLimit, maxOutputTokens: SUMMARY_MAX_OUTPUT_TOKENS });
  if (plan.stop) return { outcome: "budget", reason: `${plan.stop} (to summarise earlier turns before the context fills up)` };
  let response: ModelResponse;
  try {
    response = await withRetry(
      () => options.client.complete({
        model: options.model,
        instructions: COMPACTION_INSTRUCTIONS,
        items,
        tools: [],
        maxOutputTokens: plan.maxOutputTokens ?? SUMMARY_MAX_OUTPUT_TOKENS,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
      { clock: options.clock, signal: options.signal, onRetry: ({ attempt, delayMs, failure }) => state.transcript.add({ type: "retry", attempt, delayMs, error: failure.message }) },
    );
  } catch (err) {
    if (options.signal?.aborted) return { outcome: "aborted", reason: "the task was cancelled" };
    const message = err instanceof ModelRequestError ? err.message : classifyModelError(err, options.clock.now()).message;
    return { outcome: "model-error", reason: `could not summarise earlier turns, stopped rather than overflow the context: ${message}` };
  }
  state.usage = addUsage(state.usage, response.usage);
  const summary = response.items.flatMap((item) => (item.type === "message" && item.role === "assistant" ? [item.text] : [])).join("\n").trim();
  if (summary === "") return { outcome: "model-error", reason: "could not summarise earlier turns (the model answered with no text), stopped rather than overflow the context" };
  const itemsBefore = state.items.length;
  state.items = [split.prompt, { type: "message", role: "user", text: SUMMARY_PREFIX + summary }, ...split.recent];
  // The server's count of the last request described the old conversation.
  delete state.sent;
  const tokensAfter = estimateInputTokens(parts(), undefined);
  state.transcript.add({ type: "compaction", turn: state.turns, itemsBefore, itemsAfter: state.items.length, tokensBefore, tokensAfter, usage: response.usage, summary });
  emit(options, { type: "compaction", usage: response.usage, itemsBefore, itemsAfter: state.items.length });
  return undefined;
}

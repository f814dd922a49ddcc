import type { Budget } from "../tasks/types.ts";
import type { SpendLimit, Usage } from "./types.ts";
import { costOf, priceOf, type ModelPrice } from "./pricing.ts";

export interface Spent {
  turns: number;
  elapsedMs: number;
  usage: Usage;
}

/** Below this, an answer would likely be cut off mid-sentence: the request is not worth sending. */
export const MIN_OUTPUT_TOKENS = 1_024;
/** Output cap of a request under a token or dollar budget, when the budget leaves more room. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 32_768;

/**
 * Says why the next model request must not be made, if it must not: turns, minutes, or a
 * token or dollar budget already spent. `planRequest` then checks what the request itself
 * could cost.
 */
export function budgetExceeded(budget: Budget, model: string, spent: Spent, prices?: Readonly<Record<string, ModelPrice>>): string | undefined {
  if (spent.turns >= budget.turns) return `budget exhausted: ${budget.turns} turns`;
  if (spent.elapsedMs >= budget.minutes * 60_000) return `budget exhausted: ${budget.minutes} minutes`;
  const tokens = spent.usage.inputTokens + spent.usage.outputTokens;
  if (budget.tokens !== undefined && tokens >= budget.tokens) return `budget exhausted: ${budget.tokens} tokens`;
  const cost = budget.usd === undefined ? undefined : costOf(model, spent.usage, prices);
  if (budget.usd !== undefined && cost !== undefined && cost >= budget.usd) {
    return `budget exhausted: $${budget.usd.toFixed(2)} (spent $${cost.toFixed(4)})`;
  }
  return undefined;
}

export interface RequestPlanInput {
  budget: Budget;
  model: string;
  prices?: Readonly<Record<string, ModelPrice>>;
  /** Usage of the run so far. */
  spent: Usage;
  /** Estimated input tokens of the request. */
  inputTokens: number;
  limit?: SpendLimit;
  /** The output cap when the budget leaves more room. Default DEFAULT_MAX_OUTPUT_TOKENS. */
  maxOutputTokens?: number;
}

export interface RequestPlan {
  /** Set when a token or dollar limit applies: the request must ask for at most this much output. */
  maxOutputTokens?: number;
  /** The most the request can cost (input at the uncached price, all of its output), when priced. */
  worstCaseUsd?: number;
  /** Why the request must not be sent. */
  stop?: string;
}

/**
 * Fails closed: bounds the request's output so that, with its estimated input, it cannot
 * pass a token or dollar limit, and refuses it when not even MIN_OUTPUT_TOKENS fit. Input
 * is priced as uncached, so a cache miss cannot break the promise.
 */
export function planRequest(input: RequestPlanInput): RequestPlan {
  const { budget, spent, inputTokens } = input;
  const price = priceOf(input.model, input.prices);
  const usdLeft = price ? dollarsLeft(input) : undefined;
  const tokensLeft = budget.tokens === undefined ? undefined : budget.tokens - spent.inputTokens - spent.outputTokens;
  if (usdLeft === undefined && tokensLeft === undefined) return {};
  const cap = input.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  const byTokens = tokensLeft === undefined ? Infinity : tokensLeft - inputTokens;
  const byUsd = usdLeft === undefined || !price ? Infinity : outputRoom(price, usdLeft.amount, inputTokens);
  const room = Math.min(cap, byTokens, byUsd);
  const worst = (output: number): number | undefined => (price ? inputCost(price, inputTokens) + (output * price.output) / 1_000_000 : undefined);
  if (room >= MIN_OUTPUT_TOKENS) {
    const worstCaseUsd = worst(room);
    return { maxOutputTokens: room, ...(worstCaseUsd === undefined ? {} : { worstCaseUsd }) };
  }
  const need = `≈${count(inputTokens)} input + ${count(MIN_OUTPUT_TOKENS)} output tokens`;
  if (byTokens < MIN_OUTPUT_TOKENS && tokensLeft !== undefined) {
    return { stop: `budget: the next request needs ${need}; ${count(Math.max(0, tokensLeft))} of the ${count(budget.tokens ?? 0)}-token budget are left` };
  }
  const worstCaseUsd = worst(MIN_OUTPUT_TOKENS) ?? 0;
  const left = usdLeft as { amount: number; label: string };
  return { worstCaseUsd, stop: `budget: the next request could cost $${worstCaseUsd.toFixed(4)} (${need}); $${Math.max(0, left.amount).toFixed(4)} of ${left.label} is left` };
}

/** The tighter of the task's dollar budget and the outside limit, with the name of the one that binds. */
function dollarsLeft(input: RequestPlanInput): { amount: number; label: string } | undefined {
  const own = input.budget.usd === undefined ? undefined : { amount: input.budget.usd - (costOf(input.model, input.spent, input.prices) ?? 0), label: `the $${input.budget.usd.toFixed(2)} budget` };
  const shared = input.limit ? { amount: input.limit.leftUsd(), label: input.limit.label } : undefined;
  if (own && shared) return shared.amount < own.amount ? shared : own;
  return own ?? shared;
}

/** Output tokens that `usd` pays for once the input is paid; negative when the input alone is too much. */
function outputRoom(price: ModelPrice, usd: number, inputTokens: number): number {
  const afterInput = usd - inputCost(price, inputTokens);
  if (afterInput < 0) return -1;
  return price.output === 0 ? Infinity : Math.floor((afterInput * 1_000_000) / price.output);
}

function inputCost(price: ModelPrice, tokens: number): number {
  return (tokens * price.input) / 1_000_000;
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** Why a `usd` budget cannot be enforced for `model`, or undefined when it can. */
export function unenforceableUsd(budget: Budget, model: string, prices?: Readonly<Record<string, ModelPrice>>): string | undefined {
  if (budget.usd === undefined) return undefined;
  return priceOf(model, prices) === undefined ? `no price known for model ${model}: the $${budget.usd.toFixed(2)} budget cannot be enforced` : undefined;
}

export function addUsage(total: Usage, turn: Usage): Usage {
  return {
    inputTokens: total.inputTokens + turn.inputTokens,
    outputTokens: total.outputTokens + turn.outputTokens,
    cachedTokens: total.cachedTokens + turn.cachedTokens,
  };
}

import type { Budget } from "../tasks/types.ts";
import type { Usage } from "./types.ts";
import { costOf } from "./pricing.ts";

export interface Spent {
  turns: number;
  elapsedMs: number;
  usage: Usage;
}

/**
 * Says why the next model request must not be made, if it must not. Checked before each
 * request, so a budget is never overrun by more than the request that crossed it.
 */
export function budgetExceeded(budget: Budget, model: string, spent: Spent): string | undefined {
  if (spent.turns >= budget.turns) return `budget exhausted: ${budget.turns} turns`;
  if (spent.elapsedMs >= budget.minutes * 60_000) return `budget exhausted: ${budget.minutes} minutes`;
  const tokens = spent.usage.inputTokens + spent.usage.outputTokens;
  if (budget.tokens !== undefined && tokens >= budget.tokens) return `budget exhausted: ${budget.tokens} tokens`;
  const cost = budget.usd === undefined ? undefined : costOf(model, spent.usage);
  if (budget.usd !== undefined && cost !== undefined && cost >= budget.usd) {
    return `budget exhausted: $${budget.usd.toFixed(2)} (spent $${cost.toFixed(4)})`;
  }
  return undefined;
}

/** Why a `usd` budget cannot be enforced for `model`, or undefined when it can. */
export function unenforceableUsd(budget: Budget, model: string): string | undefined {
  if (budget.usd === undefined) return undefined;
  const probe = costOf(model, { inputTokens: 0, outputTokens: 0, cachedTokens: 0 });
  return probe === undefined ? `no price known for model ${model}: the $${budget.usd.toFixed(2)} budget cannot be enforced` : undefined;
}

export function addUsage(total: Usage, turn: Usage): Usage {
  return {
    inputTokens: total.inputTokens + turn.inputTokens,
    outputTokens: total.outputTokens + turn.outputTokens,
    cachedTokens: total.cachedTokens + turn.cachedTokens,
  };
}

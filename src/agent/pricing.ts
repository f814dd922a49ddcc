import type { Usage } from "./types.ts";

/** US dollars per million tokens. Cached input is billed instead of, not on top of, input. */
export interface ModelPrice {
  input: number;
  cachedInput: number;
  output: number;
}

/**
 * Standard-tier list prices as published by OpenAI when this table was written. A model
 * missing here has no known cost, so a `usd` budget cannot be enforced for it.
 */
export const PRICES: Readonly<Record<string, ModelPrice>> = {
  "gpt-5.1-codex": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5.1-codex-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
  "gpt-5.1": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5-codex": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
  "gpt-5-nano": { input: 0.05, cachedInput: 0.005, output: 0.4 },
  "gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
  "gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
  "gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
  "gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
};

/** A dated snapshot (`gpt-4o-mini-2024-07-18`) costs what its alias costs. */
const SNAPSHOT_SUFFIX = /-\d{4}-\d{2}-\d{2}$/;

export function priceOf(model: string, prices: Readonly<Record<string, ModelPrice>> = PRICES): ModelPrice | undefined {
  return prices[model] ?? prices[model.replace(SNAPSHOT_SUFFIX, "")];
}

/** Cost of `usage` in US dollars, or undefined when the model's price is unknown. */
export function costOf(model: string, usage: Usage, prices?: Readonly<Record<string, ModelPrice>>): number | undefined {
  const price = priceOf(model, prices);
  if (!price) return undefined;
  const cached = Math.min(usage.cachedTokens, usage.inputTokens);
  const fresh = usage.inputTokens - cached;
  return (fresh * price.input + cached * price.cachedInput + usage.outputTokens * price.output) / 1_000_000;
}

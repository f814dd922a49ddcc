import { CONTEXT_WINDOWS } from "./context-window.ts";
import { PRICES, type ModelPrice } from "./pricing.ts";

/** What the agent knows of models: prices for budgets and costs, context windows for compaction. */
export interface ModelCatalog {
  prices: Readonly<Record<string, ModelPrice>>;
  contextWindows: Readonly<Record<string, number>>;
}

export const BUILT_IN_MODELS: ModelCatalog = { prices: PRICES, contextWindows: CONTEXT_WINDOWS };

const KEYS = ["input", "cachedInput", "output", "contextWindow"] as const;

/**
 * Parses a machine's models file (JSON: model name → any of `input`, `cachedInput`,
 * `output` in US dollars per million tokens, and `contextWindow` in tokens) and lays it
 * over the built-in tables. Pure; every problem quotes the input, and any problem means
 * no catalog: a wrong price must not quietly become the built-in one.
 */
export function parseModelCatalog(text: string, base: ModelCatalog = BUILT_IN_MODELS): { catalog?: ModelCatalog; problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { problems: [`not JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if (!isObject(raw)) return { problems: [`expected an object of models, got ${quote(raw)}`] };
  const prices: Record<string, ModelPrice> = { ...base.prices };
  const contextWindows: Record<string, number> = { ...base.contextWindows };
  const problems: string[] = [];
  for (const [model, entry] of Object.entries(raw)) {
    if (!isObject(entry)) {
      problems.push(`${model}: expected an object like {"input": 1.25, "output": 10}, got ${quote(entry)}`);
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (!(KEYS as readonly string[]).includes(key)) problems.push(`${model}: unknown key "${key}"; use ${KEYS.join(", ")}`);
    }
    const number = (key: (typeof KEYS)[number]): number | undefined => {
      const value = entry[key];
      if (value === undefined) return undefined;
      if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
      problems.push(`${model}.${key}: expected a number ≥ 0, got ${quote(value)}`);
      return undefined;
    };
    const [input, cachedInput, output, window] = [number("input"), number("cachedInput"), number("output"), number("contextWindow")];
    if (window !== undefined) {
      if (Number.isInteger(window) && window >= 1) contextWindows[model] = window;
      else problems.push(`${model}.contextWindow: expected a whole number of tokens, got ${quote(window)}`);
    }
    if (input === undefined && cachedInput === undefined && output === undefined) continue;
    const known = prices[model];
    const merged = { input: input ?? known?.input, output: output ?? known?.output };
    if (merged.input === undefined || merged.output === undefined) {
      problems.push(`${model}: a model without a built-in price needs both "input" and "output"`);
      continue;
    }
    // Without a cached price, cached input costs what input costs: never less than it might.
    prices[model] = { input: merged.input, output: merged.output, cachedInput: cachedInput ?? (input === undefined ? known?.cachedInput : undefined) ?? merged.input };
  }
  return problems.length > 0 ? { problems } : { catalog: { prices, contextWindows }, problems };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

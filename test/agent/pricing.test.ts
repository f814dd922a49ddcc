import { describe, expect, it } from "vitest";
import { costOf, priceOf } from "../../src/agent/pricing.ts";
import { BUILT_IN_MODELS, parseModelCatalog } from "../../src/agent/model-catalog.ts";
import { contextWindowOf, DEFAULT_CONTEXT_WINDOW } from "../../src/agent/context-window.ts";

describe("costOf", () => {
  it("bills cached input at the cached price instead of the input price", () => {
    const usage = { inputTokens: 1_000_000, cachedTokens: 400_000, outputTokens: 100_000 };
    expect(costOf("gpt-5.1-codex", usage)).toBeCloseTo(0.6 * 1.25 + 0.4 * 0.125 + 0.1 * 10, 10);
  });

  it("prices dated snapshots like their alias and knows nothing of other models", () => {
    expect(priceOf("gpt-4o-mini-2024-07-18")).toEqual(priceOf("gpt-4o-mini"));
    expect(priceOf("gpt-5.1-codex-max")).toBeUndefined();
    expect(costOf("llama3", { inputTokens: 1, cachedTokens: 0, outputTokens: 1 })).toBeUndefined();
  });
});

describe("parseModelCatalog", () => {
  it("adds a model's price and window and overrides one field of a built-in model", () => {
    const text = JSON.stringify({ "my-local-model": { input: 0.5, output: 2, contextWindow: 32_768 }, "gpt-5.1-codex": { output: 12 } });
    const { catalog, problems } = parseModelCatalog(text);

    expect(problems).toEqual([]);
    // Without a cached price, cached input costs what input costs.
    expect(catalog?.prices["my-local-model"]).toEqual({ input: 0.5, cachedInput: 0.5, output: 2 });
    expect(catalog?.prices["gpt-5.1-codex"]).toEqual({ input: 1.25, cachedInput: 0.125, output: 12 });
    expect(contextWindowOf("my-local-model", catalog?.contextWindows)).toBe(32_768);
    expect(costOf("my-local-model", { inputTokens: 2_000_000, cachedTokens: 0, outputTokens: 1_000_000 }, catalog?.prices)).toBe(3);
    expect(catalog?.prices["gpt-4o"]).toEqual(BUILT_IN_MODELS.prices["gpt-4o"]);
  });

  it("refuses the whole file, quoting each problem, rather than half-apply it", () => {
    expect(parseModelCatalog("{ not json").problems[0]).toMatch(/^not JSON: /);
    expect(parseModelCatalog("[1]").problems).toEqual(["expected an object of models, got [1]"]);
    const { catalog, problems } = parseModelCatalog(JSON.stringify({
      llama3: { input: 0.1 },
      "gpt-4o": { imput: 3, output: "cheap" },
      qwen: { contextWindow: 1.5 },
      mistral: 7,
    }));
    expect(catalog).toBeUndefined();
    expect(problems).toEqual([
      'llama3: a model without a built-in price needs both "input" and "output"',
      'gpt-4o: unknown key "imput"; use input, cachedInput, output, contextWindow',
      'gpt-4o.output: expected a number ≥ 0, got "cheap"',
      "qwen.contextWindow: expected a whole number of tokens, got 1.5",
      'mistral: expected an object like {"input": 1.25, "output": 10}, got 7',
    ]);
  });
});

describe("contextWindowOf", () => {
  it("knows the built-in models, their snapshots, and falls back to a default", () => {
    expect(contextWindowOf("gpt-5.1-codex")).toBe(272_000);
    expect(contextWindowOf("gpt-4o-2024-08-06")).toBe(128_000);
    expect(contextWindowOf("llama3")).toBe(DEFAULT_CONTEXT_WINDOW);
  });
});

import { describe, expect, it } from "vitest";
import { costOf, priceOf } from "../../src/agent/pricing.ts";

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

import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_OUTPUT_TOKENS } from "../../src/agent/budget.ts";
import type { TranscriptEntry } from "../../src/agent/types.ts";
import { call, startHarness } from "../helpers/agent-harness.ts";
import { createFakeClock } from "../helpers/fake-clock.ts";

const busy = (input = 1000, output = 100) => ({ ...call("shell", { command: ["true"] }), usage: { input, output, cached: 0 } });

type Estimate = Extract<TranscriptEntry, { type: "estimate" }>;
const estimates = (entries: TranscriptEntry[]): Estimate[] => entries.filter((e): e is Estimate => e.type === "estimate");

// gpt-5.1-codex: $1.25 per million input tokens, $10 per million output tokens.
const INPUT = 1.25 / 1_000_000;
const OUTPUT = 10 / 1_000_000;

describe("runAgent budgets", () => {
  it("stops before the request that would exceed the turn budget", async () => {
    await using h = await startHarness({ script: () => busy() });
    const result = await h.run({ budget: { turns: 3, minutes: 30 } });

    expect(result).toMatchObject({ outcome: "budget", reason: "budget exhausted: 3 turns", turns: 3 });
    expect(h.server.requests).toHaveLength(3);
    expect(result.transcript.at(-1)).toMatchObject({ type: "stop", outcome: "budget", reason: "budget exhausted: 3 turns" });
    expect(result.finalMessage).toBe("The agent made changes without a final message.");
  });

  it("stops when the wall-clock minutes are used up", async () => {
    const clock = createFakeClock();
    await using h = await startHarness({
      script: () => {
        clock.advance(4 * 60_000);
        return busy();
      },
    });
    const result = await h.run({ clock, budget: { turns: 50, minutes: 10 } });

    expect(result).toMatchObject({ outcome: "budget", reason: "budget exhausted: 10 minutes", turns: 3 });
  });

  it("does not send the 3rd request when its worst case would pass the dollar budget", async () => {
    await using h = await startHarness({ script: () => busy(100_000, 10_000) });
    // $0.225 a turn: after two turns $0.45 is spent and the third request's input alone (≈100k tokens) costs $0.125.
    const result = await h.run({ budget: { turns: 50, minutes: 30, usd: 0.5 } });

    expect(h.server.requests).toHaveLength(2);
    expect(result).toMatchObject({ outcome: "budget", turns: 2 });
    expect(result.reason).toMatch(/^budget: the next request could cost \$0\.13\d\d \(≈100,\d{3} input \+ 1,024 output tokens\); \$0\.0500 of the \$0\.50 budget is left$/);
    const [first, second, third] = estimates(result.transcript);
    // Each request's output is capped so that it cannot pass the budget whatever it answers.
    expect(h.server.requests[0]?.body.max_output_tokens).toBe(DEFAULT_MAX_OUTPUT_TOKENS);
    const secondCap = Math.floor((0.5 - 0.225 - (second?.inputTokens ?? 0) * INPUT) / OUTPUT);
    expect(h.server.requests[1]?.body.max_output_tokens).toBe(secondCap);
    expect(second).toMatchObject({ turn: 2, maxOutputTokens: secondCap });
    expect(second?.inputTokens).toBeGreaterThan(100_000);
    expect(first?.worstCaseUsd).toBeLessThanOrEqual(0.5);
    expect(0.225 + (second?.worstCaseUsd ?? 1)).toBeLessThanOrEqual(0.5 + 1e-9);
    expect(third).toMatchObject({ turn: 3 });
    expect(third?.maxOutputTokens).toBeUndefined();
    expect(result.transcript.at(-1)).toMatchObject({ type: "stop", outcome: "budget" });
  });

  it("does not send a request whose input and minimum output would pass the token budget", async () => {
    await using h = await startHarness({ script: () => busy(10_000, 1_000) });
    const result = await h.run({ budget: { turns: 50, minutes: 30, tokens: 25_000 } });

    // 11k tokens a turn: after two, 3k are left, less than the next request's ≈10k input.
    expect(h.server.requests).toHaveLength(2);
    expect(result.usage).toEqual({ inputTokens: 20_000, outputTokens: 2_000, cachedTokens: 0 });
    expect(result.reason).toMatch(/^budget: the next request needs ≈10,\d{3} input \+ 1,024 output tokens; 3,000 of the 25,000-token budget are left$/);
    const second = estimates(result.transcript)[1];
    expect(h.server.requests[1]?.body.max_output_tokens).toBe(25_000 - 11_000 - (second?.inputTokens ?? 0));
  });

  it("lets an outside limit (a daily cap) bind when it leaves less than the task's budget", async () => {
    await using h = await startHarness({ script: () => busy(100_000, 10_000) });
    const result = await h.run({ budget: { turns: 50, minutes: 30, usd: 5 }, spendLimit: { label: "today's $1.00 daily cap", leftUsd: () => 0.1 } });

    expect(h.server.requests).toHaveLength(1);
    expect(h.server.requests[0]?.body.max_output_tokens).toBe(Math.floor((0.1 - (estimates(result.transcript)[0]?.inputTokens ?? 0) * INPUT) / OUTPUT));
    expect(result.reason).toMatch(/; \$0\.1000 of today's \$1\.00 daily cap is left$/);
  });

  it("stops with the budget named when the answer was cut off at the output cap it allowed", async () => {
    await using h = await startHarness({ script: [{ ...busy(1000, 500), cutOff: true }] });
    const result = await h.run({ budget: { turns: 50, minutes: 30, usd: 0.02 } });

    const cap = h.server.requests[0]?.body.max_output_tokens as number;
    expect(cap).toBeLessThan(DEFAULT_MAX_OUTPUT_TOKENS);
    expect(result).toMatchObject({ outcome: "budget", reason: `budget: the model's answer was cut off at ${cap} output tokens, all that the budget left room for` });
    // The half-finished call was not run.
    expect(result.transcript.some((e) => e.type === "item" && e.item.type === "function_call_output")).toBe(false);
  });

  it("uses a price from the machine's table and keeps going without a cap when the price is unknown", async () => {
    let turn = 0;
    await using h = await startHarness({
      script: () => (++turn < 3 ? busy(50_000, 0) : { text: "Done." }),
    });
    const result = await h.run({ model: "my-local-model", budget: { turns: 50, minutes: 30, usd: 0.01 } });

    expect(result).toMatchObject({ outcome: "completed", turns: 3 });
    expect(h.server.requests.every((r) => !("max_output_tokens" in r.body))).toBe(true);

    await using priced = await startHarness({ script: () => busy(10_000, 0) });
    const capped = await priced.run({ model: "my-local-model", prices: { "my-local-model": { input: 1, cachedInput: 1, output: 1 } }, budget: { turns: 50, minutes: 30, usd: 0.025 } });
    // $0.01 a turn by the given price: after two turns the third request's input no longer fits.
    expect(capped).toMatchObject({ outcome: "budget", turns: 2 });
    expect(priced.server.requests[0]?.body.max_output_tokens).toBeGreaterThan(0);
  });

  it("sends no output cap on Chat either when no token or dollar budget is set, and max_completion_tokens when one is", async () => {
    await using free = await startHarness({ api: "chat", script: [{ text: "Done." }] });
    await free.run();
    expect(free.server.requests[0]?.body).not.toHaveProperty("max_completion_tokens");
    expect(free.server.requests[0]?.body).not.toHaveProperty("max_tokens");

    await using capped = await startHarness({ api: "chat", script: [{ text: "Done." }] });
    await capped.run({ budget: { turns: 5, minutes: 30, tokens: 50_000 } });
    expect(capped.server.requests[0]?.body.max_completion_tokens).toBe(DEFAULT_MAX_OUTPUT_TOKENS);
  });
});

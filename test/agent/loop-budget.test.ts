import { describe, expect, it } from "vitest";
import { call, startHarness } from "../helpers/agent-harness.ts";
import { createFakeClock } from "../helpers/fake-clock.ts";

const busy = () => ({ ...call("shell", { command: ["true"] }), usage: { input: 1000, output: 100, cached: 0 } });

describe("runAgent budgets", () => {
  it("stops before the request that would exceed the turn budget", async () => {
    await using h = await startHarness({ script: () => busy() });
    const result = await h.run({ budget: { turns: 3, minutes: 30 } });

    expect(result).toMatchObject({ outcome: "budget", reason: "budget exhausted: 3 turns", turns: 3 });
    expect(h.server.requests).toHaveLength(3);
    expect(result.transcript.at(-1)).toMatchObject({ type: "stop", outcome: "budget", reason: "budget exhausted: 3 turns" });
    expect(result.finalMessage).toBe("The agent made changes without a final message.");
  });

  it("stops once the token budget is spent", async () => {
    await using h = await startHarness({ script: () => busy() });
    const result = await h.run({ budget: { turns: 50, minutes: 30, tokens: 2500 } });

    // 1100 tokens a turn: after 3 turns 3300 ≥ 2500, after 2 turns 2200 < 2500.
    expect(result).toMatchObject({ outcome: "budget", reason: "budget exhausted: 2500 tokens", turns: 3 });
    expect(result.usage).toEqual({ inputTokens: 3000, outputTokens: 300, cachedTokens: 0 });
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

  it("stops when the dollar budget is spent, by the price table", async () => {
    await using h = await startHarness({
      script: () => ({ ...call("shell", { command: ["true"] }), usage: { input: 100_000, output: 10_000, cached: 0 } }),
    });
    // gpt-5.1-codex: 100k input × $1.25/M + 10k output × $10/M = $0.225 a turn.
    const result = await h.run({ budget: { turns: 50, minutes: 30, usd: 0.5 } });

    expect(result.outcome).toBe("budget");
    expect(result.turns).toBe(3);
    expect(result.reason).toMatch(/^budget exhausted: \$0\.50 \(spent \$0\.6750\)$/);
  });

  it("keeps going when the model's price is unknown, since the dollar cap cannot apply", async () => {
    let turn = 0;
    await using h = await startHarness({
      script: () => (++turn < 3 ? { ...call("shell", { command: ["true"] }), usage: { input: 10_000_000, output: 0, cached: 0 } } : { text: "Done." }),
    });
    const result = await h.run({ model: "my-local-model", budget: { turns: 50, minutes: 30, usd: 0.01 } });

    expect(result).toMatchObject({ outcome: "completed", turns: 3 });
  });
});

import { describe, expect, it } from "vitest";
import { call, startHarness } from "../helpers/agent-harness.ts";
import { createLocalExecutor } from "../helpers/local-executor.ts";

const fail = (status: number, headers?: Record<string, string>, body?: object) => ({ error: { status, ...(headers ? { headers } : {}), ...(body ? { body } : {}) } });

describe("runAgent and model errors", () => {
  it("waits as long as a 429's retry-after asks, then carries on", async () => {
    await using h = await startHarness({ script: [fail(429, { "retry-after": "7" }), { text: "Done." }] });
    const result = await h.run();

    expect(result).toMatchObject({ outcome: "completed", finalMessage: "Done.", turns: 1 });
    expect(h.clock.sleeps).toEqual([7000]);
    expect(result.transcript.filter((entry) => entry.type === "retry")).toMatchObject([
      { attempt: 1, delayMs: 7000, error: expect.stringContaining("rate limited") },
    ]);
  });

  it("prefers retry-after-ms when the server sends it", async () => {
    await using h = await startHarness({ script: [fail(429, { "retry-after-ms": "1500", "retry-after": "2" }), { text: "Done." }] });
    await h.run();

    expect(h.clock.sleeps).toEqual([1500]);
  });

  it("retries server errors with backoff and succeeds on the third attempt", async () => {
    await using h = await startHarness({ script: [fail(500), fail(503), { text: "Done." }] });
    const result = await h.run();

    expect(result).toMatchObject({ outcome: "completed", turns: 1 });
    expect(h.server.requests).toHaveLength(3);
    const [first, second] = h.clock.sleeps;
    expect(h.clock.sleeps).toHaveLength(2);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThanOrEqual(500);
    expect(second).toBeLessThanOrEqual(1000);
  });

  it("gives up after five attempts with a model error", async () => {
    await using h = await startHarness({ script: () => fail(502) });
    const result = await h.run();

    expect(result.outcome).toBe("model-error");
    expect(result.reason).toMatch(/model server failed \(502\).*gave up after 5 attempts/);
    expect(h.server.requests).toHaveLength(5);
    expect(h.clock.sleeps).toHaveLength(4);
  });

  it("does not retry a 401 and tells the user to check OPENAI_API_KEY", async () => {
    await using h = await startHarness({
      script: () => fail(401, undefined, { error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } }),
    });
    const result = await h.run();

    expect(result.outcome).toBe("model-error");
    expect(result.reason).toContain("OPENAI_API_KEY");
    expect(result.reason).toContain("Incorrect API key provided");
    expect(h.server.requests).toHaveLength(1);
    expect(h.clock.sleeps).toEqual([]);
  });

  it("does not retry a 429 that means the quota is gone", async () => {
    const body = { error: { message: "You exceeded your current quota", type: "insufficient_quota", code: "insufficient_quota" } };
    await using h = await startHarness({ script: () => fail(429, { "retry-after": "1" }, body) });
    const result = await h.run();

    expect(result.outcome).toBe("model-error");
    expect(result.reason).toContain("quota");
    expect(h.server.requests).toHaveLength(1);
  });

  it("stops as aborted when the signal fires during a model request", async () => {
    const controller = new AbortController();
    await using h = await startHarness({
      script: () => {
        controller.abort();
        return { text: "too late" };
      },
    });
    const result = await h.run({ signal: controller.signal });

    expect(result.outcome).toBe("aborted");
    expect(result.turns).toBe(0);
    expect(h.clock.sleeps).toEqual([]);
  });

  it("stops as aborted when the signal fires during a command, killing it", async () => {
    const controller = new AbortController();
    await using h = await startHarness({ script: [call("shell", { command: ["sleep", "30"] }), { text: "never asked" }] });
    const started = performance.now();
    const result = await h.run({
      signal: controller.signal,
      executor: createLocalExecutor({ onRun: () => setImmediate(() => controller.abort()) }),
    });

    expect(result).toMatchObject({ outcome: "aborted", turns: 1 });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(h.server.requests).toHaveLength(1);
    const output = result.transcript.find((entry) => entry.type === "item" && entry.item.type === "function_call_output");
    expect(JSON.stringify(output)).toContain("Aborted");
  });
});

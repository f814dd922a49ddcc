import { APIError } from "openai";
import { describe, expect, it } from "vitest";
import { ModelRequestError, withRetry } from "../../src/agent/retry.ts";
import { createFakeClock } from "../helpers/fake-clock.ts";

const serverError = () => APIError.generate(500, { error: { message: "down" } }, undefined, new Headers());
const limited = (seconds: string) => APIError.generate(429, { error: { message: "slow down" } }, undefined, new Headers({ "retry-after": seconds }));

function failing(errors: unknown[], value = "ok") {
  let calls = 0;
  const fn = async () => {
    const err = errors[calls++];
    if (err !== undefined) throw err;
    return value;
  };
  return { fn, calls: () => calls };
}

describe("withRetry", () => {
  it("backs off exponentially with full jitter, within the cap", async () => {
    const clock = createFakeClock();
    const { fn } = failing([serverError(), serverError(), serverError(), serverError()]);
    await expect(withRetry(fn, { clock, random: () => 0.999, baseDelayMs: 100, maxDelayMs: 500 })).resolves.toBe("ok");
    expect(clock.sleeps).toEqual([100, 200, 400, 500]);
  });

  it("honours retry-after, capped at the longest wait", async () => {
    const clock = createFakeClock();
    const { fn } = failing([limited("2"), limited("120")]);
    await withRetry(fn, { clock, maxDelayMs: 30_000 });
    expect(clock.sleeps).toEqual([2000, 30_000]);
  });

  it("stops at once on an error that is not retryable", async () => {
    const clock = createFakeClock();
    const { fn, calls } = failing([APIError.generate(400, { error: { message: "bad" } }, undefined, new Headers())]);
    const err = await withRetry(fn, { clock }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelRequestError);
    expect((err as ModelRequestError).failure.kind).toBe("bad-request");
    expect(calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("gives up after maxAttempts and reports each retry", async () => {
    const clock = createFakeClock();
    const retries: number[] = [];
    const { fn, calls } = failing(Array.from({ length: 10 }, serverError));
    const err = await withRetry(fn, { clock, maxAttempts: 3, onRetry: ({ attempt }) => retries.push(attempt) }).catch((e: unknown) => e);
    expect((err as ModelRequestError).message).toMatch(/gave up after 3 attempts/);
    expect(calls()).toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it("does not try again once the signal is aborted", async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    const { fn, calls } = failing([serverError(), serverError()]);
    const err = await withRetry(fn, { clock, signal: controller.signal, onRetry: () => controller.abort(new Error("stop")) }).catch((e: unknown) => e);
    expect((err as Error).message).toBe("stop");
    expect(calls()).toBe(1);
  });
});

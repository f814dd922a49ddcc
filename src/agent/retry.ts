import type { Clock } from "./types.ts";
import { classifyModelError, type ModelFailure } from "./model-errors.ts";

export interface RetryOptions {
  clock: Clock;
  /** Attempts in all, the first one included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Cap of one wait, a server's retry-after included. */
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Called before each wait, e.g. to record the retry in the transcript. */
  onRetry?: (info: { attempt: number; delayMs: number; failure: ModelFailure }) => void;
  classify?: (err: unknown) => ModelFailure;
  /** A number in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
}

/** Thrown when a request failed for good: not retryable, or out of attempts. */
export class ModelRequestError extends Error {
  readonly failure: ModelFailure;
  readonly attempts: number;

  constructor(failure: ModelFailure, attempts: number, cause: unknown) {
    const suffix = attempts > 1 ? ` (gave up after ${attempts} attempts)` : "";
    super(failure.message + suffix, { cause });
    this.name = "ModelRequestError";
    this.failure = failure;
    this.attempts = attempts;
  }
}

/**
 * Runs `fn` until it succeeds, waiting between attempts with exponential backoff and full
 * jitter (spreads the retries of several daemons that hit the same limit at once), or as
 * long as the server asked. An abort stops at once with the signal's reason.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { clock, signal, onRetry } = options;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const classify = options.classify ?? ((err: unknown) => classifyModelError(err, clock.now()));
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn();
    } catch (err) {
      signal?.throwIfAborted();
      const failure = classify(err);
      if (!failure.retryable || attempt >= maxAttempts) throw new ModelRequestError(failure, attempt, err);
      const delayMs = backoff(attempt, failure.retryAfterMs, options);
      onRetry?.({ attempt, delayMs, failure });
      await clock.sleep(delayMs, signal);
    }
  }
}

function backoff(attempt: number, retryAfterMs: number | undefined, options: RetryOptions): number {
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, max);
  const ceiling = Math.min(max, base * 2 ** (attempt - 1));
  return Math.round((options.random ?? Math.random)() * ceiling);
}

export interface PollDelayOptions {
  intervalMs: number;
  /** Failed polls in a row; 0 after a success. */
  failures: number;
  /** ± fraction, in [0, 1). */
  jitter: number;
  maxBackoffMs: number;
  /** A number in [0, 1), as Math.random. */
  random: () => number;
}

/**
 * The wait before the next poll: the interval after a success; interval × 2^(k-1) after
 * the k-th failure in a row, capped at maxBackoffMs (never below the interval itself).
 * Then spread by ± jitter so daemons started together do not poll in step.
 */
export function pollDelay(options: PollDelayOptions): number {
  const { intervalMs, failures, jitter } = options;
  const cap = Math.max(options.maxBackoffMs, intervalMs);
  const base = failures === 0 ? intervalMs : Math.min(intervalMs * 2 ** (failures - 1), cap);
  return Math.round(base * (1 + jitter * (2 * options.random() - 1)));
}

/** Throws when the polling options would poll too often or never. */
export function assertPollOptions(intervalMs: number, jitter: number, maxBackoffMs: number): void {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) throw new Error(`intervalMs must be a positive number of milliseconds, got ${intervalMs}`);
  if (!(jitter >= 0 && jitter < 1)) throw new Error(`jitter must be a fraction in [0, 1), got ${jitter}`);
  if (!(maxBackoffMs > 0)) throw new Error(`maxBackoffMs must be a positive number of milliseconds, got ${maxBackoffMs}`);
}

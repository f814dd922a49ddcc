import type { Clock } from "../../src/agent/types.ts";

export interface ManualClock extends Clock {
  /** Every sleep asked for, in order. */
  readonly sleeps: number[];
  /** The duration of the next sleep in order, waiting for the code under test to ask for it. */
  nextSleep(): Promise<number>;
  /** Moves time to the earliest pending sleep's end and wakes it. */
  wake(): void;
}

interface Sleeper {
  until: number;
  resolve: () => void;
}

/**
 * A clock whose sleeps wait until the test wakes them, so a loop runs one step at a time
 * (the fake clock's sleeps return at once, which suits retries but not a polling loop).
 * An aborted sleep rejects with the signal's reason, as timers/promises does.
 */
export function createManualClock(start = Date.UTC(2025, 0, 1)): ManualClock {
  let now = start;
  let taken = 0;
  const sleeps: number[] = [];
  const sleepers: Sleeper[] = [];
  const waiting: Array<() => void> = [];
  return {
    sleeps,
    now: () => now,
    sleep(ms, signal) {
      signal?.throwIfAborted();
      sleeps.push(ms);
      for (const notify of waiting.splice(0)) notify();
      return new Promise<void>((resolve, reject) => {
        const sleeper: Sleeper = { until: now + ms, resolve };
        sleepers.push(sleeper);
        signal?.addEventListener("abort", () => {
          sleepers.splice(sleepers.indexOf(sleeper), 1);
          reject(signal.reason as Error);
        }, { once: true });
      });
    },
    async nextSleep() {
      const index = taken++;
      while (sleeps.length <= index) await new Promise<void>((resolve) => waiting.push(resolve));
      return sleeps[index] as number;
    },
    wake() {
      sleepers.sort((a, b) => a.until - b.until);
      const first = sleepers.shift();
      if (first === undefined) throw new Error("wake(): nothing is sleeping");
      now = Math.max(now, first.until);
      first.resolve();
    },
  };
}

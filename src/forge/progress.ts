/**
 * Live progress on a task's pull request while it runs: the latest body is written at most
 * once per interval, bodies in between are skipped, and a failed write only costs a warning.
 */
import type { Clock } from "../agent/types.ts";
import type { Forge, RepoRef } from "./forge.ts";
import type { WaitLog } from "./rate-limit.ts";

export interface PullProgressOptions {
  forge: Forge;
  repo: RepoRef;
  number: number;
  clock: Clock;
  /** At least this long between two writes. Default 5 s. */
  minIntervalMs?: number;
  /** The body the pull request has now, so an unchanged one is not written again. */
  currentBody?: string;
  log?: WaitLog;
}

export interface PullProgress {
  /** Asks for `body` to be shown; returns at once. */
  update(body: string): void;
  /** Drops what is not written yet and waits for a write under way, so a final body written next is not overtaken. */
  close(): Promise<void>;
}

export const DEFAULT_PROGRESS_INTERVAL_MS = 5_000;

export function createPullProgress(options: PullProgressOptions): PullProgress {
  const { forge, repo, number, clock } = options;
  const interval = options.minIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
  const stop = new AbortController();
  let wanted: string | undefined;
  let written = options.currentBody;
  let lastWriteAt = Number.NEGATIVE_INFINITY;
  let pump: Promise<void> | undefined;

  const run = async (): Promise<void> => {
    while (wanted !== undefined && !stop.signal.aborted) {
      const wait = lastWriteAt + interval - clock.now();
      if (wait > 0) {
        try {
          await clock.sleep(wait, stop.signal);
        } catch {
          return;
        }
      }
      const body = wanted;
      wanted = undefined;
      if (body === undefined || body === written || stop.signal.aborted) continue;
      lastWriteAt = clock.now();
      try {
        await forge.updatePull(repo, number, { body });
        written = body;
      } catch (error) {
        options.log?.warn({ pull: number, error: error instanceof Error ? error.message : String(error) }, "could not show progress on the pull request");
      }
    }
  };
  const kick = (): void => {
    if (pump || stop.signal.aborted) return;
    pump = run().finally(() => {
      pump = undefined;
      if (wanted !== undefined) kick();
    });
  };

  return {
    update(body) {
      if (stop.signal.aborted) return;
      wanted = body;
      kick();
    },
    async close() {
      stop.abort();
      wanted = undefined;
      await pump;
    },
  };
}

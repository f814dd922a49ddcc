import type { Deps } from "../run/context.ts";
import { describeError } from "../run/errors.ts";
import type { RepoContext } from "../run/context.ts";
import { startRepoService, type RepoService } from "./repo-service.ts";
import { TaskScheduler } from "./scheduler.ts";
import { daemonStatusPath, writeDaemonStatus, type DaemonStatus } from "./status-file.ts";

export interface DaemonOptions {
  /** Repositories to serve, opened by the caller; one that fails to open is left out. */
  repos: (() => Promise<RepoContext>)[];
  pollMs: number;
  concurrency: number;
  perRepo: number;
  graceMs: number;
  stateDir: string;
}

const STATUS_EVERY_MS = 2_000;

/**
 * `git codex watch`: serves every repository until `shutdown` aborts, then stops taking
 * tasks, gives running ones `graceMs` to finish, and aborts the rest (recorded as
 * interrupted, picked up again on the next start).
 */
export async function runDaemon(deps: Deps, options: DaemonOptions, shutdown: AbortSignal): Promise<void> {
  const scheduler = new TaskScheduler({ concurrency: options.concurrency, perRepo: options.perRepo });
  const services: RepoService[] = [];
  const startedAt = new Date(deps.clock.now()).toISOString();
  const statusPath = daemonStatusPath(options.stateDir);
  const status = (state: DaemonStatus["state"]): DaemonStatus => ({
    pid: deps.pid, host: deps.host, startedAt, updatedAt: new Date(deps.clock.now()).toISOString(), state,
    concurrency: options.concurrency, repos: services.map((s) => s.snapshot()), queue: scheduler.snapshot(),
    ...(deps.dailySpend ? { spend: deps.dailySpend.snapshot() } : {}),
  });
  for (const open of options.repos) {
    try {
      services.push(await startRepoService(await open(), deps, { scheduler, pollMs: options.pollMs, worktrees: options.perRepo }));
    } catch (error) {
      deps.logger.error({ err: describeError(error) }, "cannot serve a repository; serving the others");
    }
  }
  await deps.dailySpend?.refresh();
  deps.logger.info({ repos: services.map((s) => s.path), concurrency: options.concurrency, pollMs: options.pollMs, ...(deps.dailySpend ? { dailyUsd: deps.dailySpend.capUsd } : {}) }, "watching");
  const writer = setInterval(() => void writeDaemonStatus(statusPath, status("running")).catch(() => undefined), STATUS_EVERY_MS);
  await writeDaemonStatus(statusPath, status("running"));
  await new Promise<void>((resolve) => (shutdown.aborted ? resolve() : shutdown.addEventListener("abort", () => resolve(), { once: true })));
  deps.logger.info({ graceMs: options.graceMs, running: scheduler.snapshot().running.length }, "shutting down: no new tasks; running ones get the grace period");
  clearInterval(writer);
  await writeDaemonStatus(statusPath, status("stopping"));
  await Promise.all([scheduler.shutdown(options.graceMs), ...services.map((s) => s.close())]);
  await writeDaemonStatus(statusPath, status("stopped"));
  deps.logger.info("stopped");
}

import { nextScheduledRun } from "../tasks/index.ts";
import { remoteUrl, repoPaths } from "../git/remote.ts";
import { removeStaleWorktrees } from "../git/worktree.ts";
import type { Deps, RepoContext } from "../run/context.ts";
import { isRunnable } from "../run/lease.ts";
import { flushOutbox } from "../run/outbox.ts";
import { recordNewTasks } from "../run/record-new-tasks.ts";
import { loadStatuses } from "../run/statuses.ts";
import { runTask } from "../run/run-task.ts";
import { removeStaleSlots } from "../run/slots.ts";
import type { TaskStatus } from "../run/task-status.ts";
import { describeError } from "../run/errors.ts";
import { localRemoteGitDir, pollRemote, watchLocalRefs } from "../watcher/index.ts";
import type { TaskScheduler } from "./scheduler.ts";

export interface RepoSnapshot {
  path: string;
  remote: string;
  lastCycleAt?: string;
  lastError?: string;
  remoteDown?: boolean;
}

export interface RepoService {
  readonly path: string;
  trigger(reason: string): void;
  snapshot(): RepoSnapshot;
  close(): Promise<void>;
}

// Waits longer than this are cut short: a timer that far ahead is re-armed by a later cycle.
const MAX_TIMER_MS = 60 * 60 * 1000;

/**
 * Serves one repository: notices changes (ref events, remote polling, schedule and lease
 * timers), and on each runs one cycle — fetch, record new tasks, hand runnable ones to
 * the scheduler. Cycles never overlap; triggers during a cycle fold into one more.
 */
export async function startRepoService(repo: RepoContext, deps: Deps, options: { scheduler: TaskScheduler; pollMs: number }): Promise<RepoService> {
  const log = repo.log;
  const stop = new AbortController();
  const snapshot: RepoSnapshot = { path: repo.git.cwd, remote: repo.settings.remote };
  let cycling: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const trigger = (reason: string): void => {
    if (stop.signal.aborted) return;
    log.debug({ reason }, "checking for work");
    if (cycling) {
      again = true;
      return;
    }
    cycling = (async () => {
      do {
        again = false;
        await cycle(reason);
      } while (again && !stop.signal.aborted);
      cycling = undefined;
    })();
  };
  const cycle = async (reason: string): Promise<void> => {
    try {
      await flushOutbox(repo);
      const intakes = await recordNewTasks(repo, deps);
      const statuses = [...(await loadStatuses(repo)).values()];
      submitRunnable(repo, deps, options.scheduler, statuses);
      armTimer(nextWake(intakes.flatMap((i) => (i.parse ? [i.parse] : [])), statuses, deps));
      snapshot.lastCycleAt = new Date(deps.clock.now()).toISOString();
      delete snapshot.lastError;
    } catch (error) {
      snapshot.lastError = describeError(error);
      log.error({ reason, err: snapshot.lastError }, "could not check the repository; will try again on the next change or poll");
    }
  };
  const armTimer = (at: number | undefined): void => {
    clearTimeout(timer);
    // A cycle that ends while the service closes must not leave a timer holding the process.
    if (at === undefined || stop.signal.aborted) return;
    timer = setTimeout(() => trigger("timer"), Math.min(Math.max(at - deps.clock.now(), 0) + 50, MAX_TIMER_MS));
  };
  const { commonDir } = await repoPaths(repo.git);
  await removeStaleWorktrees(repo.git, repo.settings.worktreeRoot);
  await removeStaleSlots(repo.settings.worktreeRoot, deps.host);
  const url = await remoteUrl(repo.git, repo.settings.remote);
  const remoteDir = url ? localRemoteGitDir(url, repo.git.cwd) : undefined;
  const watcher = await watchLocalRefs({ dirs: remoteDir ? [commonDir, remoteDir] : [commonDir], onChange: trigger, logger: log });
  const polling = pollRemote({
    git: repo.git, remote: repo.settings.remote, intervalMs: options.pollMs, clock: deps.clock, signal: stop.signal, onChange: trigger,
    onError: (err, nextDelayMs) => {
      snapshot.remoteDown = true;
      log.warn({ err: describeError(err), retryInMs: nextDelayMs }, "the remote is unreachable; backing off");
    },
    onRecover: () => {
      snapshot.remoteDown = false;
      log.info("the remote is reachable again; catching up");
    },
  });
  trigger("start");
  return {
    path: repo.git.cwd,
    trigger,
    snapshot: () => ({ ...snapshot }),
    async close() {
      stop.abort();
      clearTimeout(timer);
      await watcher.close();
      await polling;
      await cycling;
    },
  };
}

function submitRunnable(repo: RepoContext, deps: Deps, scheduler: TaskScheduler, statuses: { status: TaskStatus; commit: string }[]): void {
  const runnable = statuses.filter(({ status }) => isRunnable(status, repo, deps) && !scheduler.has(repo.git.cwd, status.id));
  runnable.sort((a, b) => a.status.queuedAt.localeCompare(b.status.queuedAt) || (a.status.seq ?? 0) - (b.status.seq ?? 0));
  for (const { status, commit } of runnable) {
    scheduler.submit(repo.git.cwd, status.id, async (signal) => {
      try {
        if (status.spec) deps.modelClient(status.spec.settings);
        await runTask(repo, deps, status, commit, { signal });
      } catch (error) {
        // It stays queued (or running with a lease that expires) in git; the next change or poll tries again.
        repo.log.error({ task: status.id, err: describeError(error) }, "task could not run");
      }
    });
  }
}

/** When to look again without being told: the next schedule, or when another holder's lease runs out. */
function nextWake(parses: Parameters<typeof nextScheduledRun>[0][], statuses: { status: TaskStatus }[], deps: Deps): number | undefined {
  const now = deps.clock.now();
  const times: number[] = [];
  for (const parse of parses) {
    const next = nextScheduledRun(parse, new Date(now));
    if (next) times.push(next.getTime());
  }
  for (const { status } of statuses) {
    if (status.state === "running" && status.lease) times.push(Date.parse(status.lease.expiresAt));
  }
  const future = times.filter((t) => t > now);
  return future.length > 0 ? Math.min(...future) : undefined;
}

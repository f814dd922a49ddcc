import { requireModelAccess } from "../run/model-access.ts";
import { nextScheduledRun } from "../tasks/index.ts";
import { remoteUrl, repoPaths } from "../git/remote.ts";
import { removeStaleWorktrees } from "../git/worktree.ts";
import type { Deps, RepoContext } from "../run/context.ts";
import { isRunnable } from "../run/lease.ts";
import { recordAndRead, type IntakeMemo } from "../run/record-new-tasks.ts";
import { runTask, type HeldClaim } from "../run/run-task.ts";
import { claimAtOnce } from "../run/early-claim.ts";
import { removeStaleSlots } from "../run/slots.ts";
import type { TaskStatus } from "../run/task-status.ts";
import { describeError } from "../run/errors.ts";
import { nextUtcDay } from "../run/daily-spend.ts";
import { localRemoteGitDir, pollRemote, watchLocalRefs, type RefChange } from "../watcher/index.ts";
import { trackOwnWrites } from "../watcher/own-writes.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { TaskScheduler } from "./scheduler.ts";
import { pollComments } from "./comment-poll.ts";

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
 * the scheduler. Cycles never overlap; triggers during a cycle fold into one more. Its
 * own ref writes wake nothing (src/watcher/own-writes.ts). A remote on this disk is
 * watched, not polled: its ref files say at once what a poll would say later.
 */
export async function startRepoService(repo: RepoContext, deps: Deps, options: { scheduler: TaskScheduler; pollMs: number; worktrees?: number }): Promise<RepoService> {
  const log = repo.log;
  const stop = new AbortController();
  const snapshot: RepoSnapshot = { path: repo.git.cwd, remote: repo.settings.remote };
  let cycling: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const memo: IntakeMemo = {};
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
      // The intake pushes results waiting in the outbox before it claims anything.
      const claimFirst = claimAtOnce(repo, deps, async () => options.scheduler.idle(repo.git.cwd));
      const { intakes, records, claimed } = await recordAndRead(repo, deps, memo, { claimFirst });
      const statuses = [...records.values()];
      submitRunnable(repo, deps, options.scheduler, statuses, { claimed, worktrees: options.worktrees });
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
  const [{ commonDir }, url] = await Promise.all([
    repoPaths(repo.git),
    remoteUrl(repo.git, repo.settings.remote),
    removeStaleWorktrees(repo.git, repo.settings.worktreeRoot),
    removeStaleSlots(repo.settings.worktreeRoot, deps.host),
  ]);
  const remoteDir = url ? localRemoteGitDir(url, repo.git.cwd) : undefined;
  // A remote on this disk (a git dir with refs): everything that matters happens there.
  const localRemote = remoteDir !== undefined && existsSync(join(remoteDir, "refs"));
  const own = trackOwnWrites(repo.git, { local: commonDir, ...(remoteDir ? { remote: remoteDir } : {}) }, () => deps.clock.now());
  repo = { ...repo, git: own.git };
  const onRefs = (reason: string, changes: RefChange[]): void => {
    own.explains(changes).then((mine) => (mine ? log.debug({ reason }, "refs changed by this daemon; nothing to do") : trigger(reason)), () => trigger(reason));
  };
  const watcher = await watchLocalRefs({ dirs: localRemote && remoteDir ? [remoteDir] : [commonDir], onChange: onRefs, logger: log });
  const polling = localRemote ? Promise.resolve() : pollRemote({
    git: repo.git, remote: repo.settings.remote, intervalMs: options.pollMs, clock: deps.clock, signal: stop.signal, onChange: trigger, explains: own.explainsRemote,
    onError: (err, nextDelayMs) => {
      snapshot.remoteDown = true;
      log.warn({ err: describeError(err), retryInMs: nextDelayMs }, "the remote is unreachable; backing off");
    },
    onRecover: () => {
      snapshot.remoteDown = false;
      log.info("the remote is reachable again; catching up");
    },
  });
  const comments = pollComments(repo, deps, { intervalMs: options.pollMs, signal: stop.signal, onQueued: () => trigger("pr-comment") });
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
      await comments;
      await cycling;
    },
  };
}

/** Hands the task the intake claimed (first) and every runnable one to the scheduler. */
function submitRunnable(repo: RepoContext, deps: Deps, scheduler: TaskScheduler, statuses: { status: TaskStatus; commit: string }[], more: { claimed?: HeldClaim | undefined; worktrees?: number | undefined }): void {
  const runnable = statuses.filter(({ status }) => isRunnable(status, repo, deps) && !scheduler.has(repo.git.cwd, status.id));
  runnable.sort((a, b) => a.status.queuedAt.localeCompare(b.status.queuedAt) || (a.status.seq ?? 0) - (b.status.seq ?? 0));
  const { claimed, worktrees } = more;
  const jobs: { status: TaskStatus; commit: string; held?: HeldClaim }[] = [...(claimed ? [{ status: claimed.running, commit: claimed.sha, held: claimed }] : []), ...runnable];
  for (const { status, commit, held } of jobs) {
    scheduler.submit(repo.git.cwd, status.id, async (signal) => {
      try {
        if (status.spec) requireModelAccess(deps, status.spec.settings);
        await runTask(repo, deps, status, commit, { signal, ...(worktrees ? { worktrees } : {}), ...(held ? { claimed: held } : {}) });
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
  // Tasks the daily cap holds back may start when the next UTC day begins.
  if (deps.dailySpend && statuses.some(({ status }) => status.state === "queued")) times.push(nextUtcDay(now));
  const future = times.filter((t) => t > now);
  return future.length > 0 ? Math.min(...future) : undefined;
}

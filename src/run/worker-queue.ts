import { fetchRecords } from "../git/remote.ts";
import type { Deps, RepoContext } from "./context.ts";
import { isRunnable } from "./lease.ts";
import { recordCommentTasks } from "./comment-intake.ts";
import { recordNewTasks } from "./record-new-tasks.ts";
import { byQueueOrder } from "./run-once.ts";
import { loadStatuses } from "./statuses.ts";
import type { TaskStatus } from "./task-status.ts";

export interface EnqueueSummary {
  /** Invalid tasks of the current task files, recorded now or earlier. */
  invalid: TaskStatus[];
  /** What a worker may start now, in queue order (the daemon's rules). */
  runnable: TaskStatus[];
}

/**
 * `git codex run --enqueue-only`: the intake of `run --once` (fetch, record new tasks,
 * follow-ups, review outcomes, control trailers, PR comments) without running
 * anything, so a scheduler job can enqueue and separate workers execute.
 */
export async function enqueueOnly(repo: RepoContext, deps: Deps): Promise<EnqueueSummary> {
  const intakes = await recordNewTasks(repo, deps);
  await recordCommentTasks(repo, deps); // as run --once does: `@codex` comments on result PRs (codex.prComments)
  const records = [...(await loadStatuses(repo)).values()];
  const invalidIds = new Set(intakes.flatMap((intake) => intake.plan.invalid.map((task) => task.id)));
  return {
    invalid: records.filter(({ status }) => invalidIds.has(status.id)).map(({ status }) => status),
    runnable: runnableOf(records, repo, deps),
  };
}

/**
 * `git codex run --list-queued`: the tasks a worker may start now, read from the remote's
 * state refs (queued, interrupted, or running under a lease that ran out).
 */
export async function listRunnable(repo: RepoContext, deps: Deps): Promise<TaskStatus[]> {
  await repo.exclusive(() => fetchRecords(repo.git, repo.settings.remote));
  return runnableOf([...(await loadStatuses(repo)).values()], repo, deps);
}

function runnableOf(records: { status: TaskStatus; commit: string }[], repo: RepoContext, deps: Deps): TaskStatus[] {
  return records.filter(({ status }) => status.spec && isRunnable(status, repo, deps)).sort(byQueueOrder).map(({ status }) => status);
}

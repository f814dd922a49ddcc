import { removeStaleWorktrees } from "../git/worktree.ts";
import type { Deps, RepoContext } from "./context.ts";
import { recordNewTasks } from "./record-new-tasks.ts";
import { loadStatuses } from "./statuses.ts";
import { isRunnable } from "./lease.ts";
import { runTask } from "./run-task.ts";
import { removeStaleSlots } from "./slots.ts";
import { flushOutbox } from "./outbox.ts";
import type { TaskStatus } from "./task-status.ts";

export interface RunSummary {
  /** Tasks this run finished (or tried to), in order. */
  ran: TaskStatus[];
  /** Invalid tasks of the current task files, recorded now or earlier. */
  invalid: TaskStatus[];
  exitCode: 0 | 1 | 2;
}

/** `git codex run --once`: fetch, record new tasks, run every runnable one, push, exit. */
export async function runOnce(repo: RepoContext, deps: Deps): Promise<RunSummary> {
  await removeStaleWorktrees(repo.git, repo.settings.worktreeRoot);
  await removeStaleSlots(repo.settings.worktreeRoot, deps.host);
  const flushed = await flushOutbox(repo);
  if (flushed.length > 0) repo.log.info({ tasks: flushed }, "pushed results saved by an earlier run");
  const intakes = await recordNewTasks(repo, deps);
  const records = await loadStatuses(repo);
  const invalidIds = new Set(intakes.flatMap((intake) => intake.plan.invalid.map((task) => task.id)));
  const invalid = [...records.values()].filter(({ status }) => invalidIds.has(status.id)).map(({ status }) => status);
  const runnable = [...records.values()].filter(({ status }) => isRunnable(status, repo, deps)).sort(byQueueOrder);
  if (runnable.length > 0) await deps.sandbox(); // no sandbox and no opt-out: stop before claiming anything
  const ran: TaskStatus[] = [];
  for (const { status, commit } of runnable) {
    if (deps.signal?.aborted) break;
    if (status.spec) deps.modelClient(status.spec.settings); // a ConfigError here stops before claiming anything
    const outcome = await runTask(repo, deps, status, commit, deps.signal ? { signal: deps.signal } : {});
    if (outcome.claimed) ran.push(outcome.status);
  }
  const failed = ran.some((status) => status.state === "failed" || status.state === "interrupted");
  return { ran, invalid, exitCode: failed ? 1 : invalid.length > 0 ? 2 : 0 };
}

function byQueueOrder(a: { status: TaskStatus }, b: { status: TaskStatus }): number {
  return a.status.queuedAt.localeCompare(b.status.queuedAt) || (a.status.seq ?? 0) - (b.status.seq ?? 0);
}

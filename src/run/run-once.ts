import { requireModelAccess } from "./model-access.ts";
import { removeStaleWorktrees } from "../git/worktree.ts";
import type { Deps, RepoContext } from "./context.ts";
import { recordAndRead } from "./record-new-tasks.ts";
import { recordCommentTasks } from "./comment-intake.ts";
import { loadStatuses } from "./statuses.ts";
import { isRunnable } from "./lease.ts";
import { runTask, type HeldClaim } from "./run-task.ts";
import { claimAtOnce } from "./early-claim.ts";
import { removeStaleSlots } from "./slots.ts";
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
  // What a crash left behind needs cleaning before a task runs, not before the intake.
  const cleaning = Promise.all([removeStaleWorktrees(repo.git, repo.settings.worktreeRoot), removeStaleSlots(repo.settings.worktreeRoot, deps.host)]);
  cleaning.catch(() => undefined); // awaited below; an intake failure must not leave it unhandled
  // The sandbox probe (a few bubblewrap runs) goes beside the fetch; its verdict is awaited before a claim.
  deps.sandbox().catch(() => undefined);
  // The intake pushes results an earlier run saved in the outbox before it claims anything.
  // With nothing else waiting, the first new task is claimed in the push that records it.
  const claimFirst = claimAtOnce(repo, deps, () => deps.sandbox().then(() => !deps.signal?.aborted, () => false));
  const intake = await recordAndRead(repo, deps, {}, { claimFirst });
  const intakes = intake.intakes;
  const commented = await recordCommentTasks(repo, deps); // codex.prComments: `@codex` comments on open result PRs
  const records = commented.length > 0 ? await loadStatuses(repo) : intake.records;
  await cleaning;
  const invalidIds = new Set(intakes.flatMap((intake) => intake.plan.invalid.map((task) => task.id)));
  const invalid = [...records.values()].filter(({ status }) => invalidIds.has(status.id)).map(({ status }) => status);
  const runnable = [...records.values()].filter(({ status }) => isRunnable(status, repo, deps)).sort(byQueueOrder);
  if (runnable.length > 0) await deps.sandbox(); // no sandbox and no opt-out: stop before claiming anything
  const ran: TaskStatus[] = [];
  const held = intake.claimed;
  const jobs: { status: TaskStatus; commit: string; held?: HeldClaim }[] = [...(held ? [{ status: held.running, commit: held.sha, held }] : []), ...runnable];
  for (const { status, commit, held } of jobs) {
    if (deps.signal?.aborted) break;
    if (status.spec) requireModelAccess(deps, status.spec.settings); // a ConfigError here stops before claiming anything
    const outcome = await runTask(repo, deps, status, commit, { ...(deps.signal ? { signal: deps.signal } : {}), ...(held ? { claimed: held } : {}) });
    if (outcome.claimed) ran.push(outcome.status);
  }
  const failed = ran.some((status) => status.state === "failed" || status.state === "interrupted");
  return { ran, invalid, exitCode: failed ? 1 : invalid.length > 0 ? 2 : 0 };
}

export function byQueueOrder(a: { status: TaskStatus }, b: { status: TaskStatus }): number {
  return a.status.queuedAt.localeCompare(b.status.queuedAt) || (a.status.seq ?? 0) - (b.status.seq ?? 0);
}

import { fetchRemote, remoteDefaultBranch } from "../git/remote.ts";
import { readAllRecords } from "../git/state-ref.ts";
import { removeStaleWorktrees } from "../git/worktree.ts";
import type { Deps, RepoContext } from "./context.ts";
import { enqueue } from "./enqueue.ts";
import { ConfigError } from "./errors.ts";
import { readIntake, type Intake } from "./intake.ts";
import { isRunnable } from "./lease.ts";
import { runTask } from "./run-task.ts";
import { removeStaleSlots } from "./slots.ts";
import { flushOutbox } from "./outbox.ts";
import { parseStatus, type TaskStatus } from "./task-status.ts";

export interface RunSummary {
  /** Tasks this run finished (or tried to), in order. */
  ran: TaskStatus[];
  /** Invalid tasks of the current task files, recorded now or earlier. */
  invalid: TaskStatus[];
  exitCode: 0 | 1 | 2;
}

const ENQUEUE_ATTEMPTS = 3;

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

/** Fetches, plans and records new tasks of every watched branch; retried when the remote moves meanwhile. */
export async function recordNewTasks(repo: RepoContext, deps: Deps): Promise<Intake[]> {
  for (let attempt = 1; ; attempt++) {
    await fetchRemote(repo.git, repo.settings.remote);
    const branches = repo.settings.watch.length > 0 ? repo.settings.watch : [await remoteDefaultBranch(repo.git, repo.settings.remote)];
    const known = new Set((await readAllRecords(repo.git)).keys());
    const nowMs = deps.clock.now();
    const intakes: Intake[] = [];
    let ok = true;
    for (const branch of branches) {
      const intake = await readIntake(repo, branch, nowMs);
      const result = await enqueue(repo, intake, known, nowMs);
      ok &&= result.ok;
      if (result.queued.length + result.invalid.length > 0) repo.log.info({ branch, queued: result.queued, invalid: result.invalid }, "recorded new tasks");
      intakes.push(intake);
    }
    if (ok) return intakes;
    if (attempt >= ENQUEUE_ATTEMPTS) throw new ConfigError("could not record new tasks: the remote kept changing", "run again; if it persists, check that nothing else rewrites refs/codex/* on the remote");
    repo.log.info({ attempt }, "the remote changed while recording tasks; fetching again");
  }
}

export async function loadStatuses(repo: RepoContext): Promise<Map<string, { status: TaskStatus; commit: string }>> {
  const result = new Map<string, { status: TaskStatus; commit: string }>();
  for (const [id, record] of await readAllRecords(repo.git)) {
    const status = parseStatus(record.content);
    if (status) result.set(id, { status, commit: record.commit });
    else repo.log.warn({ task: id }, "unreadable task record; leaving it alone");
  }
  return result;
}

function byQueueOrder(a: { status: TaskStatus }, b: { status: TaskStatus }): number {
  return a.status.queuedAt.localeCompare(b.status.queuedAt) || (a.status.seq ?? 0) - (b.status.seq ?? 0);
}

import { removeStaleWorktrees } from "../git/worktree.ts";
import { requireModelAccess } from "./model-access.ts";
import { fetchRemote } from "../git/remote.ts";
import type { Deps, RepoContext } from "./context.ts";
import { ConfigError } from "./errors.ts";
import { findTask } from "./find-task.ts";
import { isRunnable } from "./lease.ts";
import { flushOutbox } from "./outbox.ts";
import { byQueueOrder } from "./run-once.ts";
import { runTask, type TaskControl } from "./run-task.ts";
import { removeStaleSlots } from "./slots.ts";
import { loadStatuses } from "./statuses.ts";
import { FINAL_STATES, type TaskStatus } from "./task-status.ts";

/** Why a worker ran nothing: the task is not its to run. */
export type NotRun = { why: "unknown" | "claimed" | "finished" | "deferred"; message: string };

export type SingleOutcome = { ran: true; status: TaskStatus } | ({ ran: false } & NotRun);

/**
 * `git codex run --task <id>`: one worker, one task. Fetches, finds the task, and when the
 * daemon's rules would start it (queued, interrupted, or a running claim whose lease ran
 * out), claims it with the same compare-and-swap push and runs it to the end. Never runs
 * any other task, so a CI matrix or a Kubernetes Job can host one worker per task.
 */
export async function runSingleTask(repo: RepoContext, deps: Deps, query: string, control: TaskControl = {}): Promise<SingleOutcome> {
  if (query.trim() === "") throw new ConfigError("--task needs a task id", "see the ids with `git codex run --list-queued` or `git codex status`");
  await removeStaleWorktrees(repo.git, repo.settings.worktreeRoot);
  await removeStaleSlots(repo.settings.worktreeRoot, deps.host);
  await flushOutbox(repo);
  await repo.exclusive(() => fetchRemote(repo.git, repo.settings.remote));
  const records = [...(await loadStatuses(repo)).values()].sort(byQueueOrder);
  const statuses = records.map((r) => r.status);
  if (!statuses.some((s) => s.id === query || s.spec?.key === query || s.id.startsWith(query))) {
    return { ran: false, why: "unknown", message: `no task "${query}" on the remote "${repo.settings.remote}"; nothing was run (see the ids with \`git codex status\`)` };
  }
  const status = findTask(statuses, query); // an ambiguous prefix is a usage error (exit 2)
  const record = records.find((r) => r.status.id === status.id);
  if (!record || !status.spec || !isRunnable(status, repo, deps)) return { ran: false, ...whyNot(status) };
  await deps.sandbox(); // no sandbox and no opt-out: stop before claiming
  requireModelAccess(deps, status.spec.settings); // a ConfigError here stops before claiming
  const outcome = await runTask(repo, deps, status, record.commit, control);
  if (!outcome.claimed && outcome.deferred) return { ran: false, why: "deferred", message: `${status.id} stays queued: ${outcome.deferred}; nothing was run` };
  if (!outcome.claimed) return { ran: false, why: "claimed", message: `${status.id} was claimed by another worker first; nothing was run` };
  if (outcome.status.state === "running") return { ran: false, ...whyNot(outcome.status, "was taken over while it ran") };
  return { ran: true, status: outcome.status };
}

/** Words for a task this worker may not start now. */
export function whyNot(status: TaskStatus, verb = "is claimed"): NotRun {
  if (status.state === "running" && status.lease) {
    const { host, runId, expiresAt } = status.lease;
    return { why: "claimed", message: `${status.id} ${verb} by ${host} (run ${runId}, lease until ${expiresAt}); nothing was run here` };
  }
  if (FINAL_STATES.has(status.state)) {
    const hint = status.state === "invalid" || status.state === "refused" ? "it never runs" : `\`git codex retry ${status.id}\` runs it again`;
    return { why: "finished", message: `${status.id} is already ${status.state}${status.finishedAt ? ` (${status.finishedAt})` : ""}; nothing was run (${hint})` };
  }
  return { why: "claimed", message: `${status.id} is ${status.state} and not runnable by this worker now; nothing was run` };
}

import { fetchRef } from "../git/remote.ts";
import { readRecordFile, taskRef } from "../git/state-ref.ts";
import { resolveRef } from "../git/refs.ts";
import type { Deps, RepoContext } from "./context.ts";
import { ConfigError } from "./errors.ts";
import { nowIso, pushAll, stateUpdate, writeStatus } from "./records.ts";
import { FINAL_STATES, parseStatus, type TaskStatus } from "./task-status.ts";

const ATTEMPTS = 3;

/**
 * `git codex cancel` and `retry` write the request into the task's state ref itself, with a
 * lease on the record they read: whichever process holds the task sees its claim move
 * within seconds (claim-keeper.ts) and stops; a queued task is never started.
 */
export async function requestCancel(repo: RepoContext, deps: Deps, id: string, who: string): Promise<TaskStatus> {
  return rewrite(repo, deps, id, (current, now) => cancelled(current, who, now));
}

export async function requestRetry(repo: RepoContext, deps: Deps, id: string, who: string): Promise<TaskStatus> {
  return rewrite(repo, deps, id, (current, now) => retried(current, who, now));
}

/** The record of a cancel request; a ConfigError when the task has already ended. */
export function cancelled(current: TaskStatus, who: string, now: string): TaskStatus {
  if (FINAL_STATES.has(current.state)) throw new ConfigError(`task ${current.id} is already ${current.state}`, "nothing to cancel; `git codex retry` runs a finished task again");
  const next: TaskStatus = { ...current, state: "cancelled", reason: `cancelled by ${who}`, updatedAt: now, finishedAt: now };
  delete next.lease;
  return next;
}

/** The record of a retry request: queued again; a ConfigError when the task has not ended or cannot run. */
export function retried(current: TaskStatus, who: string, now: string): TaskStatus {
  if (!current.spec) throw new ConfigError(`task ${current.id} is invalid and cannot be retried`, "fix the task file and push: a corrected task runs as a new version");
  if (!FINAL_STATES.has(current.state) && current.state !== "interrupted") throw new ConfigError(`task ${current.id} is ${current.state}`, "retry applies to finished tasks; wait for it, or cancel it first");
  return { version: 1, id: current.id, state: "queued", reason: `retry requested by ${who}`, spec: current.spec, baseRef: current.baseRef, base: current.base, attempts: current.attempts, queuedAt: now, updatedAt: now };
}

async function rewrite(repo: RepoContext, deps: Deps, id: string, change: (current: TaskStatus, now: string) => TaskStatus): Promise<TaskStatus> {
  const ref = taskRef(id);
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    await fetchRef(repo.git, repo.settings.remote, ref).catch(() => undefined);
    const sha = await resolveRef(repo.git, ref);
    const current = parseStatus(sha ? await readRecordFile(repo.git, ref, "status.json") : undefined);
    if (!sha || !current) throw new ConfigError(`no task "${id}" on the remote`, "see the task ids with `git codex status`");
    const next = change(current, nowIso(deps.clock.now()));
    const written = await writeStatus(repo, next, sha);
    if ((await pushAll(repo, [stateUpdate(id, written, sha)])).ok) return next;
    repo.log.info({ task: id, attempt }, "the task's record changed meanwhile; reading it again");
  }
  throw new ConfigError(`task ${id} kept changing on the remote`, "run the command again");
}

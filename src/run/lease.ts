import { isProcessAlive } from "../git/worktree.ts";
import type { Deps, RepoContext } from "./context.ts";
import { leaseExpired, type Lease, type TaskStatus } from "./task-status.ts";

/** How long a claim holds without renewal; the holder renews it well before (claim-keeper.ts). */
export const LEASE_MS = 2 * 60 * 1000;

export function newLease(repo: RepoContext, deps: Deps, runId: string): Lease {
  return {
    host: deps.host,
    pid: deps.pid,
    runId,
    stateDir: repo.settings.stateDir,
    expiresAt: new Date(deps.clock.now() + LEASE_MS).toISOString(),
  };
}

export function renewLease(status: TaskStatus, deps: Deps): Lease | undefined {
  return status.lease ? { ...status.lease, expiresAt: new Date(deps.clock.now() + LEASE_MS).toISOString() } : undefined;
}

/**
 * The repository lock for one task's record-and-push steps: shared with other tasks' steps,
 * exclusive against fetches and intakes (src/util/mutex.ts). Keyed by the result branch
 * without a numeric suffix, so tasks whose results may land on the same branch (`fix` moved
 * on to `fix-2` by a person's commit) choose it and push it one after the other.
 */
export function taskLock(repo: RepoContext, status: TaskStatus): <T>(section: () => Promise<T>) => Promise<T> {
  const key = status.spec ? `branch:${status.spec.branch.replace(/-\d+$/, "")}` : `task:${status.id}`;
  return (section) => repo.exclusive.shared(key, section);
}

/** Whether this process may start (or take over) the task now. */
export function isRunnable(status: TaskStatus, repo: RepoContext, deps: Deps): boolean {
  if (status.state === "queued" || status.state === "interrupted") return true;
  if (status.state !== "running") return false;
  if (leaseExpired(status, deps.clock.now())) return true;
  const lease = status.lease;
  // A restarted process of this host and state dir takes over its own dead claims at once.
  return Boolean(lease && lease.host === deps.host && lease.stateDir === repo.settings.stateDir && lease.pid !== deps.pid && !isProcessAlive(lease.pid));
}

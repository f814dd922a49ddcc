import { isProcessAlive } from "../git/worktree.ts";
import type { Deps, RepoContext } from "./context.ts";
import { leaseExpired, type Lease, type TaskStatus } from "./task-status.ts";

// A lease outlives the task's own time budget by this much before others may take over.
const LEASE_MARGIN_MS = 10 * 60 * 1000;

export function newLease(repo: RepoContext, deps: Deps, runId: string, budgetMinutes: number): Lease {
  return {
    host: deps.host,
    pid: deps.pid,
    runId,
    stateDir: repo.settings.stateDir,
    expiresAt: new Date(deps.clock.now() + budgetMinutes * 60_000 + LEASE_MARGIN_MS).toISOString(),
  };
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

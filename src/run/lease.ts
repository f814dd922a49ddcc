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

/** Whether this process may start (or take over) the task now. */
export function isRunnable(status: TaskStatus, repo: RepoContext, deps: Deps): boolean {
  if (status.state === "queued" || status.state === "interrupted") return true;
  if (status.state !== "running") return false;
  if (leaseExpired(status, deps.clock.now())) return true;
  const lease = status.lease;
  // A restarted process of this host and state dir takes over its own dead claims at once.
  return Boolean(lease && lease.host === deps.host && lease.stateDir === repo.settings.stateDir && lease.pid !== deps.pid && !isProcessAlive(lease.pid));
}

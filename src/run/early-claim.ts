import { requireModelAccess } from "./model-access.ts";
import type { Deps, RepoContext } from "./context.ts";
import { startBlocked } from "./daily-spend.ts";
import { isRunnable } from "./lease.ts";
import { runningRecord } from "./run-task.ts";
import type { TaskStatus } from "./task-status.ts";

/** Decides, for the first task an intake records, whether to claim it in the same push. */
export type ClaimFirst = (queued: TaskStatus, records: readonly { status: TaskStatus }[]) => Promise<{ running: TaskStatus; runId: string } | undefined>;

/**
 * Claiming a new task in the push that records it saves a push, and its round trip, between
 * noticing a task and starting it. The intake then creates the task's state ref as `running`
 * (on top of the `queued` record, so the audit log still reads queued → running) with
 * `--force-with-lease=<ref>:`. Creating the ref is the claim, exactly as the compare-and-swap
 * from the queued record is: whoever creates it holds the task, and a process whose atomic
 * push fails has recorded and claimed nothing. This is done only when the task would start
 * at once anyway: `ready` says this process has room now, no older task waits (those go
 * first, in order), and the task's model and the daily spending cap let it start. Otherwise
 * it is recorded as queued and claimed as usual.
 */
export function claimAtOnce(repo: RepoContext, deps: Deps, ready: () => Promise<boolean>): ClaimFirst {
  return async (queued, records) => {
    const spec = queued.spec;
    if (!spec || records.some(({ status }) => isRunnable(status, repo, deps))) return undefined;
    try {
      if (!(await ready())) return undefined;
      requireModelAccess(deps, spec.settings);
      // An invalid models.json is a ConfigError: nothing may be claimed before it is reported.
      const prices = deps.models?.().prices;
      if (deps.dailySpend && (await startBlocked(deps.dailySpend, spec.settings.model, prices))) return undefined;
    } catch {
      return undefined; // whatever stops it is reported when the task is taken up the usual way
    }
    return runningRecord(repo, deps, queued);
  };
}

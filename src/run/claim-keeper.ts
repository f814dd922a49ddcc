import { fetchRef, remoteRefSha } from "../git/remote.ts";
import { taskRef } from "../git/state-ref.ts";
import { readRecordFile } from "../git/state-ref.ts";
import type { Deps, RepoContext } from "./context.ts";
import { renewLease, taskLock } from "./lease.ts";
import { nowIso, pushAll, stateUpdate, writeStatus } from "./records.ts";
import { parseStatus, type TaskStatus } from "./task-status.ts";

export const CHECK_MS = 3_000;
export const RENEW_MS = 30_000;

export interface Claim {
  /** The running record's commit on the remote now: the lease for the final push. */
  readonly sha: string;
  /** Set when someone else wrote the task's state ref: cancelled, or taken over. */
  readonly lost?: { by: "cancel" | "takeover"; status?: TaskStatus };
  stop(): Promise<void>;
}

/**
 * Holds a claim while the task runs: checks every few seconds that the remote state ref is
 * still ours (a `git codex cancel` or a takeover moves it) and renews the lease by
 * replacing the running record. When the claim is lost, `abort` stops the agent.
 */
export function keepClaim(repo: RepoContext, deps: Deps, running: TaskStatus, claimSha: string, parent: string, abort: (reason: string) => void): Claim {
  let sha = claimSha;
  let lost: Claim["lost"];
  let renewedAt = deps.clock.now();
  let current = running;
  let inFlight: Promise<void> = Promise.resolve();
  const ref = taskRef(running.id);
  const check = async (): Promise<void> => {
    const remote = await remoteRefSha(repo.git, repo.settings.remote, ref);
    if (remote !== sha) {
      lost = await whoTookIt(repo, ref, remote);
      abort(lost.by === "cancel" ? "cancelled" : "the claim was taken over");
      return;
    }
    if (deps.clock.now() - renewedAt < RENEW_MS) return;
    const renewed: TaskStatus = { ...current, lease: renewLease(current, deps), updatedAt: nowIso(deps.clock.now()) };
    // A renewal replaces the running record (same parent), so the audit log stays short.
    const renewedSha = await taskLock(repo, running)(async () => {
      const next = await writeStatusReplacing(repo, renewed, parent, sha);
      return (await pushAll(repo, [stateUpdate(running.id, next, sha)])).ok ? next : undefined;
    });
    if (renewedSha) {
      sha = renewedSha;
      current = renewed;
      renewedAt = deps.clock.now();
    }
  };
  const timer = setInterval(() => {
    inFlight = inFlight.then(check).catch((error: unknown) => repo.log.warn({ task: running.id, err: String(error) }, "could not check the claim; will try again"));
  }, CHECK_MS);
  return {
    get sha() { return sha; },
    get lost() { return lost; },
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}

async function whoTookIt(repo: RepoContext, ref: string, remote: string | undefined): Promise<NonNullable<Claim["lost"]>> {
  if (!remote) return { by: "takeover" };
  await fetchRef(repo.git, repo.settings.remote, ref);
  const status = parseStatus(await readRecordFile(repo.git, ref, "status.json"));
  return { by: status?.state === "cancelled" ? "cancel" : "takeover", ...(status ? { status } : {}) };
}

async function writeStatusReplacing(repo: RepoContext, status: TaskStatus, parent: string, replaced: string): Promise<string> {
  // writeStatus moves the local ref from `replaced` to the new commit built on `parent`.
  return writeStatus(repo, status, parent, undefined, replaced);
}

import { randomBytes } from "node:crypto";
import type { RefUpdate } from "../git/push.ts";
import { costOf, type ModelPrice } from "../agent/pricing.ts";
import { startBlocked } from "./daily-spend.ts";
import { keepClaim, type Claim } from "./claim-keeper.ts";
import type { Deps, RepoContext } from "./context.ts";
import { executeTask, type Execution } from "./execute.ts";
import { newLease, taskLock } from "./lease.ts";
import { rememberPushedBranches, saveToOutbox } from "./outbox.ts";
import { GitError } from "../git/git-error.ts";
import { livePullProgress, noPullRequestNote, pullRequestFor } from "./pull-request.ts";
import { nowIso, pushAll, stateUpdate, writeStatus } from "./records.ts";
import { chooseResultBranch } from "./result-branch.ts";
import { baselineRef } from "./intake.ts";
import { resolveRef } from "../git/refs.ts";
import { recordMemory } from "./memory.ts";
import type { TaskStatus } from "./task-status.ts";

/** `deferred`: not claimed because of the daily spending cap; it stays queued, and says until when. */
export type TaskOutcome = { claimed: false; deferred?: string } | { claimed: true; status: TaskStatus };

export interface TaskControl {
  /** Aborts the task: shutdown after the grace period. It is recorded as interrupted and runs again. */
  signal?: AbortSignal;
  /** Pooled worktrees this repository keeps (its concurrency: the daemon's per-repo limit). Default 1. */
  worktrees?: number;
  /** Called once the claim is on the remote and the task is running. */
  onStart?: (status: TaskStatus) => void;
  /** The claim is already on the remote: the intake created the state ref as running (early-claim.ts). */
  claimed?: HeldClaim;
}

/** A claim on the remote: the running record, its commit there, and the record it replaced. */
export interface HeldClaim {
  running: TaskStatus;
  runId: string;
  sha: string;
  parent: string;
}

/** The running record with which this process claims `current`, and the run's id. */
export function runningRecord(repo: RepoContext, deps: Deps, current: TaskStatus): { running: TaskStatus; runId: string } {
  const runId = `${deps.host}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const startedAt = nowIso(deps.clock.now());
  const running: TaskStatus = { ...current, state: "running", lease: newLease(repo, deps, runId), attempts: current.attempts + 1, startedAt, updatedAt: startedAt };
  delete running.reason;
  return { running, runId };
}

/**
 * Runs one queued task: claims it on the remote (a compare-and-swap on its state ref),
 * keeps the claim while the agent works, then pushes the result branch and the final
 * state in one atomic push with the claim as the lease.
 */
export async function runTask(repo: RepoContext, deps: Deps, current: TaskStatus, currentSha: string, control: TaskControl = {}): Promise<TaskOutcome> {
  const spec = current.spec;
  if (!spec) return { claimed: false };
  const { running, runId } = control.claimed ?? runningRecord(repo, deps, current);
  const log = repo.log.child({ task: spec.id, run: runId });
  // Before the claim: a task the cap holds back stays queued for whoever has money left.
  const models = deps.models?.();
  const capped = deps.dailySpend && !control.claimed ? await startBlocked(deps.dailySpend, spec.settings.model, models?.prices) : undefined;
  if (capped) {
    log.info({ reason: capped.reason, resumesAt: new Date(capped.resumesAt).toISOString() }, "daily spending cap reached: the task stays queued");
    return { claimed: false, deferred: capped.reason };
  }
  const claimSha = control.claimed?.sha ?? (await taskLock(repo, running)(() => claim(repo, running, currentSha)));
  if (!claimSha) {
    log.info("another process claimed the task first");
    return { claimed: false };
  }
  log.info({ base: spec.base, model: spec.settings.model, attempt: running.attempts }, "task started");
  control.onStart?.(running);
  const stop = new AbortController();
  const onShutdown = (): void => stop.abort("interrupted");
  control.signal?.addEventListener("abort", onShutdown, { once: true });
  if (control.signal?.aborted) onShutdown();
  const kept = keepClaim(repo, deps, running, claimSha, control.claimed?.parent ?? currentSha, (reason) => stop.abort(reason));
  const live = await livePullProgress(repo, deps, running);
  let execution: Execution | undefined;
  let failure: string | undefined;
  try {
    execution = await executeTask(repo, deps, spec, runId, stop.signal, (plan) => live?.show({ ...running, plan }), { keep: control.worktrees ?? 1 });
  } catch (error) {
    failure = deps.redact(error instanceof Error ? error.message : String(error));
    log.error({ err: failure }, "task crashed");
  } finally {
    control.signal?.removeEventListener("abort", onShutdown);
    await Promise.all([kept.stop(), live?.close()]);
  }
  if (kept.lost) {
    log.warn({ by: kept.lost.by }, "the task was cancelled or taken over while it ran; its result is dropped");
    return { claimed: true, status: kept.lost.status ?? { ...running, state: "cancelled" } };
  }
  // Shared with other tasks' steps: this push need not wait for theirs, nor theirs for it.
  const finalized = await taskLock(repo, running)(() => finalize(repo, deps, running, kept, execution, failure));
  // Notes the agent proposed go to the memory branch once the task is recorded; failing that never fails the task.
  const final = await recordMemory(repo, deps, await recordPullRequest(repo, deps, finalized), execution?.agent.memoryNotes);
  log.info({ state: final.state, branch: final.branch, reason: final.reason, pr: final.pullRequest?.url }, "task finished");
  return { claimed: true, status: final };
}

/** After the result is pushed: the pull request, recorded as one more state change. */
async function recordPullRequest(repo: RepoContext, deps: Deps, { status, sha }: { status: TaskStatus; sha: string }): Promise<TaskStatus> {
  const pull = await pullRequestFor(repo, deps, status);
  if (!pull.pullRequest && !pull.pullRequestNote) return status;
  const next: TaskStatus = { ...status, ...pull, updatedAt: nowIso(deps.clock.now()) };
  const event = pull.pullRequest ? `pull request ${pull.pullRequest.url}` : `no pull request: ${pull.pullRequestNote}`;
  const recorded = await taskLock(repo, status)(async () => {
    const written = await writeStatus(repo, next, sha, undefined, sha, event);
    return (await pushAll(repo, [stateUpdate(status.id, written, sha)]).catch(() => ({ ok: false }))).ok;
  }).catch(() => false);
  if (!recorded) {
    repo.log.warn({ task: status.id }, "could not record the pull request in the task's state; it stays visible on the forge");
    return status;
  }
  return next;
}

async function finalize(repo: RepoContext, deps: Deps, running: TaskStatus, claim: Claim, execution: Execution | undefined, failure: string | undefined): Promise<{ status: TaskStatus; sha: string }> {
  const now = nowIso(deps.clock.now());
  const interrupted = execution?.agent.outcome === "aborted";
  const status: TaskStatus = { ...running, updatedAt: now, finishedAt: now, state: interrupted ? "interrupted" : (execution?.state ?? "failed") };
  delete status.lease;
  const reason = interrupted ? "interrupted by shutdown; it runs again" : (failure ?? execution?.reason);
  if (reason) status.reason = reason;
  if (execution) Object.assign(status, describeExecution(execution, running, deps.models?.().prices));
  const updates: RefUpdate[] = [];
  if (execution?.commit && running.spec && !interrupted && !execution.refused) {
    // A follow-up appends to its branch: the lease is the tip it was built on, so a person's
    // newer commit there is never overwritten (the push is rejected instead).
    // The usual branch's baseline is read while the branch is chosen; another branch reads its own.
    const usualBaseline = resolveRef(repo.git, baselineRef(running.spec.branch));
    usualBaseline.catch(() => undefined);
    const target = running.spec.followUp ? { branch: running.spec.branch, expect: running.spec.base } : await chooseResultBranch(repo, running.spec);
    status.branch = target.branch;
    status.commit = execution.commit;
    updates.push({ ref: `refs/heads/${target.branch}`, sha: execution.commit, expect: target.expect });
    // The bot's own commit is nothing to scan for follow-ups: the branch's baseline moves with it.
    const baseline = baselineRef(target.branch);
    const baselineTip = target.branch === running.spec.branch ? await usualBaseline : await resolveRef(repo.git, baseline);
    updates.push({ ref: baseline, sha: execution.commit, expect: baselineTip ?? null });
  }
  const note = noPullRequestNote(repo, status);
  if (note) status.pullRequestNote = note;
  const attemptFiles = Object.fromEntries(Object.entries(execution?.attemptTranscripts ?? {}).map(([n, entries]) => [`attempt-${n}.jsonl`, entries]));
  const finalSha = await writeStatus(repo, status, claim.sha, execution?.agent.transcript, claim.sha, undefined, attemptFiles);
  updates.push(stateUpdate(status.id, finalSha, claim.sha));
  await pushResult(repo, status.id, updates);
  return { status, sha: finalSha };
}

/** The claim: a running record pushed with the queued record as the lease; undefined when someone else moved it first. */
export async function claim(repo: RepoContext, running: TaskStatus, currentSha: string): Promise<string | undefined> {
  try {
    const claimSha = await writeStatus(repo, running, currentSha);
    return (await pushAll(repo, [stateUpdate(running.id, claimSha, currentSha)])).ok ? claimSha : undefined;
  } catch (error) {
    // The local record moved since the task was queued here (a fetch brought another's claim).
    if (error instanceof GitError) return undefined;
    throw error;
  }
}

/** The final atomic push; when the remote cannot be reached the result waits in the outbox. */
async function pushResult(repo: RepoContext, id: string, updates: RefUpdate[]): Promise<void> {
  let pushed: Awaited<ReturnType<typeof pushAll>>;
  try {
    pushed = await pushAll(repo, updates);
  } catch (error) {
    await saveToOutbox(repo, id, updates);
    throw new Error(`could not push the result of ${id}; it is saved locally and will be pushed by the next run`, { cause: error });
  }
  if (pushed.ok) await rememberPushedBranches(repo, updates);
  if (!pushed.ok) throw new Error(`the remote rejected the result of ${id} (${pushed.outcomes.map((o) => `${o.ref}: ${o.detail}`).join("; ")}); the task was taken over or its branch changed meanwhile`);
}

function describeExecution(execution: Execution, running: TaskStatus, prices?: Readonly<Record<string, ModelPrice>>): Partial<TaskStatus> {
  const { agent } = execution;
  const model = running.spec?.settings.model ?? "";
  const cost = costOf(model, agent.usage, prices);
  return {
    summary: agent.finalMessage,
    plan: agent.plan,
    verify: agent.verify,
    usage: { ...agent.usage, ...(cost === undefined ? {} : { costUsd: cost }) },
    turns: agent.turns,
    sandbox: execution.sandbox,
    ...(execution.files ? { files: execution.files } : {}),
    ...(execution.bestOf ? { bestOf: execution.bestOf } : {}),
  };
}

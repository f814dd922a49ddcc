import { updateRefs, type RefMove } from "../git/refs.ts";
import { taskRef } from "../git/state-ref.ts";
import type { RefUpdate } from "../git/push.ts";
import type { InvalidTask, RefusedTask, TaskSpec } from "../tasks/types.ts";
import type { RepoContext } from "./context.ts";
import type { BaselineMove } from "./intake.ts";
import type { ClaimFirst } from "./early-claim.ts";
import type { HeldClaim } from "./run-task.ts";
import { buildStatus, nowIso, pushAll } from "./records.ts";
import type { TaskStatus } from "./task-status.ts";

/** Everything one cycle records: new tasks, changed records and baseline moves. */
export interface Batch {
  tasks: TaskSpec[];
  invalid: InvalidTask[];
  refused: RefusedTask[];
  updates: { status: TaskStatus; parent: string }[];
  baselines: BaselineMove[];
}

export interface EnqueueResult {
  /** False when another process changed the same refs first: fetch and plan again. */
  ok: boolean;
  queued: string[];
  invalid: string[];
  refused: string[];
  /** Every record this batch wrote (new ones and updates), by task id, when `ok`. */
  written: Map<string, { status: TaskStatus; commit: string }>;
  /** The new task this push also claimed (see early-claim.ts), when `ok`. */
  claimed?: HeldClaim;
}

/**
 * Records every newly planned task as `queued` (every invalid one as `invalid`), the
 * record updates, and the baseline moves, in one atomic push. Once this lands a task
 * cannot be lost: whoever runs next finds it queued in git.
 */
export async function enqueue(repo: RepoContext, batch: Batch, known: ReadonlySet<string>, nowMs: number, claimFirst?: (queued: TaskStatus) => ReturnType<ClaimFirst>): Promise<EnqueueResult> {
  const queued: string[] = [];
  const invalid: string[] = [];
  const refused: string[] = [];
  const written = new Map<string, { status: TaskStatus; commit: string }>();
  let claimed: HeldClaim | undefined;
  // The records' objects are written side by side (in process where the repository allows
  // it); then the baselines and records move in one transaction, all or none.
  const moves: RefMove[] = batch.baselines.filter((move) => move.old !== move.tip).map((move) => ({ ref: move.ref, value: move.tip, expected: move.old }));
  const jobs: Promise<void>[] = [];
  const record = async (status: TaskStatus, parent: string | undefined): Promise<void> => {
    const commit = await buildStatus(repo, status, parent);
    moves.push({ ref: taskRef(status.id), value: commit, expected: parent });
    written.set(status.id, { status, commit });
  };
  const recordClaimed = async (status: TaskStatus, claim: { running: TaskStatus; runId: string }): Promise<void> => {
    // The ref is created at the running record, whose parent is the queued one.
    const parent = await buildStatus(repo, status, undefined);
    const sha = await buildStatus(repo, claim.running, parent);
    moves.push({ ref: taskRef(status.id), value: sha, expected: undefined });
    written.set(status.id, { status: claim.running, commit: sha });
    claimed = { ...claim, sha, parent };
  };
  for (const spec of batch.tasks) {
    if (known.has(spec.id) || queued.includes(spec.id)) continue;
    const status: TaskStatus = { ...queuedStatus(spec, nowMs), seq: queued.length };
    const claim = queued.length === 0 ? await claimFirst?.(status) : undefined;
    jobs.push(claim ? recordClaimed(status, claim) : record(status, undefined));
    queued.push(spec.id);
  }
  for (const task of batch.invalid) {
    if (known.has(task.id) || invalid.includes(task.id)) continue;
    jobs.push(record(invalidStatus(task, nowMs), undefined));
    invalid.push(task.id);
  }
  for (const task of batch.refused) {
    if (known.has(task.id) || refused.includes(task.id)) continue;
    jobs.push(record(refusedStatus(task, nowMs), undefined));
    refused.push(task.id);
  }
  for (const { status, parent } of batch.updates) jobs.push(record(status, parent));
  const failed = (await Promise.allSettled(jobs)).find((outcome) => outcome.status === "rejected");
  if (failed) throw failed.reason;
  if (moves.length === 0) return { ok: true, queued, invalid, refused, written };
  await updateRefs(repo.git, moves);
  const updates: RefUpdate[] = moves.map((move) => ({ ref: move.ref, sha: move.value, expect: move.expected ?? null }));
  const { ok } = await pushAll(repo, updates);
  return ok ? { ok, queued, invalid, refused, written, ...(claimed ? { claimed } : {}) } : { ok, queued: [], invalid: [], refused: [], written: new Map() };
}

function queuedStatus(spec: TaskSpec, nowMs: number): TaskStatus {
  const now = nowIso(nowMs);
  return { version: 1, id: spec.id, state: "queued", spec, baseRef: spec.baseRef, base: spec.base, attempts: 0, queuedAt: now, updatedAt: now };
}

function invalidStatus(task: InvalidTask, nowMs: number): TaskStatus {
  const now = nowIso(nowMs);
  const first = task.problems[0];
  return {
    version: 1,
    id: task.id,
    state: "invalid",
    reason: first ? first.message : "invalid task",
    problems: task.problems,
    baseRef: task.baseRef,
    base: task.base,
    attempts: 0,
    queuedAt: now,
    updatedAt: now,
    finishedAt: now,
  };
}

function refusedStatus(task: RefusedTask, nowMs: number): TaskStatus {
  const now = nowIso(nowMs);
  return {
    version: 1, id: task.id, state: "refused", reason: task.reason, baseRef: task.baseRef, base: task.base,
    refusedRequest: { requester: task.requester, prompt: task.prompt, ...(task.key ? { key: task.key } : {}) },
    attempts: 0, queuedAt: now, updatedAt: now, finishedAt: now,
  };
}

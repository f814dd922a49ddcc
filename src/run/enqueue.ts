import { updateRef } from "../git/refs.ts";
import type { RefUpdate } from "../git/push.ts";
import type { InvalidTask, RefusedTask, TaskSpec } from "../tasks/types.ts";
import type { RepoContext } from "./context.ts";
import type { BaselineMove } from "./intake.ts";
import { nowIso, pushAll, stateUpdate, writeStatus } from "./records.ts";
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
}

/**
 * Records every newly planned task as `queued` (every invalid one as `invalid`), the
 * record updates, and the baseline moves, in one atomic push. Once this lands a task
 * cannot be lost: whoever runs next finds it queued in git.
 */
export async function enqueue(repo: RepoContext, batch: Batch, known: ReadonlySet<string>, nowMs: number): Promise<EnqueueResult> {
  const updates: RefUpdate[] = [];
  const queued: string[] = [];
  const invalid: string[] = [];
  for (const spec of batch.tasks) {
    if (known.has(spec.id) || queued.includes(spec.id)) continue;
    const status = { ...queuedStatus(spec, nowMs), seq: queued.length };
    updates.push(stateUpdate(spec.id, await writeStatus(repo, status, undefined), null));
    queued.push(spec.id);
  }
  for (const task of batch.invalid) {
    if (known.has(task.id) || invalid.includes(task.id)) continue;
    updates.push(stateUpdate(task.id, await writeStatus(repo, invalidStatus(task, nowMs), undefined), null));
    invalid.push(task.id);
  }
  const refused: string[] = [];
  for (const task of batch.refused) {
    if (known.has(task.id) || refused.includes(task.id)) continue;
    updates.push(stateUpdate(task.id, await writeStatus(repo, refusedStatus(task, nowMs), undefined), null));
    refused.push(task.id);
  }
  for (const { status, parent } of batch.updates) updates.push(stateUpdate(status.id, await writeStatus(repo, status, parent), parent));
  for (const move of batch.baselines) {
    if (move.old === move.tip) continue;
    await updateRef(repo.git, move.ref, move.tip, move.old);
    updates.push({ ref: move.ref, sha: move.tip, expect: move.old ?? null });
  }
  if (updates.length === 0) return { ok: true, queued, invalid, refused };
  const { ok } = await pushAll(repo, updates);
  return { ok, queued: ok ? queued : [], invalid: ok ? invalid : [], refused: ok ? refused : [] };
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

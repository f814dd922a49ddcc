import { updateRef } from "../git/refs.ts";
import type { RefUpdate } from "../git/push.ts";
import type { InvalidTask, TaskSpec } from "../tasks/types.ts";
import type { RepoContext } from "./context.ts";
import { baselineRef, type Intake } from "./intake.ts";
import { nowIso, pushAll, stateUpdate, writeStatus } from "./records.ts";
import type { TaskStatus } from "./task-status.ts";

export interface EnqueueResult {
  /** False when another process changed the same refs first: fetch and plan again. */
  ok: boolean;
  queued: string[];
  invalid: string[];
}

/**
 * Records every newly planned task as `queued` (and every invalid one as `invalid`) and
 * advances the baseline, in one atomic push. Once this lands, a task cannot be lost:
 * whoever runs next finds it queued in git.
 */
export async function enqueue(repo: RepoContext, intake: Intake, known: ReadonlySet<string>, nowMs: number): Promise<EnqueueResult> {
  const updates: RefUpdate[] = [];
  const queued: string[] = [];
  const invalid: string[] = [];
  for (const spec of intake.plan.tasks) {
    if (known.has(spec.id) || queued.includes(spec.id)) continue;
    const status = { ...queuedStatus(spec, nowMs), seq: queued.length };
    updates.push(stateUpdate(spec.id, await writeStatus(repo, status, undefined), null));
    queued.push(spec.id);
  }
  for (const task of intake.plan.invalid) {
    if (known.has(task.id) || invalid.includes(task.id)) continue;
    updates.push(stateUpdate(task.id, await writeStatus(repo, invalidStatus(task, nowMs), undefined), null));
    invalid.push(task.id);
  }
  if (intake.baseline !== intake.tip) {
    await updateRef(repo.git, baselineRef(intake.baseRef), intake.tip, intake.baseline);
    updates.push({ ref: baselineRef(intake.baseRef), sha: intake.tip, expect: intake.baseline ?? null });
  }
  if (updates.length === 0) return { ok: true, queued, invalid };
  const { ok } = await pushAll(repo, updates);
  return { ok, queued: ok ? queued : [], invalid: ok ? invalid : [] };
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

import { randomBytes } from "node:crypto";
import type { RefUpdate } from "../git/push.ts";
import type { Deps, RepoContext } from "./context.ts";
import { executeTask, type Execution } from "./execute.ts";
import { newLease } from "./lease.ts";
import { nowIso, pushAll, stateUpdate, writeStatus } from "./records.ts";
import { chooseResultBranch } from "./result-branch.ts";
import { costOf } from "../agent/pricing.ts";
import { saveToOutbox } from "./outbox.ts";
import type { TaskStatus } from "./task-status.ts";

export type TaskOutcome = { claimed: false } | { claimed: true; status: TaskStatus };

/**
 * Runs one queued task: claims it on the remote (a compare-and-swap on its state ref),
 * runs the agent, then pushes the result branch and the final state in one atomic push.
 */
export async function runTask(repo: RepoContext, deps: Deps, current: TaskStatus, currentSha: string): Promise<TaskOutcome> {
  const spec = current.spec;
  if (!spec) return { claimed: false };
  const runId = `${deps.host}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const log = repo.log.child({ task: spec.id, run: runId });
  const startedAt = nowIso(deps.clock.now());
  const running: TaskStatus = { ...current, state: "running", lease: newLease(repo, deps, runId, spec.settings.budget.minutes), attempts: current.attempts + 1, startedAt, updatedAt: startedAt };
  delete running.reason;
  const claimSha = await writeStatus(repo, running, currentSha);
  if (!(await pushAll(repo, [stateUpdate(spec.id, claimSha, currentSha)])).ok) {
    log.info("another process claimed the task first");
    return { claimed: false };
  }
  log.info({ base: spec.base, model: spec.settings.model }, "task started");
  let execution: Execution | undefined;
  let failure: string | undefined;
  try {
    execution = await executeTask(repo, deps, spec, runId, deps.signal);
  } catch (error) {
    failure = deps.redact(error instanceof Error ? error.message : String(error));
    log.error({ err: failure }, "task crashed");
  }
  const final = await finalize(repo, deps, running, claimSha, execution, failure);
  log.info({ state: final.state, branch: final.branch, reason: final.reason }, "task finished");
  return { claimed: true, status: final };
}

async function finalize(repo: RepoContext, deps: Deps, running: TaskStatus, claimSha: string, execution: Execution | undefined, failure: string | undefined): Promise<TaskStatus> {
  const now = nowIso(deps.clock.now());
  const interrupted = execution?.agent.outcome === "aborted";
  const status: TaskStatus = { ...running, updatedAt: now, finishedAt: now, state: interrupted ? "interrupted" : (execution?.state ?? "failed") };
  delete status.lease;
  const reason = failure ?? execution?.reason;
  if (reason) status.reason = reason;
  if (execution) Object.assign(status, describeExecution(execution, running));
  const updates: RefUpdate[] = [];
  if (execution?.commit && running.spec) {
    const target = await chooseResultBranch(repo, running.spec);
    status.branch = target.branch;
    status.commit = execution.commit;
    updates.push({ ref: `refs/heads/${target.branch}`, sha: execution.commit, expect: target.expect });
  }
  const finalSha = await writeStatus(repo, status, claimSha, execution?.agent.transcript);
  updates.push(stateUpdate(status.id, finalSha, claimSha));
  await pushResult(repo, status.id, updates);
  return status;
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
  if (!pushed.ok) throw new Error(`the remote rejected the result of ${id} (${pushed.outcomes.map((o) => `${o.ref}: ${o.detail}`).join("; ")}); the task was taken over or its branch changed meanwhile`);
}

function describeExecution(execution: Execution, running: TaskStatus): Partial<TaskStatus> {
  const { agent } = execution;
  const model = running.spec?.settings.model ?? "";
  const cost = costOf(model, agent.usage);
  return {
    summary: agent.finalMessage,
    plan: agent.plan,
    verify: agent.verify,
    usage: { ...agent.usage, ...(cost === undefined ? {} : { costUsd: cost }) },
    turns: agent.turns,
    sandbox: execution.sandbox,
    ...(execution.files ? { files: execution.files } : {}),
  };
}

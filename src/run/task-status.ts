import type { ChangedFile } from "../git/commit.ts";
import type { PlanStep, Usage, VerifyResult } from "../agent/types.ts";
import type { Problem, Requester, TaskSpec } from "../tasks/types.ts";
import type { BestOf } from "./attempts.ts";

/**
 * queued → running → done | no-changes | failed. `invalid` and `refused` are recorded
 * without running. `interrupted` (aborted at shutdown) runs again. A done task whose
 * branch is deleted unmerged becomes `discarded`; a merged one stays done.
 */
export type TaskState = "queued" | "running" | "done" | "no-changes" | "failed" | "invalid" | "refused" | "interrupted" | "cancelled" | "discarded";

export const FINAL_STATES: ReadonlySet<TaskState> = new Set(["done", "no-changes", "failed", "invalid", "refused", "cancelled", "discarded"]);

export interface Lease {
  host: string;
  pid: number;
  runId: string;
  /** Where this host keeps its worktrees; a restarted daemon of the same host and state dir takes over at once. */
  stateDir: string;
  expiresAt: string;
}

/** The content of status.json on a task's state ref. */
export interface TaskStatus {
  version: 1;
  id: string;
  state: TaskState;
  /** Why it failed, was refused or is invalid, in one line. */
  reason?: string;
  /** The task as planned; absent only for an invalid task file. */
  spec?: TaskSpec;
  baseRef: string;
  base: string;
  problems?: Problem[];
  /** The `@codex` pull request comment that asked for this task (src/run/comment-intake.ts). */
  comment?: { url: string; id: number; pull: number; login: string };
  /** Who asked for a refused task and what they asked; it never runs. */
  refusedRequest?: { requester: Requester; prompt: string; key?: string };
  lease?: Lease;
  /** Result branch and commit, once pushed. */
  branch?: string;
  commit?: string;
  /** The result's pull request, once opened or updated. */
  pullRequest?: { number: number; url: string };
  /** Why there is no pull request (no token, not GitHub, pr: false, a forge error). */
  pullRequestNote?: string;
  /** Set once the result is in the watched branch (merged), or its branch or PR was closed unmerged (discarded). */
  review?: "merged" | "discarded";
  files?: ChangedFile[];
  summary?: string;
  plan?: PlanStep[];
  verify?: VerifyResult;
  usage?: Usage & { costUsd?: number };
  turns?: number;
  sandbox?: string;
  /** Best-of-N: each attempt's outcome, verify, usage and diff, and the winner (src/run/attempts.ts). Usage above is their sum. */
  bestOf?: BestOf;
  attempts: number;
  /** Position in the batch it was queued with: tasks run in commit order. */
  seq?: number;
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  updatedAt: string;
}

export function parseStatus(text: string | undefined): TaskStatus | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as TaskStatus;
    return value && value.version === 1 && typeof value.state === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

export function leaseExpired(status: TaskStatus, nowMs: number): boolean {
  return !status.lease || Date.parse(status.lease.expiresAt) <= nowMs;
}

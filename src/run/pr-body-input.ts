/** What a task's status.json says, as the pull request body's input. */
import type { TaskStatus } from "./task-status.ts";
import type { PullRequestBodyInput } from "../forge/pr-body.ts";

export function bodyInputFromStatus(status: TaskStatus): PullRequestBodyInput {
  const spec = status.spec;
  return {
    taskId: status.id,
    running: status.state === "running",
    prompt: spec?.prompt,
    summary: status.summary,
    plan: status.plan,
    files: status.files,
    verify: status.verify,
    verifyCommand: spec?.settings.verify,
    usage: status.usage,
    turns: status.turns,
    model: spec?.settings.model,
    source: spec ? { sha: spec.requester.sha, ref: spec.baseRef } : undefined,
  };
}

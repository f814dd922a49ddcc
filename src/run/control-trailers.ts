import { isBotCommit, judgeTrust } from "../tasks/index.ts";
import type { RepoContext } from "./context.ts";
import { cancelled, retried } from "./control.ts";
import { describeError } from "./errors.ts";
import { findTask } from "./find-task.ts";
import type { Intake } from "./intake.ts";
import { nowIso } from "./records.ts";
import type { TaskStatus } from "./task-status.ts";

/**
 * `Codex-Retry: <task>` and `Codex-Cancel: <task>` in a commit on a watched branch: the
 * same requests as `git codex retry|cancel`, from whoever the trust policy accepts. Each
 * commit is read once (the baseline), so each request applies once.
 */
export function controlUpdates(repo: RepoContext, intakes: readonly Intake[], records: readonly { status: TaskStatus; commit: string }[], nowMs: number): { status: TaskStatus; parent: string }[] {
  const updates = new Map<string, { status: TaskStatus; parent: string }>();
  const statuses = records.map((r) => r.status);
  for (const intake of intakes) {
    for (const commit of intake.commits) {
      if (!commit.control || isBotCommit(commit, repo.settings.bot.email)) continue;
      const trust = judgeTrust({ ...commit, signature: intake.signatures?.get(commit.sha) }, repo.settings.trust);
      if (!trust.trusted) {
        repo.log.warn({ sha: commit.sha }, `control trailers refused: ${trust.reason}`);
        continue;
      }
      const requests = [...commit.control.retry.map((q) => ({ q, change: retried })), ...commit.control.cancel.map((q) => ({ q, change: cancelled }))];
      for (const { q, change } of requests) {
        try {
          const target = findTask(statuses, q);
          const current = updates.get(target.id)?.status ?? target;
          const parent = updates.get(target.id)?.parent ?? records.find((r) => r.status.id === target.id)?.commit ?? "";
          updates.set(target.id, { status: change(current, `${commit.authorName} (${commit.sha.slice(0, 7)})`, nowIso(nowMs)), parent });
        } catch (error) {
          repo.log.warn({ sha: commit.sha, request: q }, `control trailer ignored: ${describeError(error)}`);
        }
      }
    }
  }
  return [...updates.values()];
}

import { listRefs } from "../git/refs.ts";
import { remoteHeadsNamespace } from "../git/remote.ts";
import type { RepoContext } from "./context.ts";
import { nowIso } from "./records.ts";
import type { TaskStatus } from "./task-status.ts";

/**
 * What people did with results, read from git alone: a done task whose branch is gone
 * from the remote was merged when its files are in a watched branch as the bot left them
 * (a merge or a squash), and discarded otherwise. Either is recorded once.
 */
export async function reviewOutcomes(repo: RepoContext, statuses: readonly { status: TaskStatus; commit: string }[], watchedTips: readonly string[], nowMs: number): Promise<{ status: TaskStatus; parent: string }[]> {
  const pending = statuses.filter(({ status }) => status.state === "done" && status.branch && status.commit && !status.review);
  if (pending.length === 0) return [];
  const heads = await listRefs(repo.git, `${remoteHeadsNamespace(repo.settings.remote)}${repo.settings.branchPrefix}`);
  const updates: { status: TaskStatus; parent: string }[] = [];
  for (const { status, commit } of pending) {
    if (heads.has(`${remoteHeadsNamespace(repo.settings.remote)}${status.branch}`)) continue;
    const merged = await isMerged(repo, status, watchedTips);
    const now = nowIso(nowMs);
    const next: TaskStatus = merged
      ? { ...status, review: "merged", reason: "merged", updatedAt: now }
      : { ...status, state: "discarded", review: "discarded", reason: `the branch ${status.branch} was deleted without merging; it is not recreated`, updatedAt: now };
    updates.push({ status: next, parent: commit });
  }
  return updates;
}

async function isMerged(repo: RepoContext, status: TaskStatus, watchedTips: readonly string[]): Promise<boolean> {
  const paths = (status.files ?? []).map((f) => f.path);
  if (!status.commit || paths.length === 0) return false;
  for (const tip of watchedTips) {
    const diff = await repo.git.probe(["diff", "--quiet", status.commit, tip, "--", ...paths]);
    if (diff.exitCode === 0) return true;
  }
  return false;
}

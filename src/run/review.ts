import { refsUnder } from "./follow-up-intake.ts";
import { remoteHeadsNamespace } from "../git/remote.ts";
import type { RepoContext } from "./context.ts";
import { nowIso } from "./records.ts";
import type { TaskStatus } from "./task-status.ts";

/**
 * What people did with results: a done task whose pull request was closed is merged or
 * discarded as the forge says; one whose branch is gone from the remote was merged when
 * its files are in a watched branch as the bot left them (a merge or a squash), and
 * discarded otherwise. Either is recorded once. `view`: the refs read after the fetch, if any.
 */
export async function reviewOutcomes(repo: RepoContext, statuses: readonly { status: TaskStatus; commit: string }[], watchedTips: readonly string[], nowMs: number, view?: ReadonlyMap<string, string>): Promise<{ status: TaskStatus; parent: string }[]> {
  const pending = statuses.filter(({ status }) => status.state === "done" && status.branch && status.commit && !status.review);
  if (pending.length === 0) return [];
  const heads = await refsUnder(repo.git, `${remoteHeadsNamespace(repo.settings.remote)}${repo.settings.branchPrefix}`, view);
  const updates: { status: TaskStatus; parent: string }[] = [];
  for (const { status, commit } of pending) {
    const branchExists = heads.has(`${remoteHeadsNamespace(repo.settings.remote)}${status.branch}`);
    const pull = branchExists ? await pullOutcome(repo, status) : undefined;
    if (branchExists && !pull) continue;
    const merged = pull ? pull === "merged" : await isMerged(repo, status, watchedTips);
    const now = nowIso(nowMs);
    const next: TaskStatus = merged
      ? { ...status, review: "merged", reason: "merged", updatedAt: now }
      : { ...status, state: "discarded", review: "discarded", reason: pull ? `pull request #${status.pullRequest?.number} was closed without merging` : `the branch ${status.branch} was deleted without merging; it is not recreated`, updatedAt: now };
    updates.push({ status: next, parent: commit });
  }
  return updates;
}

/** A closed pull request says what people decided, while its branch may still exist. */
async function pullOutcome(repo: RepoContext, status: TaskStatus): Promise<"merged" | "closed" | undefined> {
  if (!repo.forge || !status.pullRequest) return undefined;
  try {
    const pull = await repo.forge.client.getPull({ owner: repo.forge.owner, repo: repo.forge.repo }, status.pullRequest.number);
    if (pull.state !== "closed") return undefined;
    return pull.merged ? "merged" : "closed";
  } catch (error) {
    repo.log.warn({ task: status.id, err: String(error) }, "could not read the pull request's state; will look again");
    return undefined;
  }
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

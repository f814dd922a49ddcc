import { ensurePullRequest } from "../forge/ensure-pull-request.ts";
import { buildPullRequestBody, pullRequestTitle } from "../forge/pr-body.ts";
import { createPullProgress, type PullProgress } from "../forge/progress.ts";
import type { Deps, RepoContext } from "./context.ts";
import { describeError } from "./errors.ts";
import { bodyInputFromStatus } from "./pr-body-input.ts";
import { commitSubject } from "./result-message.ts";
import type { TaskStatus } from "./task-status.ts";

export const PR_LABELS = ["git-codex"];

/**
 * Opens or updates the one pull request of a done task's branch. Optional: without a
 * forge, or with `pr: false`, the note says why there is none; a forge failure never
 * fails the task, whose branch is already pushed.
 */
/** Why a done task will have no pull request, known before any forge call; undefined when one is due. */
export function noPullRequestNote(repo: RepoContext, status: TaskStatus): string | undefined {
  if (status.state !== "done" || !status.branch || !status.spec) return undefined;
  if (status.spec.settings.pr === false) return "pr: false in the task: the branch is the result";
  return repo.forge ? undefined : (repo.forgeNote ?? "no forge configured");
}

export async function pullRequestFor(repo: RepoContext, deps: Deps, status: TaskStatus): Promise<Pick<TaskStatus, "pullRequest" | "pullRequestNote">> {
  const spec = status.spec;
  if (status.state !== "done" || !status.branch || !spec || !repo.forge || noPullRequestNote(repo, status)) return {};
  try {
    const pull = await ensurePullRequest(repo.forge.client, {
      owner: repo.forge.owner, repo: repo.forge.repo, head: status.branch, base: status.baseRef,
      title: pullRequestTitle(commitSubject(spec), deps.redact),
      body: buildPullRequestBody(bodyInputFromStatus(status), deps.redact),
      draft: spec.settings.pr === "draft", labels: PR_LABELS,
    });
    for (const warning of pull.warnings) repo.log.warn({ task: status.id, pr: pull.number }, warning);
    repo.log.info({ task: status.id, pr: pull.url, action: pull.action }, "pull request ready");
    return { pullRequest: { number: pull.number, url: pull.url } };
  } catch (error) {
    const note = `could not open a pull request: ${describeError(error)}`;
    repo.log.warn({ task: status.id }, note);
    return { pullRequestNote: note };
  }
}

/** While a follow-up runs, its existing pull request shows the plan as a checklist. */
export async function livePullProgress(repo: RepoContext, deps: Deps, running: TaskStatus): Promise<{ show(status: TaskStatus): void; close(): Promise<void> } | undefined> {
  if (!repo.forge || !running.spec?.followUp || running.spec.settings.pr === false) return undefined;
  const ref = { owner: repo.forge.owner, repo: repo.forge.repo };
  const pull = await repo.forge.client.findOpenPull(ref, running.spec.branch).catch(() => undefined);
  if (!pull) return undefined;
  const progress: PullProgress = createPullProgress({ forge: repo.forge.client, repo: ref, number: pull.number, clock: deps.clock, ...(pull.body ? { currentBody: pull.body } : {}) });
  return {
    show: (status) => progress.update(buildPullRequestBody(bodyInputFromStatus(status), deps.redact)),
    close: () => progress.close(),
  };
}

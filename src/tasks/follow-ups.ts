import { trailerTaskId } from "./ids.ts";
import { resolveSettings } from "./settings.ts";
import { isBotCommit, taskInstructions } from "./trailers.ts";
import { judgeTrust } from "./trust.ts";
import type { CommitRecord, RefusedTask, SignatureStatus, TaskSettings, TaskSpec, TrustPolicy } from "./types.ts";

export interface FollowUpInput {
  /** The result branch, e.g. `codex/fix-bug`. */
  branch: string;
  /** Its tip on the remote: the follow-up's result is appended on top of it. */
  tip: string;
  /** The watched branch the result branch belongs to. */
  baseRef: string;
  /** Commits on the branch not seen before, oldest first. */
  commits: CommitRecord[];
  botEmail: string;
  defaults: TaskSettings;
  envSettings: Partial<TaskSettings>;
  /** The task that made the branch, for context. */
  previous?: { id: string; prompt: string; summary?: string };
  /** Follow-ups are judged like any task: an untrusted commit's request is refused. */
  trust?: { policy: TrustPolicy; signatures?: ReadonlyMap<string, SignatureStatus> };
}

/**
 * A person's `Codex:` trailer on a result branch asks the agent to continue there: one
 * task per trailer, on the branch's tip, with the earlier task as context, appending to
 * the same branch (never a new branch, never a new pull request).
 */
export function planFollowUps(input: FollowUpInput): { tasks: TaskSpec[]; refused: RefusedTask[] } {
  const tasks = input.commits.flatMap((commit) => (isBotCommit(commit, input.botEmail) ? [] : followUpsOf(input, commit)));
  const refused: RefusedTask[] = [];
  const trusted = tasks.filter((task) => {
    const commit = input.commits.find((c) => c.sha === task.requester.sha);
    const verdict = input.trust && commit ? judgeTrust({ ...commit, signature: input.trust.signatures?.get(commit.sha) }, input.trust.policy) : { trusted: true as const };
    if (!verdict.trusted) refused.push({ id: task.id, baseRef: task.baseRef, base: task.base, requester: task.requester, reason: verdict.reason, prompt: task.followUp?.instruction ?? task.prompt });
    return verdict.trusted;
  });
  return { tasks: trusted, refused };
}

function followUpsOf(input: FollowUpInput, commit: CommitRecord): TaskSpec[] {
  return taskInstructions(commit).map((instruction, index): TaskSpec => ({
    id: trailerTaskId(instruction, commit.sha, index),
    kind: "trailer",
    hash: `${commit.sha}:${index}`,
    branch: input.branch,
    baseRef: input.baseRef,
    base: input.tip,
    requester: { sha: commit.sha, name: commit.authorName, email: commit.authorEmail },
    prompt: followUpPrompt(instruction, input.branch, input.previous),
    settings: resolveSettings({}, input.defaults, input.envSettings),
    followUp: { instruction, ...(input.previous ? { previousTask: input.previous.id } : {}) },
  }));
}

export function followUpPrompt(instruction: string, branch: string, previous: FollowUpInput["previous"]): string {
  const context = previous
    ? [`You are continuing work on the branch ${branch}, made by git-codex for this task:`, indent(previous.prompt), ...(previous.summary ? ["Its result was summarised as:", indent(previous.summary)] : [])]
    : [`You are continuing work on the branch ${branch}.`];
  return [...context, "", "The worktree holds the branch as it is now, including any commits people added. The follow-up request:", indent(instruction)].join("\n");
}

function indent(text: string): string {
  return text.trim().split("\n").map((line) => `  ${line}`).join("\n");
}

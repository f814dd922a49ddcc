import { accessWords, hasWriteAccess, isOwnOrBotComment, readCommentCommand, MAX_INSTRUCTION_CHARS } from "../forge/comments.ts";
import type { CollaboratorAccess, Forge, IssueComment, RepoRef } from "../forge/forge.ts";
import { isNew, openPulls, type PullTarget } from "./comment-pulls.ts";
import { recordComments } from "./comment-records.ts";
import type { Deps, RepoContext } from "./context.ts";
import { describeError } from "./errors.ts";
import { loadStatuses } from "./statuses.ts";

/** What one comment asks for, once its author's access is known. Comments not addressed to the bot have none. */
export type Verdict = { comment: IssueComment; login: string; userId: number } & (
  | { kind: "ask"; instruction: string }
  | { kind: "refuse"; instruction: string; reason: string }
  | { kind: "invalid"; reason: string }
);

/** One pull request's new comments (all of them move its watermark) and what they ask. */
export interface JudgedPull {
  pull: PullTarget;
  comments: IssueComment[];
  verdicts: Verdict[];
}

/**
 * `codex.prComments`: reads the new comments of every open result pull request (one API
 * call each, nothing at all when the setting is off or no forge is set up), and records
 * the `@codex` requests of users with write access as follow-ups, the others as refused,
 * in one atomic push with the moved watermarks. Returns the ids of the tasks queued. A
 * forge failure costs a warning: the comments are read again on the next call.
 */
export async function recordCommentTasks(repo: RepoContext, deps: Deps): Promise<string[]> {
  const forge = repo.forge;
  if (!repo.settings.prComments || !forge) return [];
  try {
    const ref: RepoRef = { owner: forge.owner, repo: forge.repo };
    const judged: JudgedPull[] = [];
    const access = new Map<string, Promise<CollaboratorAccess | undefined>>();
    for (const pull of await openPulls(repo, await loadStatuses(repo), deps.clock.now())) {
      try {
        const listed = await forge.client.listIssueComments(ref, pull.number, { since: pull.watermark.since });
        const comments = listed.filter((comment) => isNew(comment, pull.watermark));
        if (comments.length > 0) judged.push({ pull, comments, verdicts: await judge(forge.client, ref, comments, access) });
      } catch (error) {
        repo.log.warn({ pr: pull.url, err: describeError(error) }, "could not read the pull request's comments; will look again");
      }
    }
    if (judged.length === 0) return [];
    return await repo.exclusive(() => recordComments(repo, deps, judged));
  } catch (error) {
    repo.log.warn({ err: describeError(error) }, "could not record pull request comments; will look again");
    return [];
  }
}

/** Access is asked once per login and call, and only for comments that are commands. */
async function judge(forge: Forge, ref: RepoRef, comments: readonly IssueComment[], access: Map<string, Promise<CollaboratorAccess | undefined>>): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const comment of comments) {
    const command = readCommentCommand(comment.body);
    if (command.kind === "none" || command.kind === "empty" || !comment.user) continue;
    if (isOwnOrBotComment(comment, await forge.tokenLogin())) continue;
    const { login, id: userId } = comment.user;
    const key = login.toLowerCase();
    if (!access.has(key)) access.set(key, forge.collaboratorAccess(ref, login));
    const found = await access.get(key);
    const who = { comment, login, userId };
    if (!hasWriteAccess(found)) {
      const reason = `@${login} has ${accessWords(found)} to ${ref.owner}/${ref.repo}; only users with write access may ask by pull request comment (${comment.url})`;
      verdicts.push({ ...who, kind: "refuse", instruction: command.kind === "ask" ? command.instruction : comment.body.trim().slice(0, MAX_INSTRUCTION_CHARS), reason });
    } else if (command.kind === "too-long") {
      verdicts.push({ ...who, kind: "invalid", reason: `the instruction in ${comment.url} is ${command.length} characters; the limit is ${MAX_INSTRUCTION_CHARS}: ask for less, or put the details in a file on the branch and name it` });
    } else {
      verdicts.push({ ...who, kind: "ask", instruction: command.instruction });
    }
  }
  return verdicts;
}

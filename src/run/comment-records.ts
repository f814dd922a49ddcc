import { noreplyEmail } from "../forge/comments.ts";
import { readFileAtRev } from "../git/blobs.ts";
import type { RefUpdate } from "../git/push.ts";
import { fetchRemote, remoteHeadsNamespace } from "../git/remote.ts";
import { followUpPrompt, MAX_TASK_FILE_BYTES, parseTaskFile, resolveSettings } from "../tasks/index.ts";
import type { Requester, TaskSettings, TaskSpec } from "../tasks/types.ts";
import type { JudgedPull, Verdict } from "./comment-intake.ts";
import { advance, isNew, openPulls, watermarkUpdate, type PullTarget } from "./comment-pulls.ts";
import type { Deps, RepoContext } from "./context.ts";
import { describeError } from "./errors.ts";
import { TASK_FILE } from "./intake.ts";
import { nowIso, pushAll, stateUpdate, writeStatus } from "./records.ts";
import { loadStatuses } from "./statuses.ts";
import type { TaskStatus } from "./task-status.ts";

/** The task a comment asks for: one id per comment, so a comment read twice (two daemons, a restart) is one task. */
export function commentTaskId(commentId: number): string {
  return `comment-${commentId}`;
}

/**
 * Under the repository's lock: fetch, check each pull request again against the remote's
 * state (a task since queued on its branch, or another runner that recorded the same
 * comments, wins), then push the new records and watermarks atomically. A rejected push
 * records nothing; the next call reads the same comments and finds them recorded or not.
 * Accepted comments get an 👀 reaction once their task is recorded.
 */
export async function recordComments(repo: RepoContext, deps: Deps, judged: readonly JudgedPull[]): Promise<string[]> {
  await fetchRemote(repo.git, repo.settings.remote);
  const nowMs = deps.clock.now();
  const records = await loadStatuses(repo);
  const current = new Map((await openPulls(repo, records, nowMs)).map((pull) => [pull.number, pull]));
  const updates: RefUpdate[] = [];
  const written: { verdict: Verdict; status: TaskStatus }[] = [];
  for (const { pull: read, comments, verdicts: judgedVerdicts } of judged) {
    const pull = current.get(read.number);
    if (!pull) continue; // closed, deleted or busy meanwhile: its comments are read again later
    const fresh = comments.filter((comment) => isNew(comment, pull.watermark));
    if (fresh.length === 0) continue;
    const verdicts = judgedVerdicts.filter((v) => fresh.includes(v.comment) && !records.has(commentTaskId(v.comment.id)));
    const defaults = verdicts.some((v) => v.kind === "ask") ? await taskFileDefaults(repo, pull.latest.baseRef) : {};
    for (const verdict of verdicts) {
      const status = { ...statusFor(repo, pull, verdict, defaults, nowMs), seq: written.length };
      const event = status.state === "queued" ? `queued from pull request comment ${verdict.comment.url}` : undefined;
      updates.push(stateUpdate(status.id, await writeStatus(repo, status, undefined, undefined, undefined, event), null));
      written.push({ verdict, status });
    }
    updates.push(await watermarkUpdate(repo, pull, advance(pull.watermark, fresh)));
  }
  if (updates.length === 0) return [];
  const { ok } = await pushAll(repo, updates);
  if (!ok) {
    repo.log.info("the remote changed while recording pull request comments; reading them again next time");
    return [];
  }
  return await acknowledge(repo, written);
}

function statusFor(repo: RepoContext, pull: PullTarget, verdict: Verdict, defaults: TaskSettings, nowMs: number): TaskStatus {
  const now = nowIso(nowMs);
  const id = commentTaskId(verdict.comment.id);
  const requester: Requester = { sha: pull.tip, name: verdict.login, email: noreplyEmail(verdict.login, verdict.userId) };
  const base = { version: 1 as const, id, baseRef: pull.latest.baseRef, base: pull.tip, attempts: 0, queuedAt: now, updatedAt: now };
  const comment = { url: verdict.comment.url, id: verdict.comment.id, pull: pull.number, login: verdict.login };
  if (verdict.kind === "refuse") return { ...base, state: "refused", reason: verdict.reason, refusedRequest: { requester, prompt: verdict.instruction }, comment, finishedAt: now };
  if (verdict.kind === "invalid") return { ...base, state: "invalid", reason: verdict.reason, comment, finishedAt: now };
  const previous = pull.latest;
  const spec: TaskSpec = {
    id, kind: "trailer", hash: `comment:${verdict.comment.id}`, branch: pull.branch, baseRef: previous.baseRef, base: pull.tip, requester,
    prompt: followUpPrompt(verdict.instruction, pull.branch, { id: previous.id, prompt: previous.spec.prompt, ...(previous.summary ? { summary: previous.summary } : {}) }),
    settings: resolveSettings({}, defaults, repo.settings.envSettings),
    followUp: { instruction: verdict.instruction, previousTask: previous.id },
  };
  return { ...base, state: "queued", spec, comment };
}

/** A follow-up by comment gets the defaults a `Codex:` trailer follow-up gets: the task file's, on the watched branch. */
async function taskFileDefaults(repo: RepoContext, baseRef: string): Promise<TaskSettings> {
  const found = await readFileAtRev(repo.git, `${remoteHeadsNamespace(repo.settings.remote)}${baseRef}`, TASK_FILE, MAX_TASK_FILE_BYTES).catch(() => undefined);
  return found?.kind === "file" ? (parseTaskFile(found.content, TASK_FILE).file?.defaults ?? {}) : {};
}

async function acknowledge(repo: RepoContext, written: readonly { verdict: Verdict; status: TaskStatus }[]): Promise<string[]> {
  const forge = repo.forge;
  const queued: string[] = [];
  for (const { verdict, status } of written) {
    const where = { task: status.id, comment: verdict.comment.url, by: verdict.login };
    if (status.state !== "queued") {
      repo.log.warn(where, `${status.state}: ${status.reason ?? ""}`);
      continue;
    }
    queued.push(status.id);
    repo.log.info(where, "recorded a follow-up asked for by a pull request comment");
    try {
      await forge?.client.reactToComment({ owner: forge.owner, repo: forge.repo }, verdict.comment.id, "eyes");
    } catch (error) {
      repo.log.warn({ ...where, err: describeError(error) }, "could not react to the comment; the task is recorded all the same");
    }
  }
  return queued;
}

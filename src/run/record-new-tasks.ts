import { fetchRemote, remoteDefaultBranch } from "../git/remote.ts";
import type { Deps, RepoContext } from "./context.ts";
import { enqueue, type Batch } from "./enqueue.ts";
import { ConfigError } from "./errors.ts";
import { readFollowUps } from "./follow-up-intake.ts";
import { baselineRef, readIntake, type Intake } from "./intake.ts";
import { reviewOutcomes } from "./review.ts";
import { controlUpdates } from "./control-trailers.ts";
import { loadStatuses } from "./statuses.ts";

const ATTEMPTS = 3;

/** One update per task in a batch: a person's request (first) wins over what review noticed. */
function withoutTwice<T extends { status: { id: string } }>(updates: T[]): T[] {
  const seen = new Set<string>();
  return updates.filter((u) => !seen.has(u.status.id) && Boolean(seen.add(u.status.id)));
}

/**
 * One intake: fetch, plan what the watched branches and the result branches ask for,
 * notice what people did with results, and record all of it in one atomic push. Retried
 * from the fetch when another process moved the same refs first.
 */
export async function recordNewTasks(repo: RepoContext, deps: Deps): Promise<Intake[]> {
  return repo.exclusive(() => recordUnderLock(repo, deps));
}

async function recordUnderLock(repo: RepoContext, deps: Deps): Promise<Intake[]> {
  for (let attempt = 1; ; attempt++) {
    await fetchRemote(repo.git, repo.settings.remote);
    const branches = repo.settings.watch.length > 0 ? repo.settings.watch : [await remoteDefaultBranch(repo.git, repo.settings.remote)];
    const records = [...(await loadStatuses(repo)).values()];
    const nowMs = deps.clock.now();
    const intakes: Intake[] = [];
    for (const branch of branches) intakes.push(await readIntake(repo, branch, nowMs));
    const watched = intakes.map((i) => ({ baseRef: i.baseRef, tip: i.tip }));
    const followUps = await readFollowUps(repo, records.map((r) => r.status), watched, intakes[0]?.parse?.file?.defaults ?? {});
    const batch: Batch = {
      tasks: [...intakes.flatMap((i) => i.plan.tasks), ...followUps.tasks],
      invalid: intakes.flatMap((i) => i.plan.invalid),
      refused: [...intakes.flatMap((i) => i.plan.refused), ...followUps.refused],
      updates: withoutTwice([...controlUpdates(repo, intakes, records, nowMs), ...(await reviewOutcomes(repo, records, watched.map((w) => w.tip), nowMs))]),
      baselines: [...intakes.map((i) => ({ ref: baselineRef(i.baseRef), tip: i.tip, old: i.baseline })), ...followUps.moves],
    };
    const result = await enqueue(repo, batch, new Set(records.map((r) => r.status.id)), nowMs);
    if (result.ok) {
      if (result.queued.length + result.invalid.length > 0) repo.log.info({ queued: result.queued, invalid: result.invalid }, "recorded new tasks");
      for (const task of batch.refused.filter((t) => result.refused.includes(t.id))) repo.log.warn({ task: task.id, requester: task.requester.email }, `refused: ${task.reason}`);
      for (const { status } of batch.updates) repo.log.info({ task: status.id, review: status.review }, status.review === "merged" ? "result merged" : "result discarded");
      return intakes;
    }
    if (attempt >= ATTEMPTS) throw new ConfigError("could not record new tasks: the remote kept changing", "run again; if it persists, check that nothing else rewrites refs/codex/* on the remote");
    repo.log.info({ attempt }, "the remote changed while recording tasks; fetching again");
  }
}

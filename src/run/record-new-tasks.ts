import { readBlobs } from "../git/blobs.ts";
import { fetchRemote, readRemoteView, remoteDefaultBranch, remoteHeadsNamespace } from "../git/remote.ts";
import { TASKS_NAMESPACE } from "../git/state-ref.ts";
import type { Deps, RepoContext } from "./context.ts";
import { enqueue, type Batch } from "./enqueue.ts";
import { ConfigError } from "./errors.ts";
import { readFollowUps } from "./follow-up-intake.ts";
import { flushListed, OUTBOX } from "./outbox.ts";
import { baselineRef, readIntake, type Intake } from "./intake.ts";
import { reviewOutcomes } from "./review.ts";
import { controlUpdates } from "./control-trailers.ts";
import { parseStatus, type TaskStatus } from "./task-status.ts";
import type { ClaimFirst } from "./early-claim.ts";
import type { HeldClaim } from "./run-task.ts";

const ATTEMPTS = 3;
/** How long the remote's default branch is taken as known before asking again. */
const DEFAULT_BRANCH_MS = 60 * 60_000;

/**
 * What one repository's intake remembers from one cycle to the next: the daemon keeps one
 * per repository; `run --once` starts without.
 */
export interface IntakeMemo {
  defaultBranch?: { name: string; askedAt: number };
}

export type Records = Map<string, { status: TaskStatus; commit: string }>;

export interface IntakeResult {
  intakes: Intake[];
  /** Every task record as it is after the intake (this one's writes included), read once. */
  records: Records;
  /** The new task this intake also claimed (`options.claimFirst`): run it with `control.claimed`. */
  claimed?: HeldClaim;
}

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
export async function recordNewTasks(repo: RepoContext, deps: Deps, memo?: IntakeMemo): Promise<Intake[]> {
  return (await recordAndRead(repo, deps, memo)).intakes;
}

/**
 * `recordNewTasks`, also returning every task record, so a cycle reads each record once;
 * `claimFirst` may claim the first new task in the same push (early-claim.ts).
 */
export async function recordAndRead(repo: RepoContext, deps: Deps, memo: IntakeMemo = {}, options: { claimFirst?: ClaimFirst } = {}): Promise<IntakeResult> {
  return repo.exclusive(() => recordUnderLock(repo, deps, memo, options.claimFirst));
}

async function recordUnderLock(repo: RepoContext, deps: Deps, memo: IntakeMemo, claimFirst: ClaimFirst | undefined): Promise<IntakeResult> {
  for (let attempt = 1; ; attempt++) {
    let { branches, view } = await fetchAndRead(repo, deps, memo);
    // Results an earlier push could not deliver go first, before anything is claimed; then read the remote again.
    if (await flushListed(repo, view)) ({ branches, view } = await fetchAndRead(repo, deps, memo));
    const loaded = await readRecords(repo, view);
    const records = [...loaded.values()];
    const nowMs = deps.clock.now();
    const intakes: Intake[] = [];
    for (const branch of branches) intakes.push(await readIntake(repo, branch, nowMs, view));
    const watched = intakes.map((i) => ({ baseRef: i.baseRef, tip: i.tip }));
    const followUps = await readFollowUps(repo, records.map((r) => r.status), watched, intakes[0]?.parse?.file?.defaults ?? {}, view);
    const batch: Batch = {
      tasks: [...intakes.flatMap((i) => i.plan.tasks), ...followUps.tasks],
      invalid: intakes.flatMap((i) => i.plan.invalid),
      refused: [...intakes.flatMap((i) => i.plan.refused), ...followUps.refused],
      updates: withoutTwice([...controlUpdates(repo, intakes, records, nowMs), ...(await reviewOutcomes(repo, records, watched.map((w) => w.tip), nowMs, view))]),
      baselines: [...intakes.map((i) => ({ ref: baselineRef(i.baseRef), tip: i.tip, old: i.baseline })), ...followUps.moves],
    };
    // Known: every task ref, readable or not (creating one that exists would fail the push).
    const known = new Set([...view.keys()].filter((ref) => ref.startsWith(TASKS_NAMESPACE)).map((ref) => ref.slice(TASKS_NAMESPACE.length)));
    for (const { status } of records) known.add(status.id);
    const result = await enqueue(repo, batch, known, nowMs, claimFirst && ((queued) => claimFirst(queued, records)));
    if (result.ok) {
      if (result.queued.length + result.invalid.length > 0) repo.log.info({ queued: result.queued, invalid: result.invalid }, "recorded new tasks");
      for (const task of batch.refused.filter((t) => result.refused.includes(t.id))) repo.log.warn({ task: task.id, requester: task.requester.email }, `refused: ${task.reason}`);
      for (const { status } of batch.updates) repo.log.info({ task: status.id, review: status.review }, status.review === "merged" ? "result merged" : "result discarded");
      for (const [id, written] of result.written) loaded.set(id, written);
      return { intakes, records: loaded, ...(result.claimed ? { claimed: result.claimed } : {}) };
    }
    if (attempt >= ATTEMPTS) throw new ConfigError("could not record new tasks: the remote kept changing", "run again; if it persists, check that nothing else rewrites refs/codex/* on the remote");
    repo.log.info({ attempt }, "the remote changed while recording tasks; fetching again");
  }
}

/**
 * Fetches and reads the refs an intake needs in one listing. The remote's default branch
 * is asked at the same time as the fetch (two connections at once, not one after the
 * other), and remembered for an hour, or until that branch is gone from the remote.
 */
async function fetchAndRead(repo: RepoContext, deps: Deps, memo: IntakeMemo): Promise<{ branches: string[]; view: Map<string, string> }> {
  const { git, settings } = repo;
  if (settings.watch.length > 0) {
    await fetchRemote(git, settings.remote);
    return { branches: settings.watch, view: await readRemoteView(git, settings.remote, [OUTBOX]) };
  }
  const remembered = memo.defaultBranch && deps.clock.now() - memo.defaultBranch.askedAt < DEFAULT_BRANCH_MS ? memo.defaultBranch.name : undefined;
  const ask = async (): Promise<string> => {
    const name = await remoteDefaultBranch(git, settings.remote);
    memo.defaultBranch = { name, askedAt: deps.clock.now() };
    return name;
  };
  const [, asked] = await Promise.all([fetchRemote(git, settings.remote), remembered === undefined ? ask() : undefined]);
  const view = await readRemoteView(git, settings.remote, [OUTBOX]);
  let branch = asked ?? remembered ?? "";
  if (asked === undefined && !view.has(`${remoteHeadsNamespace(settings.remote)}${branch}`)) branch = await ask();
  return { branches: [branch], view };
}

/** The task records in `view`, each read at the commit listed (one `cat-file --batch`). */
async function readRecords(repo: RepoContext, view: ReadonlyMap<string, string>): Promise<Records> {
  const refs = [...view].filter(([ref]) => ref.startsWith(TASKS_NAMESPACE));
  const contents = await readBlobs(repo.git, refs.map(([, commit]) => `${commit}:status.json`));
  const records: Records = new Map();
  refs.forEach(([ref, commit], i) => {
    const id = ref.slice(TASKS_NAMESPACE.length);
    const status = parseStatus(contents[i]);
    if (status) records.set(id, { status, commit });
    else repo.log.warn({ task: id }, "unreadable task record; leaving it alone");
  });
  return records;
}

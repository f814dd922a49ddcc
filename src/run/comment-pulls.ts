import type { IssueComment } from "../forge/forge.ts";
import { readBlobs } from "../git/blobs.ts";
import type { RefUpdate } from "../git/push.ts";
import { listRefs, updateRef } from "../git/refs.ts";
import { remoteHeadsNamespace } from "../git/remote.ts";
import type { RepoContext } from "./context.ts";
import { botIdentity, recordWriter } from "./records.ts";
import type { TaskState, TaskStatus } from "./task-status.ts";

/** One ref per pull request: how far its comments have been read. Pushed with the tasks they made. */
export const WATERMARKS = "refs/codex/pr-comments/";
const FILE = "watermark.json";

/**
 * Comments count when created at or after `since` and with an id above `lastId` (GitHub's
 * ids only grow), so an edited old comment, which GitHub lists again, never counts twice.
 */
export interface Watermark {
  version: 1;
  pull: number;
  since: string;
  lastId: number;
}

/** An open pull request of a result whose comments may ask for a follow-up. */
export interface PullTarget {
  number: number;
  url: string;
  branch: string;
  /** The branch's tip on the remote: a follow-up starts there. */
  tip: string;
  /** The newest task on the branch (with a spec): a follow-up continues it. */
  latest: TaskStatus & { spec: NonNullable<TaskStatus["spec"]> };
  watermark: Watermark;
  /** The watermark ref's commit, the lease of its next move; undefined before the first. */
  stored: string | undefined;
}

// A follow-up waits for the branch's running or queued task: both would build on the same tip.
const ACTIVE: ReadonlySet<TaskState> = new Set(["queued", "running", "interrupted"]);

/**
 * The open pull requests of done, unreviewed results, as the local copy of the remote says.
 * Without a stored watermark, comments within the `since` window count, as trailers do on a
 * first run: turning the setting on does not replay old conversations.
 */
export async function openPulls(repo: RepoContext, records: ReadonlyMap<string, { status: TaskStatus }>, nowMs: number): Promise<PullTarget[]> {
  const statuses = [...records.values()].map(({ status }) => status);
  const busy = new Set(statuses.filter((s) => ACTIVE.has(s.state)).flatMap((s) => [s.spec?.branch, s.branch]));
  const byPull = new Map<number, TaskStatus[]>();
  for (const status of statuses) {
    if (!status.pullRequest || status.state !== "done" || status.review || !status.branch || busy.has(status.branch)) continue;
    byPull.set(status.pullRequest.number, [...(byPull.get(status.pullRequest.number) ?? []), status]);
  }
  if (byPull.size === 0) return [];
  const namespace = remoteHeadsNamespace(repo.settings.remote);
  const heads = await listRefs(repo.git, `${namespace}${repo.settings.branchPrefix}`);
  const marks = await readWatermarks(repo);
  const targets: PullTarget[] = [];
  for (const [number, group] of byPull) {
    const branch = group[0]?.branch ?? "";
    const tip = heads.get(`${namespace}${branch}`);
    const latest = statuses.filter((s) => s.branch === branch || (!s.branch && s.spec?.branch === branch)).filter(hasSpec).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt)).at(-1);
    if (!tip || !latest) continue;
    const mark = marks.get(number);
    const watermark = mark?.watermark ?? { version: 1, pull: number, since: isoSeconds(nowMs - repo.settings.sinceSeconds * 1000), lastId: 0 };
    targets.push({ number, url: group[0]?.pullRequest?.url ?? "", branch, tip, latest, watermark, stored: mark?.commit });
  }
  return targets;
}

/** Whether the comment is past the watermark. */
export function isNew(comment: IssueComment, watermark: Watermark): boolean {
  return comment.id > watermark.lastId && Date.parse(comment.createdAt) >= Date.parse(watermark.since);
}

/** The watermark after `seen` (new comments of one listing) were handled. */
export function advance(watermark: Watermark, seen: readonly IssueComment[]): Watermark {
  if (seen.length === 0) return watermark;
  const newest = Math.max(...seen.map((c) => Date.parse(c.createdAt)));
  return { ...watermark, since: isoSeconds(Math.max(newest, Date.parse(watermark.since))), lastId: Math.max(watermark.lastId, ...seen.map((c) => c.id)) };
}

/** Writes the moved watermark locally (a commit on its ref) and returns its push. */
export async function watermarkUpdate(repo: RepoContext, pull: PullTarget, next: Watermark): Promise<RefUpdate> {
  const ref = `${WATERMARKS}${pull.number}`;
  const message = `codex: pull request #${pull.number} comments read up to ${next.lastId}\n`;
  const sha = await recordWriter(repo).build({ [FILE]: `${JSON.stringify(next, null, 2)}\n` }, message, botIdentity(repo), pull.stored);
  // The ref moves through the context's own runner (the daemon's notes its own writes), as writeStatus's do.
  await updateRef(repo.git, ref, sha, pull.stored);
  return { ref, sha, expect: pull.stored ?? null };
}

/** Stored watermarks by pull request number; an unreadable one keeps its commit, the lease of its repair. */
async function readWatermarks(repo: RepoContext): Promise<Map<number, { watermark: Watermark | undefined; commit: string }>> {
  const refs = [...(await listRefs(repo.git, WATERMARKS)).entries()];
  const texts = await readBlobs(repo.git, refs.map(([ref]) => `${ref}:${FILE}`));
  const marks = new Map<number, { watermark: Watermark | undefined; commit: string }>();
  refs.forEach(([ref, commit], i) => {
    const number = Number(ref.slice(WATERMARKS.length));
    if (!Number.isInteger(number)) return;
    const watermark = parseWatermark(texts[i]);
    if (watermark?.pull !== number) repo.log.warn({ ref }, "unreadable pull request comment watermark; reading that pull request's comments of the since window again");
    marks.set(number, { watermark: watermark?.pull === number ? watermark : undefined, commit });
  });
  return marks;
}

function parseWatermark(text: string | undefined): Watermark | undefined {
  try {
    const value = JSON.parse(text ?? "") as Watermark;
    return value.version === 1 && Number.isInteger(value.pull) && Number.isInteger(value.lastId) && !Number.isNaN(Date.parse(value.since)) ? value : undefined;
  } catch {
    return undefined;
  }
}

function hasSpec(status: TaskStatus): status is PullTarget["latest"] {
  return status.spec !== undefined;
}

/** GitHub's own format: whole seconds, `Z`. */
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

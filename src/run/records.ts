import type { Identity } from "../git/commit.ts";
import { pushRefs, type PushOutcome, type RefUpdate } from "../git/push.ts";
import { updateRef } from "../git/refs.ts";
import { createRecordWriter, taskRef, type RecordWriter } from "../git/state-ref.ts";
import type { TranscriptEntry } from "../agent/types.ts";
import type { RepoContext } from "./context.ts";
import type { TaskStatus } from "./task-status.ts";

/**
 * Writes one state change of a task as a commit on its state ref (locally). `more` holds
 * further transcripts by file name (best-of-N: `attempt-<n>.jsonl`).
 */
export async function writeStatus(repo: RepoContext, status: TaskStatus, parent: string | undefined, transcript?: readonly TranscriptEntry[], replaces: string | undefined = parent, event?: string, more: Record<string, readonly TranscriptEntry[]> = {}): Promise<string> {
  const commit = await buildStatus(repo, status, parent, { transcript, event, more });
  // The ref moves through the context's own runner (the daemon's notes its own writes).
  await updateRef(repo.git, taskRef(status.id), commit, replaces);
  return commit;
}

/**
 * The commit of a state change, on top of `parent`, without moving the task's ref: for
 * callers that move several refs in one transaction (`updateRefs`).
 */
export async function buildStatus(repo: RepoContext, status: TaskStatus, parent: string | undefined, extra: { transcript?: readonly TranscriptEntry[] | undefined; event?: string | undefined; more?: Record<string, readonly TranscriptEntry[]> } = {}): Promise<string> {
  const files: Record<string, string> = { "status.json": JSON.stringify(status, null, 2) + "\n" };
  const jsonl = (entries: readonly TranscriptEntry[]): string => entries.map((entry) => JSON.stringify(entry)).join("\n") + "\n";
  if (extra.transcript) files["transcript.jsonl"] = jsonl(extra.transcript);
  for (const [name, entries] of Object.entries(extra.more ?? {})) files[name] = jsonl(entries);
  // The subject is the audit log's line: the state, or the event this record adds to it.
  const subject = `codex: ${status.id} ${extra.event ?? `${status.state}${status.reason ? `: ${status.reason}` : ""}`}`;
  return recordWriter(repo).build(files, subject.slice(0, 200) + "\n", botIdentity(repo), parent);
}

/** The repository's record writer, made by its first record (of a task, or another ref's). */
export function recordWriter(repo: RepoContext): RecordWriter {
  return (repo.records ??= createRecordWriter(repo.git));
}

export function botIdentity(repo: RepoContext): Identity {
  return repo.settings.bot;
}

/** Pushes updates atomically; true when the remote took all of them. */
export async function pushAll(repo: RepoContext, updates: RefUpdate[]): Promise<{ ok: boolean; outcomes: PushOutcome[] }> {
  const outcomes = await pushRefs(repo.git, repo.settings.remote, updates, { branchPrefix: repo.settings.branchPrefix });
  return { ok: outcomes.length > 0 && outcomes.every((outcome) => outcome.ok), outcomes };
}

export function stateUpdate(id: string, sha: string, expect: string | null): RefUpdate {
  return { ref: taskRef(id), sha, expect };
}

export function nowIso(nowMs: number): string {
  return new Date(nowMs).toISOString();
}

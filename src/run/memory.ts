import { createRememberTool, type RememberTool } from "../agent/memory-tool.ts";
import { formatCommitMessage } from "../git/commit.ts";
import { commitMemory, fetchMemory, memoryBranch, memoryTrackingRef, MEMORY_MAX_FILE_BYTES, pushMemory, readMemory } from "../git/memory.ts";
import { resolveRef } from "../git/refs.ts";
import { taskRef } from "../git/state-ref.ts";
import { secretValues } from "../util/redact.ts";
import type { Deps, RepoContext } from "./context.ts";
import { nowIso, pushAll, stateUpdate, writeStatus } from "./records.ts";
import { taskLock } from "./lease.ts";
import { describeFindings, scanForSecrets } from "./secret-scan.ts";
import type { TaskStatus } from "./task-status.ts";

/** How much of MEMORY.md goes into a run's instructions; at this size the agent adds no more notes. */
export const MEMORY_PROMPT_BYTES = 16 * 1024;
/** Lease conflicts (another run or a person wrote the memory meanwhile) retried before giving up. */
const MAX_ATTEMPTS = 3;

/** How a new MEMORY.md starts. */
export const MEMORY_HEADER = "# Memory\n\nNotes git-codex runs keep about this repository, read by every run. Edit or revert freely (`git codex memory edit`).\n\n";

export interface RepoMemory {
  branch: string;
  /** What the model reads: the start of MEMORY.md, cut with a marker past the cap. */
  text: string;
  /** MEMORY.md as loaded, for duplicate checks. */
  full: string;
  /** Why the agent may add no more notes, when the memory is at its cap. */
  fullReason?: string;
}

/** The memory as this machine last fetched it from the remote (intake fetches every branch first). */
export async function loadMemory(repo: RepoContext): Promise<RepoMemory> {
  const { remote, branchPrefix } = repo.settings;
  const branch = memoryBranch(branchPrefix);
  const snapshot = await readMemory(repo.git, memoryTrackingRef(remote, branchPrefix), MEMORY_PROMPT_BYTES);
  const cut = snapshot.size > MEMORY_PROMPT_BYTES;
  const text = cut ? `${snapshot.text}\n[MEMORY.md cut at 16 KiB of ${snapshot.size} bytes; a maintainer should tidy it: git codex memory edit]` : snapshot.text;
  const memory: RepoMemory = { branch, text, full: snapshot.text };
  if (snapshot.size >= MEMORY_PROMPT_BYTES) memory.fullReason = `the memory is full (${snapshot.size} bytes, cap 16 KiB) until a maintainer tidies it`;
  return memory;
}

/** The `remember` tool of one run: notes are secret-scanned and redacted before they are taken. */
export function rememberTool(deps: Deps, memory: RepoMemory): RememberTool {
  const known = secretValues(deps.env);
  return createRememberTool({
    existing: memory.full,
    ...(memory.fullReason ? { full: memory.fullReason } : {}),
    screen(note) {
      const findings = scanForSecrets([{ path: "note", addedLines: note.split("\n") }], known);
      if (findings.length > 0) return { refused: `it looks like a secret (${describeFindings(findings).join("; ")}); never put credentials in the memory` };
      return { note: deps.redact(note) };
    },
  });
}

/**
 * After a run: its notes become one commit on the memory branch, appended to MEMORY.md by
 * the bot and pushed with a lease on the tip it read, so a person's edit made meanwhile is
 * built upon, never replaced. The outcome is one more record on the task's state ref; a
 * failure is logged there and never fails the task.
 */
export async function recordMemory(repo: RepoContext, deps: Deps, status: TaskStatus, notes: readonly string[] | undefined): Promise<TaskStatus> {
  if (!notes?.length || status.state === "interrupted") return status;
  const log = repo.log.child({ task: status.id });
  let event: string;
  try {
    const commit = await repo.exclusive(() => appendNotes(repo, status.id, notes));
    event = `memory: ${notes.length} note${notes.length === 1 ? "" : "s"} added to ${memoryBranch(repo.settings.branchPrefix)} (${commit.slice(0, 7)})`;
    log.info({ commit, notes: notes.length }, "notes added to the memory branch");
  } catch (error) {
    event = `memory not recorded: ${deps.redact(error instanceof Error ? error.message : String(error))}`.slice(0, 180);
    log.warn({ err: event }, "could not record the run's memory notes; the task's result stands");
  }
  const next: TaskStatus = { ...status, updatedAt: nowIso(deps.clock.now()) };
  const recorded = await taskLock(repo, status)(async () => {
    const sha = await resolveRef(repo.git, taskRef(status.id));
    const written = await writeStatus(repo, next, sha, undefined, sha, event);
    return (await pushAll(repo, [stateUpdate(status.id, written, sha ?? null)])).ok;
  }).catch(() => false);
  if (!recorded) log.warn({ event }, "could not record the memory outcome in the task's state");
  return recorded ? next : status;
}

async function appendNotes(repo: RepoContext, taskId: string, notes: readonly string[]): Promise<string> {
  const { git, settings } = repo;
  const message = formatCommitMessage(`memory: ${notes.length === 1 ? "a note" : `${notes.length} notes`} from task ${taskId}`, notes.map(bullet).join("\n"), [["Codex-Task", taskId]]);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = await readMemory(git, memoryTrackingRef(settings.remote, settings.branchPrefix));
    if (current.size > MEMORY_MAX_FILE_BYTES) throw new Error(`MEMORY.md is over ${MEMORY_MAX_FILE_BYTES} bytes; the bot does not append to it`);
    const text = appendToMemory(current.text, notes);
    const commit = await commitMemory(git, { parent: current.tip, text, message, identity: settings.bot });
    const pushed = await pushMemory(git, { remote: settings.remote, branchPrefix: settings.branchPrefix, commit, expected: current.tip });
    if (pushed.ok) return commit;
    if (!pushed.stale) throw new Error(`the remote refused the memory commit (${pushed.detail})`);
    repo.log.info({ task: taskId, attempt }, "the memory branch moved meanwhile; reading it again");
    await fetchMemory(git, settings.remote, settings.branchPrefix);
  }
  throw new Error(`the memory branch kept changing during ${MAX_ATTEMPTS} attempts`);
}

/** MEMORY.md with the notes appended as bullets; the existing text is kept byte for byte. */
export function appendToMemory(text: string, notes: readonly string[]): string {
  const base = text === "" ? MEMORY_HEADER : text.endsWith("\n") ? text : `${text}\n`;
  return `${base}${notes.map(bullet).join("\n")}\n`;
}

function bullet(note: string): string {
  return `- ${note.split("\n").join("\n  ")}`;
}

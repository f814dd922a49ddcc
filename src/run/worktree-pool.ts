import { randomBytes } from "node:crypto";
import { mkdir, readdir, realpath } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Git } from "../git/runner.ts";
import { addWorktree, listWorktrees, lockedByDeadProcess, poolDir, removeWorktree } from "../git/worktree.ts";
import { tryLockWorktree, unlockWorktree } from "../git/worktree-lock.ts";
import { resetWorktree } from "../git/worktree-reset.ts";
import type { RepoContext } from "./context.ts";

/** A worktree this task holds alone, at `base`, with nothing of an earlier task left in it. */
export interface PooledWorktree extends AsyncDisposable {
  readonly path: string;
  readonly git: Git;
  /** True when an earlier task used this worktree (reset instead of added). */
  readonly reused: boolean;
  /** Gives it back to the pool, or removes it when the pool holds more than it keeps. Idempotent. */
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** How many worktrees the pool keeps for this repository: its concurrency. Default 1. */
  keep?: number;
  /**
   * Work for this thread while git checks the tree out (it runs in a child process): called
   * once, when the checkout of a reset, or the new worktree's, has started.
   */
  whileBusy?: () => void;
}

/**
 * Takes a worktree for one task from the repository's pool (`<worktree root>/pool/`),
 * reset to `spec.base`, or adds one when none is free. Adding and removing a worktree of
 * a large repository costs seconds (a checkout, then deleting every file); a reset only
 * reads the tree. A pooled worktree outlives the process, so `run --once` reuses it the
 * next time. A free worktree is unlocked; taking it locks it for this process (git's own
 * lock, created exclusively), so two tasks, of one process or of two, never share one.
 * One that cannot be made pristine is removed and replaced. Several at once (best-of-N
 * attempts) each get their own.
 */
export async function acquireWorktree(repo: RepoContext, spec: { id: string; base: string }, options: AcquireOptions = {}): Promise<PooledWorktree> {
  const pool = poolDir(repo.settings.worktreeRoot);
  await mkdir(pool, { recursive: true });
  const realPool = await realpath(pool);
  const log = repo.log.child({ task: spec.id });
  let busy = options.whileBusy;
  const whileBusy = (): void => {
    const work = busy;
    busy = undefined;
    try {
      work?.();
    } catch {
      // Only a head start: whatever failed fails again, and is reported, where it is needed.
    }
  };
  for (const entry of await listWorktrees(repo.git)) {
    if (dirname(entry.path) !== realPool || entry.prunable !== undefined) continue;
    if (entry.locked !== undefined) {
      // A crashed process's: nobody can lock it any more, and it may be half reset.
      if (lockedByDeadProcess(entry.locked)) await removeWorktree(repo.git, entry.path).catch(() => undefined);
      continue;
    }
    if (!(await tryLockWorktree(entry.path))) continue; // another task took it first
    const reset = await resetWorktree(repo.git.at(entry.path), spec.base, whileBusy).catch((error: unknown) => ({ ok: false as const, reason: String(error) }));
    if (reset.ok) {
      log.debug({ worktree: entry.path }, "reusing a pooled worktree");
      return pooled(repo, entry.path, true, options.keep ?? 1);
    }
    log.warn({ worktree: entry.path, reason: reset.reason }, "a pooled worktree could not be reset; replacing it");
    await removeWorktree(repo.git, entry.path).catch(() => undefined);
  }
  const path = join(realPool, `wt-${randomBytes(4).toString("hex")}`);
  const adding = addWorktree(repo.git, path, spec.base);
  whileBusy();
  await adding;
  log.debug({ worktree: path }, "added a worktree to the pool");
  return pooled(repo, path, false, options.keep ?? 1);
}

function pooled(repo: RepoContext, path: string, reused: boolean, keep: number): PooledWorktree {
  let released: Promise<void> | undefined;
  const release = (): Promise<void> => (released ??= giveBack(repo, path, keep));
  return { path, git: repo.git.at(path), reused, release, [Symbol.asyncDispose]: release };
}

/**
 * Unlocks the worktree for the next task; it is reset when taken, so a task's files stay
 * until then. More worktrees than the pool keeps (another process ran at the same time)
 * means this one goes.
 */
async function giveBack(repo: RepoContext, path: string, keep: number): Promise<void> {
  const held = (await readdir(dirname(path)).catch(() => [] as string[])).length;
  if (held > keep) {
    await removeWorktree(repo.git, path);
    return;
  }
  await unlockWorktree(path);
}

import { lstat, readdir, realpath } from "node:fs/promises";
import { removeTree } from "../util/remove-tree.ts";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { assertNotOption, type Git } from "./runner.ts";
import { lockReason } from "./worktree-lock.ts";

export interface Worktree extends AsyncDisposable {
  readonly path: string;
  readonly git: Git;
  remove(): Promise<void>;
}

/** Pooled worktrees live in this folder of the worktree root (see src/run/worktree-pool.ts). */
export const POOL_DIR = "pool";
// A folder in the pool that git does not know is removed only once it is this old: a
// `git worktree add` of another process may be creating it right now.
const STRAY_AGE_MS = 60_000;

export function poolDir(root: string): string {
  return join(root, POOL_DIR);
}

/**
 * Adds a detached, locked worktree at `path` from `base`, outside the user's checkout.
 * Disposing it unlocks and removes it, whatever happened inside.
 */
export async function createWorktree(git: Git, path: string, base: string): Promise<Worktree> {
  await addWorktree(git, path, base);
  let removed = false;
  const remove = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    await removeWorktree(git, path);
  };
  return { path, git: git.at(path), remove, [Symbol.asyncDispose]: remove };
}

/** `git worktree add --detach --lock`: locked by this process from the first moment (no race). */
export async function addWorktree(git: Git, path: string, base: string): Promise<void> {
  await git.run(["worktree", "add", "--detach", "--lock", "--reason", lockReason(), path, assertNotOption(base, "base")]);
}

export async function removeWorktree(git: Git, path: string): Promise<void> {
  // Twice --force removes a locked worktree; if git cannot, the folder goes and prune forgets it.
  const result = await git.probe(["worktree", "remove", "--force", "--force", path]);
  if (result.exitCode !== 0) {
    // prune skips locked worktrees: unlock first, then the folder goes (read-only parts too).
    await git.probe(["worktree", "unlock", path]);
    await removeTree(path);
    await git.run(["worktree", "prune"]);
  }
}

export interface WorktreeEntry {
  path: string;
  head?: string;
  locked?: string;
  /** Set when git would prune it: its folder is gone. */
  prunable?: string;
}

export async function listWorktrees(git: Git): Promise<WorktreeEntry[]> {
  const text = await git.run(["worktree", "list", "--porcelain", "-z"]);
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | undefined;
  for (const field of text.split("\0")) {
    if (field === "") {
      current = undefined;
      continue;
    }
    const [key = "", ...rest] = field.split(" ");
    const value = rest.join(" ");
    if (key === "worktree") entries.push((current = { path: value }));
    else if (current && key === "HEAD") current.head = value;
    else if (current && key === "locked") current.locked = value;
    else if (current && key === "prunable") current.prunable = value;
  }
  return entries;
}

/**
 * Removes worktrees under `root` left by a git-codex process of this host that is gone
 * (killed, crashed), so a restart leaves nothing behind. Idle pooled worktrees (unlocked)
 * are healthy and stay for the next task; folders in the pool that git does not know go.
 */
export async function removeStaleWorktrees(git: Git, root: string): Promise<string[]> {
  const removed: string[] = [];
  // git lists worktrees by their real path; the root may be reached through a symlink.
  const realRoot = await realpath(root).catch(() => root);
  const pools = new Set([poolDir(root), poolDir(realRoot)]);
  for (const entry of await listWorktrees(git)) {
    if (!entry.path.startsWith(realRoot + "/") && !entry.path.startsWith(root + "/")) continue;
    if (pools.has(dirname(entry.path)) && entry.locked === undefined) continue;
    if (ownerIsAlive(entry.locked)) continue;
    await removeWorktree(git, entry.path);
    removed.push(entry.path);
  }
  await git.run(["worktree", "prune"]);
  removed.push(...(await removeStrays(git, poolDir(realRoot))));
  return removed;
}

/** Folders in the pool that are no registered worktree (a crash mid-add, a half removal). */
async function removeStrays(git: Git, pool: string): Promise<string[]> {
  const names = await readdir(pool).catch(() => [] as string[]);
  if (names.length === 0) return [];
  const known = new Set((await listWorktrees(git)).map((entry) => entry.path));
  const removed: string[] = [];
  for (const name of names) {
    const path = join(pool, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info || known.has(path) || Date.now() - info.mtimeMs < STRAY_AGE_MS) continue;
    await removeTree(path).then(() => removed.push(path), () => undefined);
  }
  return removed;
}

/** True when `reason` is this host's git-codex lock of a process that is gone. */
export function lockedByDeadProcess(reason: string | undefined): boolean {
  const match = /^git-codex pid=(\d+) host=(\S+)/.exec(reason ?? "");
  return Boolean(match && match[2] === hostname() && !isProcessAlive(Number(match[1])));
}

function ownerIsAlive(reason: string | undefined): boolean {
  const match = /^git-codex pid=(\d+) host=(\S+)/.exec(reason ?? "");
  if (!match) return false;
  if (match[2] !== hostname()) return true; // another machine's: not ours to judge
  return isProcessAlive(Number(match[1]));
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

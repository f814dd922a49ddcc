import { realpath } from "node:fs/promises";
import { removeTree } from "../util/remove-tree.ts";
import { hostname } from "node:os";
import { assertNotOption, type Git } from "./runner.ts";

export interface Worktree extends AsyncDisposable {
  readonly path: string;
  readonly git: Git;
  remove(): Promise<void>;
}

const REASON_PREFIX = "git-codex";

/**
 * Adds a detached, locked worktree at `path` from `base`, outside the user's checkout.
 * Disposing it unlocks and removes it, whatever happened inside.
 */
export async function createWorktree(git: Git, path: string, base: string): Promise<Worktree> {
  const reason = `${REASON_PREFIX} pid=${process.pid} host=${hostname()}`;
  await git.run(["worktree", "add", "--detach", "--lock", "--reason", reason, path, assertNotOption(base, "base")]);
  let removed = false;
  const remove = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    await removeWorktree(git, path);
  };
  return { path, git: git.at(path), remove, [Symbol.asyncDispose]: remove };
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
  }
  return entries;
}

/**
 * Removes worktrees under `root` left by a git-codex process of this host that is gone
 * (killed, crashed), so a restart leaves nothing behind.
 */
export async function removeStaleWorktrees(git: Git, root: string): Promise<string[]> {
  const removed: string[] = [];
  // git lists worktrees by their real path; the root may be reached through a symlink.
  const realRoot = await realpath(root).catch(() => root);
  for (const entry of await listWorktrees(git)) {
    if (!entry.path.startsWith(realRoot + "/") && !entry.path.startsWith(root + "/")) continue;
    if (ownerIsAlive(entry.locked)) continue;
    await removeWorktree(git, entry.path);
    removed.push(entry.path);
  }
  await git.run(["worktree", "prune"]);
  return removed;
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

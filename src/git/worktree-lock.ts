import { readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";

/** The lock reason naming this process: removeStaleWorktrees reads it back. */
export function lockReason(): string {
  return `git-codex pid=${process.pid} host=${hostname()}`;
}

/**
 * Locks an idle worktree for this process; false when another process holds it (or it is
 * going away). `git worktree lock` checks, then writes, so two processes could both get
 * it: this creates the same `locked` file in the worktree's admin folder exclusively
 * (O_EXCL), so exactly one wins, and git reads it as the lock reason as usual.
 */
export async function tryLockWorktree(path: string): Promise<boolean> {
  const admin = await adminDir(path);
  if (!admin) return false;
  try {
    await writeFile(join(admin, "locked"), `${lockReason()}\n`, { flag: "wx" });
    return true;
  } catch (error) {
    if (["EEXIST", "ENOENT"].includes((error as NodeJS.ErrnoException).code ?? "")) return false;
    throw error;
  }
}

/** `git worktree unlock`, without a process: removes the admin folder's `locked` file. */
export async function unlockWorktree(path: string): Promise<void> {
  const admin = await adminDir(path);
  if (admin) await rm(join(admin, "locked"), { force: true });
}

/**
 * The worktree's admin folder (`<common dir>/worktrees/<id>`), from its `.git` file, when
 * that folder points back at the worktree; undefined when either is missing or they disagree.
 */
async function adminDir(path: string): Promise<string | undefined> {
  const text = await readFile(join(path, ".git"), "utf8").catch(() => "");
  const target = /^gitdir: (.+)$/m.exec(text)?.[1]?.trim();
  if (!target) return undefined;
  const admin = resolve(path, target);
  const back = (await readFile(join(admin, "gitdir"), "utf8").catch(() => "")).trim();
  return back !== "" && resolve(admin, back) === resolve(path, ".git") ? admin : undefined;
}


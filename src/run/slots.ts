import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { removeTree } from "../util/remove-tree.ts";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { isProcessAlive, POOL_DIR } from "../git/worktree.ts";

/**
 * One task's private home and temp folders, removed together. They are fresh for every
 * task; the worktree comes from the pool (worktree-pool.ts).
 */
export interface Slot {
  dir: string;
  home: string;
  tmp: string;
}

const OWNER_FILE = "owner";

/** Creates a slot under `root`, recording which process owns it before anything else. */
export async function createSlot(root: string, taskId: string, owner: { host: string; pid: number }): Promise<Slot> {
  const dir = join(root, `${taskId}-${randomBytes(3).toString("hex")}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, OWNER_FILE), `${owner.host} ${owner.pid}\n`);
  const slot = { dir, home: join(dir, "home"), tmp: join(dir, "tmp") };
  await Promise.all([mkdir(slot.home), mkdir(slot.tmp)]);
  return slot;
}

export async function removeSlot(slot: Slot): Promise<void> {
  await removeTree(slot.dir);
}

/**
 * Removes slots that a process of this host left behind when it died. A slot whose owner
 * is alive, or of another host (a shared cache folder), is left alone.
 */
export async function removeStaleSlots(root: string, host: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (name === POOL_DIR) continue; // worktrees, not slots: removeStaleWorktrees looks after them
    const dir = join(root, name);
    const owner = await readFile(join(dir, OWNER_FILE), "utf8").catch(() => undefined);
    const [ownerHost, pid] = (owner ?? "").trim().split(" ");
    if (owner !== undefined && (ownerHost !== host || isProcessAlive(Number(pid)))) continue;
    try {
      await removeTree(dir);
      removed.push(dir);
    } catch {
      // Left for the next start; a slot that cannot be removed must not stop the work.
    }
  }
  return removed;
}

/**
 * The overhead floors: plain git doing what one task needs, as shell scripts, timed in
 * the same run as git-codex so both see the same machine.
 */
import { join } from "node:path";
import type { BenchRepo } from "./fixture.ts";
import { must, nowMs } from "./daemon-process.ts";

const IDENTITY = "-c user.name=b -c user.email=b@example.com";

// A new worktree for the task, removed afterwards: what a task costs without a pool.
export const FRESH_FLOOR = `set -e
git fetch -q origin
git worktree add -q --detach "$WT" origin/main
echo change > "$WT/floor.txt"
git -C "$WT" add -A
git -C "$WT" ${IDENTITY} commit -q -m floor
git -C "$WT" push -q origin HEAD:refs/heads/floor-$N
git worktree remove --force "$WT"`;

// A worktree kept between tasks and reset to the new base: what a task costs with a pool.
export const WARM_FLOOR = `set -e
git fetch -q origin
git -C "$WT" checkout -q -f --detach origin/main
git -C "$WT" clean -q -ffdx
echo change > "$WT/floor.txt"
git -C "$WT" add -A
git -C "$WT" ${IDENTITY} commit -q -m floor
git -C "$WT" push -q origin HEAD:refs/heads/warm-$N`;

export interface Floors {
  /** Round `n` of the fresh floor, in ms. */
  fresh(n: number): Promise<number>;
  /** Round `n` of the warm floor, in ms. */
  warm(n: number): Promise<number>;
}

/** Prepares the warm floor's worktree (not timed) and returns both floors for `repo`. */
export async function prepareFloors(repo: BenchRepo): Promise<Floors> {
  const freshWt = join(repo.root, "floor-fresh");
  const warmWt = join(repo.root, "floor-warm");
  await must("git", ["worktree", "add", "-q", "--detach", warmWt, "origin/main"], { cwd: repo.clone, env: repo.env });
  const run = async (script: string, wt: string, n: number): Promise<number> => {
    const started = nowMs();
    await must("bash", ["-c", script], { cwd: repo.clone, env: { ...repo.env, WT: wt, N: String(n) } });
    return nowMs() - started;
  };
  return { fresh: (n) => run(FRESH_FLOOR, freshWt, n), warm: (n) => run(WARM_FLOOR, warmWt, n) };
}

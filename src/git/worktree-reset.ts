import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { makeWritable, removeTree } from "../util/remove-tree.ts";
import { assertNotOption, type Git } from "./runner.ts";

/**
 * Settings under which a reset trusts nothing the last task could have arranged: every
 * file's ctime is compared (a task can restore a file's mtime and size, not its ctime), no
 * untracked cache or fsmonitor answers for the disk, and nothing recurses into a nested
 * repository (whose config the task wrote).
 */
const STRICT = [
  "-c", "core.checkStat=default", "-c", "core.trustctime=true", "-c", "core.untrackedCache=false",
  "-c", "core.fsmonitor=false", "-c", "submodule.recurse=false",
];

export type ResetOutcome = { ok: true } | { ok: false; reason: string };

/**
 * Makes a used worktree what `git worktree add --detach <base>` makes, at the cost of
 * reading the tree instead of writing it: untracked and ignored files go (nested
 * repositories and symlinks included), tracked files and the index are put back at
 * `base`, and gitlink folders are emptied. Every step's exit code is checked, and the
 * last clean is the check that nothing is left. The worktree's `.git` file and admin folder are
 * read-only to the task, so nothing there needs undoing. A reset that fails once is tried
 * again after opening up folders the task made unwritable or unreadable; `ok: false` means
 * the worktree must be replaced.
 */
export async function resetWorktree(worktree: Git, base: string): Promise<ResetOutcome> {
  const first = await resetOnce(worktree, assertNotOption(base, "base"));
  if (first.ok) return first;
  await makeWritable(worktree.cwd);
  return resetOnce(worktree, base);
}

async function resetOnce(worktree: Git, base: string): Promise<ResetOutcome> {
  // Clean first: an untracked .gitattributes must not shape the checkout. The checkout
  // removes the files the last task added to the index, but where it cannot (a folder made
  // read-only) it only warns and exits 0, leaving them untracked: the second clean removes
  // them or, failing, exits non-zero, which is what the second try is for.
  const steps = [["clean", "-ffdxq"], ["checkout", "-f", "-q", "--no-recurse-submodules", "--detach", base], ["clean", "-ffdxq"]];
  for (const step of steps) {
    const result = await worktree.probe([...STRICT, ...step]);
    if (result.exitCode !== 0) return { ok: false, reason: `git ${step[0]}: ${(result.spawnError ?? result.stderr).trim().split("\n")[0] ?? ""}` };
  }
  try {
    await emptyGitlinks(worktree);
  } catch (error) {
    return { ok: false, reason: `emptying a submodule folder: ${String(error)}` };
  }
  return { ok: true };
}

/**
 * A submodule's folder is tracked, so `git clean` leaves what a task put there (a clone,
 * an init): the next task's commit would pick up its HEAD. A fresh worktree has these
 * folders empty; so does a reset one.
 */
async function emptyGitlinks(worktree: Git): Promise<void> {
  const result = await worktree.probe(["ls-files", "--stage", "-z"], { keepBytes: true });
  if (result.exitCode !== 0) throw new Error(result.stderr.trim());
  for (const path of gitlinkPaths(result.stdoutBytes ?? Buffer.alloc(0))) {
    const dir = join(worktree.cwd, path);
    if ((await readdir(dir).catch(() => [])).length === 0) continue;
    await removeTree(dir);
    await mkdir(dir);
  }
}

const GITLINK = Buffer.from("160000 ");

/** Paths of gitlink entries in `ls-files --stage -z` output, found without splitting every entry. */
export function gitlinkPaths(bytes: Buffer): string[] {
  const paths: string[] = [];
  for (let at = bytes.indexOf(GITLINK); at >= 0; at = bytes.indexOf(GITLINK, at + 1)) {
    if (at > 0 && bytes[at - 1] !== 0) continue; // inside a path, not at an entry's start
    const tab = bytes.indexOf(9, at);
    const end = bytes.indexOf(0, at);
    if (tab < 0 || (end >= 0 && end < tab)) continue;
    paths.push(bytes.subarray(tab + 1, end < 0 ? undefined : end).toString("utf8"));
  }
  return paths;
}

import { lstat, mkdir, readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { makeWritable, removeTree } from "../util/remove-tree.ts";
import { indexGitlinks } from "./index-gitlinks.ts";
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
export async function resetWorktree(worktree: Git, base: string, whileBusy?: () => void): Promise<ResetOutcome> {
  let pending = whileBusy;
  const once = (): void => {
    pending?.();
    pending = undefined;
  };
  const first = await resetOnce(worktree, assertNotOption(base, "base"), once);
  if (first.ok) return first;
  await makeWritable(worktree.cwd);
  return resetOnce(worktree, base, once);
}

/** `whileBusy` runs once git's longest step, the checkout, has started (see AcquireOptions). */
async function resetOnce(worktree: Git, base: string, whileBusy: () => void): Promise<ResetOutcome> {
  // Clean first: an untracked .gitattributes must not shape the checkout. The checkout
  // removes the files the last task added to the index, but where it cannot (a folder made
  // read-only) it only warns and exits 0, leaving them untracked: the second clean removes
  // them or, failing, exits non-zero, which is what the second try is for.
  for (const step of [["clean", "-ffdxq"], ["checkout", "-f", "-q", "--no-recurse-submodules", "--detach", base]]) {
    const running = runStep(worktree, step);
    if (step[0] === "checkout") whileBusy();
    const failed = await running;
    if (failed) return failed;
  }
  // `git clean` only reads the index the checkout wrote: its gitlinks can be read meanwhile.
  const [failed, gitlinks] = await Promise.all([runStep(worktree, ["clean", "-ffdxq"]), gitlinksOf(worktree).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))]);
  if (failed) return failed;
  try {
    if (gitlinks instanceof Error) throw gitlinks;
    await emptyGitlinks(worktree.cwd, gitlinks);
  } catch (error) {
    return { ok: false, reason: `emptying a submodule folder: ${String(error)}` };
  }
  return { ok: true };
}

async function runStep(worktree: Git, step: readonly string[]): Promise<ResetOutcome | undefined> {
  const result = await worktree.probe([...STRICT, ...step]);
  if (result.exitCode === 0) return undefined;
  return { ok: false, reason: `git ${step[0] ?? ""}: ${(result.spawnError ?? result.stderr).trim().split("\n")[0] ?? ""}` };
}

/**
 * A submodule's folder is tracked, so `git clean` leaves what a task put there (a clone,
 * an init): the next task's commit would pick up its HEAD. A fresh worktree has these
 * folders empty; so does a reset one.
 */
async function emptyGitlinks(root: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const dir = join(root, path);
    if ((await readdir(dir).catch(() => [])).length === 0) continue;
    await removeTree(dir);
    await mkdir(dir);
  }
}

/**
 * The gitlink paths of the worktree's index: read from the file itself (no process, and
 * none of the 4 MB that `git ls-files --stage` prints at 50 000 entries), or from git when
 * the reader does not understand the file (src/git/index-gitlinks.ts). The task cannot
 * have written the file: the worktree's admin folder is read-only in the sandbox.
 */
export async function gitlinksOf(worktree: Git): Promise<string[]> {
  const file = await indexFile(worktree.cwd);
  const bytes = file === undefined ? undefined : await readFile(file).catch(() => undefined);
  const paths = bytes && indexGitlinks(bytes);
  if (paths) return paths;
  const result = await worktree.probe(["ls-files", "--stage", "-z"], { keepBytes: true });
  if (result.exitCode !== 0) throw new Error(result.stderr.trim());
  return gitlinkPaths(result.stdoutBytes ?? Buffer.alloc(0));
}

/** Where git keeps the index of the worktree at `root`: `.git` is a folder, or a file naming the worktree's admin folder. */
async function indexFile(root: string): Promise<string | undefined> {
  const dotGit = join(root, ".git");
  const info = await lstat(dotGit).catch(() => undefined);
  if (info?.isDirectory()) return join(dotGit, "index");
  if (!info?.isFile()) return undefined;
  // git strips only the line ending (setup.c, read_gitfile_gently).
  const text = (await readFile(dotGit, "utf8")).replace(/[\r\n]+$/, "");
  return text.startsWith("gitdir: ") ? resolve(root, text.slice("gitdir: ".length), "index") : undefined;
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

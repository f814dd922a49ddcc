import { identityEnv, type Identity } from "./commit.ts";
import { pushRefs } from "./push.ts";
import { deleteRef, resolveRef } from "./refs.ts";
import { remoteHeadsNamespace, remoteRefSha } from "./remote.ts";
import { assertNotOption, type Git } from "./runner.ts";

/**
 * The repository's memory: one file on one branch of the remote, so every machine reads
 * the same notes and every change is a commit a person can review, diff and revert.
 */
export const MEMORY_FILE = "MEMORY.md";

/** A file larger than this is not read whole (the bot will not append to it). */
export const MEMORY_MAX_FILE_BYTES = 1024 * 1024;

/** `<prefix>memory`: inside the branch prefix, the only branches the ref guard lets the bot push. */
export function memoryBranch(branchPrefix: string): string {
  return `${branchPrefix}memory`;
}

/** The bot's copy of the remote's memory branch, moved by every fetch of the remote. */
export function memoryTrackingRef(remote: string, branchPrefix: string): string {
  return `${remoteHeadsNamespace(remote)}${memoryBranch(branchPrefix)}`;
}

export interface MemorySnapshot {
  /** The branch's tip, or undefined when the branch does not exist. */
  tip?: string;
  /** MEMORY.md at the tip ("" when the branch or the file is missing). */
  text: string;
  /** Bytes of MEMORY.md at the tip. */
  size: number;
}

/** MEMORY.md at `ref`, at most `maxBytes` of it (a larger file is cut there; `size` says by how much). */
export async function readMemory(git: Git, ref: string, maxBytes = MEMORY_MAX_FILE_BYTES): Promise<MemorySnapshot> {
  const tip = await resolveRef(git, ref);
  if (!tip) return { text: "", size: 0 };
  const listing = await git.run(["ls-tree", "-l", "-z", tip, "--", MEMORY_FILE]);
  const match = /^\d+ blob ([0-9a-f]+) +(\d+)\t/.exec(listing);
  if (!match?.[1]) return { tip, text: "", size: 0 };
  const result = await git.probe(["cat-file", "blob", match[1]], { maxOutputBytes: maxBytes, keepBytes: true });
  const bytes = (result.stdoutBytes ?? Buffer.alloc(0)).subarray(0, maxBytes);
  return { tip, text: bytes.toString("utf8"), size: Number(match[2]) };
}

/**
 * Refreshes the bot's copy of the remote's memory branch (one ref, not a whole fetch);
 * deletes the copy when the branch is gone from the remote.
 */
export async function fetchMemory(git: Git, remote: string, branchPrefix: string): Promise<void> {
  const branch = memoryBranch(branchPrefix);
  const tracking = memoryTrackingRef(remote, branchPrefix);
  if (!(await remoteRefSha(git, remote, `refs/heads/${branch}`))) {
    if (await resolveRef(git, tracking)) await deleteRef(git, tracking);
    return;
  }
  await git.run(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", assertNotOption(remote, "remote"), `+refs/heads/${branch}:${tracking}`]);
}

/**
 * A commit on top of `parent` (a new root commit when undefined) whose tree is the
 * parent's with MEMORY.md replaced by `text`: files a person added beside it are kept.
 * Without `identity`, git's own (the person's user.name and user.email) is used.
 */
export async function commitMemory(git: Git, input: { parent: string | undefined; text: string; message: string; identity?: Identity }): Promise<string> {
  const { parent } = input;
  const entries = parent ? (await git.run(["ls-tree", "-z", parent])).split("\0").filter((line) => line && line.split("\t")[1] !== MEMORY_FILE) : [];
  const blob = (await git.run(["hash-object", "-w", "--stdin"], { input: input.text })).trim();
  entries.push(`100644 blob ${blob}\t${MEMORY_FILE}`);
  const tree = (await git.run(["mktree", "-z"], { input: entries.join("\0") + "\0" })).trim();
  const args = ["commit-tree", tree, ...(parent ? ["-p", assertNotOption(parent, "parent")] : [])];
  return (await git.run(args, { input: input.message, ...(input.identity ? { env: identityEnv(input.identity) } : {}) })).trim();
}

/**
 * Pushes `commit` as the remote's memory branch with a lease on `expected` (undefined:
 * the branch must not exist yet), so a change made meanwhile is never overwritten. On
 * success the bot's copy of the branch moves too. `stale` means the lease failed (the
 * branch moved); any other refusal (a hook, permissions) says why in `detail`.
 */
export async function pushMemory(git: Git, input: { remote: string; branchPrefix: string; commit: string; expected: string | undefined }): Promise<{ ok: true } | { ok: false; stale: boolean; detail: string }> {
  const ref = `refs/heads/${memoryBranch(input.branchPrefix)}`;
  const [outcome] = await pushRefs(git, input.remote, [{ ref, sha: input.commit, expect: input.expected ?? null }], { branchPrefix: input.branchPrefix });
  if (!outcome?.ok) {
    const detail = outcome?.detail ?? "no answer from the remote";
    return { ok: false, stale: /stale info|fetch first|non-fast-forward|already exists/.test(detail), detail };
  }
  await git.run(["update-ref", memoryTrackingRef(input.remote, input.branchPrefix), input.commit]);
  return { ok: true };
}

import { readBlobs } from "./blobs.ts";
import { commitTree, type Identity } from "./commit.ts";
import { listRefs, resolveRef, updateRef } from "./refs.ts";
import type { Git } from "./runner.ts";

export const TASKS_NAMESPACE = "refs/codex/tasks/";

export function taskRef(id: string): string {
  return `${TASKS_NAMESPACE}${id}`;
}

/**
 * Writes a commit whose tree holds `files` (e.g. status.json, transcript.jsonl) and the
 * parent's other files, on top of `parent`, and moves `ref` to it from `replaces`
 * (default: the parent) with a compare-and-swap. Returns the new commit.
 */
export async function writeRecord(git: Git, ref: string, files: Record<string, string>, message: string, identity: Identity, parent: string | undefined, replaces: string | undefined = parent): Promise<string> {
  // Files the new record does not replace (a transcript) carry over from the parent.
  const entries = parent ? (await git.run(["ls-tree", parent])).split("\n").filter((line) => line && !(line.split("\t")[1]! in files)) : [];
  for (const [name, content] of Object.entries(files)) {
    const blob = (await git.run(["hash-object", "-w", "--stdin"], { input: content })).trim();
    entries.push(`100644 blob ${blob}\t${name}`);
  }
  const tree = (await git.run(["mktree"], { input: entries.join("\n") + "\n" })).trim();
  const commit = await commitTree(git, tree, parent ? [parent] : [], message, identity);
  await updateRef(git, ref, commit, replaces);
  return commit;
}

export async function readRecordFile(git: Git, rev: string, file: string): Promise<string | undefined> {
  const [content] = await readBlobs(git, [`${rev}:${file}`]);
  return content;
}

/** Every task record: id → { commit, status.json text }, read in one batch. */
export async function readAllRecords(git: Git, file = "status.json"): Promise<Map<string, { commit: string; content: string | undefined }>> {
  const refs = await listRefs(git, TASKS_NAMESPACE);
  const names = [...refs.keys()];
  const contents = await readBlobs(git, names.map((ref) => `${ref}:${file}`));
  const records = new Map<string, { commit: string; content: string | undefined }>();
  names.forEach((ref, i) => records.set(ref.slice(TASKS_NAMESPACE.length), { commit: refs.get(ref) ?? "", content: contents[i] }));
  return records;
}

export { resolveRef };

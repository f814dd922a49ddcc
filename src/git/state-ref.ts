import { readBlobs } from "./blobs.ts";
import { commitTree, type Identity } from "./commit.ts";
import { encodeCommit, encodeTree, openLooseObjects, type LooseObjects, type TreeEntry } from "./loose-objects.ts";
import { listRefs, resolveRef, updateRef } from "./refs.ts";
import { assertNotOption, type Git } from "./runner.ts";

export const TASKS_NAMESPACE = "refs/codex/tasks/";

export function taskRef(id: string): string {
  return `${TASKS_NAMESPACE}${id}`;
}

/** Writes task records; one per repository (RepoContext.records), so that it remembers. */
export interface RecordWriter {
  /**
   * Writes a commit whose tree holds `files` (e.g. status.json, transcript.jsonl) and the
   * parent's other files, on top of `parent`, and returns it. No ref moves.
   */
  build(files: Record<string, string>, message: string, identity: Identity, parent: string | undefined): Promise<string>;
  /** `build`, then moves `ref` to the commit from `replaces` (default: the parent) with a compare-and-swap. */
  write(ref: string, files: Record<string, string>, message: string, identity: Identity, parent: string | undefined, replaces?: string): Promise<string>;
}

/**
 * A record costs no git process when the repository allows in-process objects
 * (loose-objects.ts): blobs, tree and commit are written here, and the files a record
 * carries over (a transcript) come from the trees of the last `keep` records this writer
 * wrote, so only a record on top of someone else's asks `ls-tree`. Otherwise (SHA-256,
 * shared or signing repositories) `hash-object`, `mktree` and `commit-tree` write them.
 * Commits are dated `now()` (the wall clock, as git dates them).
 */
export function createRecordWriter(git: Git, options: { keep?: number; now?: () => number } = {}): RecordWriter {
  const keep = options.keep ?? 64;
  const now = options.now ?? Date.now;
  const trees = new Map<string, TreeEntry[]>();
  let store: Promise<LooseObjects | undefined> | undefined;
  const objects = (): Promise<LooseObjects | undefined> =>
    (store ??= openLooseObjects(git).catch((error: unknown) => {
      store = undefined; // asked again by the next record
      throw error;
    }));
  const remember = (commit: string, entries: TreeEntry[]): void => {
    trees.delete(commit);
    trees.set(commit, entries);
    for (const oldest of trees.keys()) if (trees.size > keep) trees.delete(oldest);
  };
  const build: RecordWriter["build"] = async (files, message, identity, parent) => {
    const loose = await objects();
    const carried = parent ? (trees.get(parent) ?? (await listTree(git, parent))).filter((entry) => !Object.hasOwn(files, entry.name)) : [];
    const written = await Promise.all(Object.entries(files).map(async ([name, content]): Promise<TreeEntry> => {
      const id = loose ? await loose.write("blob", Buffer.from(content)) : (await git.run(["hash-object", "-w", "--stdin"], { input: content })).trim();
      return { mode: "100644", type: "blob", id, name };
    }));
    const entries = [...carried, ...written];
    const tree = loose ? await loose.write("tree", encodeTree(entries)) : (await git.run(["mktree", "-z"], { input: entries.map((e) => `${e.mode} ${e.type} ${e.id}\t${e.name}\0`).join("") })).trim();
    const parents = parent ? [parent] : [];
    const body = loose ? encodeCommit({ tree, parents, identity, message, atMs: now() }) : undefined;
    const commit = loose && body ? await loose.write("commit", body) : await commitTree(git, tree, parents, message, identity);
    remember(commit, entries);
    return commit;
  };
  return {
    build,
    async write(ref, files, message, identity, parent, replaces = parent) {
      const commit = await build(files, message, identity, parent);
      await updateRef(git, ref, commit, replaces);
      return commit;
    },
  };
}

/** A one-off record write (see RecordWriter.write); a repository's writes go through its writer (`recordWriter` in src/run/records.ts). */
export async function writeRecord(git: Git, ref: string, files: Record<string, string>, message: string, identity: Identity, parent: string | undefined, replaces: string | undefined = parent): Promise<string> {
  return createRecordWriter(git).write(ref, files, message, identity, parent, replaces);
}

async function listTree(git: Git, commit: string): Promise<TreeEntry[]> {
  const text = await git.run(["ls-tree", "-z", assertNotOption(commit, "commit")]);
  return text.split("\0").filter(Boolean).map((line) => {
    const tab = line.indexOf("\t");
    const [mode = "", type = "", id = ""] = line.slice(0, tab).split(" ");
    return { mode, type, id, name: line.slice(tab + 1) };
  });
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

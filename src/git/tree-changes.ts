import { readBlobs } from "./blobs.ts";
import { assertNotOption, type Git } from "./runner.ts";

export interface TreeChange {
  /** git's status letter: A, M, D or T (renames are not detected). */
  status: string;
  path: string;
  /** The new mode: 100644, 100755, 120000 (symlink), 160000 (gitlink); 000000 when deleted. */
  mode: string;
  /** For a symlink (new mode 120000): where it points, as committed. */
  linkTarget?: string;
}

const SYMLINK = "120000";

/**
 * Every path that differs between two commits, without rename detection so that a
 * "rename" out of a protected folder is seen as the deletion it also is. Symlinks come
 * with their targets, read from their blobs in one more git process.
 */
export async function treeChanges(git: Git, from: string, to: string): Promise<TreeChange[]> {
  const text = await git.run(["diff-tree", "-r", "-z", "--raw", "--no-renames", "--no-abbrev", assertNotOption(from, "from"), assertNotOption(to, "to"), "--"]);
  const changes: (TreeChange & { blob: string })[] = [];
  const fields = text.split("\0");
  for (let i = 0; i + 1 < fields.length; i += 2) {
    // ":<old mode> <new mode> <old sha> <new sha> <status>", then the path as its own field.
    const [, mode = "", , blob = "", status = ""] = (fields[i] ?? "").replace(/^:/, "").split(" ");
    changes.push({ status, path: fields[i + 1] ?? "", mode, blob });
  }
  const links = changes.filter((change) => change.mode === SYMLINK);
  const targets = await readBlobs(git, links.map((link) => link.blob));
  links.forEach((link, index) => (link.linkTarget = targets[index] ?? ""));
  return changes.map(({ blob: _blob, ...change }) => change);
}

import { parsePatch, type AddedFile } from "./added-lines.ts";
import { readBlobs } from "./blobs.ts";
import { GitError } from "./git-error.ts";
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

/** What a result changes: every path (the write scope judges them) and the lines it adds (the secret scan reads them). */
export interface ResultDiff {
  changes: TreeChange[];
  added: AddedFile[];
}

export interface DiffOptions {
  /**
   * The index file git reads: `diff-tree` reads the repository's index (only for
   * attributes, which the flags below make moot), 50 000 entries costing more than the
   * diff itself; a path that does not exist stands for an empty index.
   */
  indexFile?: string;
}

const SYMLINK = "120000";

/**
 * Both parts of a result's diff from one `diff-tree`: the raw listing first (`-z`: paths as
 * they are), then, after a NUL, the patch. No rename detection, so that a "rename" out of
 * a protected folder is seen as the deletion it also is. The patch is `--unified=0` text
 * that no user setting shapes (prefixes, colour, external diff), `--text` so that no
 * attribute (`-diff`, `binary`) hides a file: binary files are recognised by the parser.
 * Symlinks come with their targets, read from their blobs in one more git process.
 */
export async function diffResult(git: Git, from: string, to: string, options: DiffOptions = {}): Promise<ResultDiff> {
  // Quoted names in the patch stay ASCII (octal escapes), whatever core.quotePath says.
  const args = ["-c", "core.quotePath=true", "diff-tree", "-r", "-z", "--raw", "-p", "--unified=0", "--no-renames", "--no-abbrev", "--no-color", "--no-ext-diff", "--no-textconv", "--text", "--src-prefix=a/", "--dst-prefix=b/", assertNotOption(from, "from"), assertNotOption(to, "to"), "--"];
  const result = await git.probe(args, options.indexFile ? { env: { GIT_INDEX_FILE: options.indexFile } } : {});
  if (result.exitCode !== 0) throw new GitError(args, result.exitCode, result.spawnError ?? result.stderr);
  const { changes, patchAt } = readRaw(result.stdout);
  // A listing cut short would leave paths unjudged: refuse rather than guess.
  if (patchAt === undefined) throw new GitError(args, 0, result.truncated ? "the list of changed paths is too long to read" : "the list of changed paths could not be read");
  const added = parsePatch(result.stdout.slice(patchAt));
  // The runner cut the output: the last file is only partly read.
  const last = added.at(-1);
  if (result.truncated && last) last.truncated = true;
  const links = changes.filter((change) => change.mode === SYMLINK);
  const targets = await readBlobs(git, links.map((link) => link.blob));
  links.forEach((link, index) => (link.linkTarget = targets[index] ?? ""));
  return { changes: changes.map(({ blob: _blob, ...change }) => change), added };
}

/** The raw records (":<old mode> <new mode> <old sha> <new sha> <status>", NUL, path, NUL) and where the patch begins. */
function readRaw(text: string): { changes: (TreeChange & { blob: string })[]; patchAt?: number } {
  const changes: (TreeChange & { blob: string })[] = [];
  let at = 0;
  while (text.startsWith(":", at)) {
    const metaEnd = text.indexOf("\0", at);
    const pathEnd = metaEnd < 0 ? -1 : text.indexOf("\0", metaEnd + 1);
    if (pathEnd < 0) return { changes };
    const [, mode = "", , blob = "", status = ""] = text.slice(at + 1, metaEnd).split(" ");
    changes.push({ status, path: text.slice(metaEnd + 1, pathEnd), mode, blob });
    at = pathEnd + 1;
  }
  // A NUL separates the listing from the patch; no change at all prints neither.
  if (text.startsWith("\0", at)) return { changes, patchAt: at + 1 };
  return at === text.length ? { changes, patchAt: at } : { changes };
}

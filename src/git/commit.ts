import { assertNotOption, type Git } from "./runner.ts";

export interface Identity {
  name: string;
  email: string;
}

export function identityEnv(author: Identity, committer: Identity = author): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  };
}

/** What a task needs to know of its repository and base before it runs, read in one process. */
export interface TaskBase {
  /** The common git dir: read-only in the sandbox. */
  commonDir: string;
  /** The base's tree: a result with the same tree changes nothing. */
  tree: string;
}

/** `rev-parse` of the common dir and `<base>^{tree}`: one process where the sandbox and the commit each ran one. */
export async function readTaskBase(git: Git, base: string): Promise<TaskBase> {
  const text = await git.run(["rev-parse", "--path-format=absolute", "--git-common-dir", `${assertNotOption(base, "base")}^{tree}`]);
  const [commonDir = "", tree = ""] = text.trim().split("\n");
  return { commonDir, tree };
}

/**
 * Commits everything the agent left in the worktree on top of `parent`, with plumbing
 * only: no hook runs, and neither the user's HEAD nor the worktree's moves. Returns
 * undefined when the tree is unchanged (the parent's tree is read unless given).
 */
export async function commitWorktree(worktree: Git, parent: string, message: string, identity: Identity, parentTree?: string): Promise<string | undefined> {
  // The parent's tree is read while the index is written: it reads no index, and no
  // process that writes one is left running if it fails (its error is seen below).
  const readParentTree = parentTree === undefined ? worktree.run(["rev-parse", `${assertNotOption(parent, "parent")}^{tree}`]) : Promise.resolve(parentTree);
  readParentTree.catch(() => undefined);
  await worktree.run(["add", "--all", "--", "."]);
  const tree = (await worktree.run(["write-tree"])).trim();
  if (tree === (await readParentTree).trim()) return undefined;
  return commitTree(worktree, tree, [parent], message, identity);
}

export async function commitTree(git: Git, tree: string, parents: readonly string[], message: string, identity: Identity): Promise<string> {
  const args = ["commit-tree", assertNotOption(tree, "tree")];
  for (const parent of parents) args.push("-p", assertNotOption(parent, "parent"));
  return (await git.run(args, { input: message, env: identityEnv(identity) })).trim();
}

export interface ChangedFile {
  status: string;
  path: string;
}

/** Formats a commit message: subject, body, then trailers in git's trailer block. */
export function formatCommitMessage(subject: string, body: string, trailers: readonly [string, string][]): string {
  const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();
  const parts = [oneLine(subject).slice(0, 100)];
  const cleanBody = body.trim();
  if (cleanBody) parts.push(cleanBody);
  // A body that ends in "Key: value" lines would merge with our trailers; a blank line keeps them apart.
  const block = trailers.filter(([, value]) => oneLine(value) !== "").map(([key, value]) => `${key}: ${oneLine(value)}`);
  if (block.length > 0) parts.push(block.join("\n"));
  return parts.join("\n\n") + "\n";
}

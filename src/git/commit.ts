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

/**
 * Commits everything the agent left in the worktree on top of `parent`, with plumbing
 * only: no hook runs, and neither the user's HEAD nor the worktree's moves. Returns
 * undefined when the tree is unchanged.
 */
export async function commitWorktree(worktree: Git, parent: string, message: string, identity: Identity): Promise<string | undefined> {
  await worktree.run(["add", "--all", "--", "."]);
  const tree = (await worktree.run(["write-tree"])).trim();
  const parentTree = (await worktree.run(["rev-parse", `${assertNotOption(parent, "parent")}^{tree}`])).trim();
  if (tree === parentTree) return undefined;
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

export async function changedFiles(git: Git, from: string, to: string): Promise<ChangedFile[]> {
  const text = await git.run(["diff", "--name-status", "-z", "--no-renames", assertNotOption(from, "from"), assertNotOption(to, "to"), "--"]);
  const fields = text.split("\0").filter(Boolean);
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) files.push({ status: fields[i] ?? "", path: fields[i + 1] ?? "" });
  return files;
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

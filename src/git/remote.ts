import { GitError } from "./git-error.ts";
import { assertNotOption, type Git } from "./runner.ts";

/** Where the bot keeps its own view of the remote's branches: the user's refs stay as they are. */
export function remoteHeadsNamespace(remote: string): string {
  return `refs/codex-remote/${remote}/heads/`;
}

/**
 * Fetches the remote's branches into the bot's private namespace and `refs/codex/*` as
 * they are on the remote. Writes no FETCH_HEAD and leaves refs/remotes alone.
 */
export async function fetchRemote(git: Git, remote: string): Promise<void> {
  await git.run([
    "fetch", "--quiet", "--no-tags", "--prune", "--no-write-fetch-head", "--no-recurse-submodules",
    assertNotOption(remote, "remote"),
    `+refs/heads/*:${remoteHeadsNamespace(remote)}*`,
    "+refs/codex/*:refs/codex/*",
  ]);
}

/** The remote's default branch, asked of the remote itself (the daemon remembers it: record-new-tasks.ts). */
export async function remoteDefaultBranch(git: Git, remote: string): Promise<string> {
  const text = await git.run(["ls-remote", "--symref", assertNotOption(remote, "remote"), "HEAD"]);
  const match = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(text);
  if (!match?.[1]) throw new GitError(["ls-remote", "--symref", remote, "HEAD"], 0, "the remote has no default branch (HEAD)");
  return match[1];
}

/**
 * The bot's view of the remote after a fetch, in one git call: the remote's branches (in
 * its private namespace) and `refs/codex/*` (task records, baselines), ref → commit.
 */
export async function readRemoteView(git: Git, remote: string): Promise<Map<string, string>> {
  const text = await git.run(["for-each-ref", "--format=%(objectname) %(refname)", "refs/codex/", remoteHeadsNamespace(assertNotOption(remote, "remote"))]);
  const refs = new Map<string, string>();
  for (const line of text.split("\n")) {
    const space = line.indexOf(" ");
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}

export async function remoteUrl(git: Git, remote: string): Promise<string | undefined> {
  const result = await git.probe(["remote", "get-url", assertNotOption(remote, "remote")]);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

export interface RepoPaths {
  topLevel: string;
  gitDir: string;
  commonDir: string;
}

export async function repoPaths(git: Git): Promise<RepoPaths> {
  const text = await git.run(["rev-parse", "--path-format=absolute", "--show-toplevel", "--git-dir", "--git-common-dir"]);
  const [topLevel = "", gitDir = "", commonDir = ""] = text.trim().split("\n");
  return { topLevel, gitDir, commonDir };
}

/** `git config --get`, or undefined when unset. */
export async function configValue(git: Git, key: string): Promise<string | undefined> {
  const result = await git.probe(["config", "--get", assertNotOption(key, "config key")]);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** Fetches only the task records and baselines, as they are on the remote. */
export async function fetchRecords(git: Git, remote: string): Promise<void> {
  await git.run(["fetch", "--quiet", "--no-tags", "--prune", "--no-write-fetch-head", assertNotOption(remote, "remote"), "+refs/codex/*:refs/codex/*"]);
}

/** The sha of one ref on the remote, or undefined when it does not exist there. */
export async function remoteRefSha(git: Git, remote: string, ref: string, timeoutMs = 20_000): Promise<string | undefined> {
  const text = await git.run(["ls-remote", assertNotOption(remote, "remote"), assertNotOption(ref, "ref")], { timeoutMs });
  const line = text.split("\n").find((l) => l.endsWith(`\t${ref}`));
  return line?.split("\t")[0];
}

/** Fetches one ref into the same name locally, as the remote has it. */
export async function fetchRef(git: Git, remote: string, ref: string): Promise<void> {
  await git.run(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", assertNotOption(remote, "remote"), `+${assertNotOption(ref, "ref")}:${ref}`]);
}

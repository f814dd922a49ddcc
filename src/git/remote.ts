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
 * its private namespace) and `refs/codex/*` (task records, baselines), ref → commit; and
 * the refs under `also` (local prefixes a caller wants read in the same call).
 */
export async function readRemoteView(git: Git, remote: string, also: readonly string[] = []): Promise<Map<string, string>> {
  const prefixes = ["refs/codex/", remoteHeadsNamespace(assertNotOption(remote, "remote")), ...also.map((prefix) => assertNotOption(prefix, "prefix"))];
  const text = await git.run(["for-each-ref", "--format=%(objectname) %(refname)", ...prefixes]);
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

const PATHS_ARGS = ["rev-parse", "--path-format=absolute", "--show-toplevel", "--git-dir", "--git-common-dir"];

export async function repoPaths(git: Git): Promise<RepoPaths> {
  return parsePaths(await git.run(PATHS_ARGS));
}

/** The paths of the work tree around `git.cwd`; undefined outside one (no repository, a bare one, a git dir). */
export async function findRepoPaths(git: Git): Promise<RepoPaths | undefined> {
  const result = await git.probe(PATHS_ARGS);
  return result.exitCode === 0 ? parsePaths(result.stdout) : undefined;
}

function parsePaths(text: string): RepoPaths {
  const [topLevel = "", gitDir = "", commonDir = ""] = text.trim().split("\n");
  return { topLevel, gitDir, commonDir };
}

/** One `git config` entry: the key as git prints it (section and name lower-cased), the value (undefined: no "="). */
export interface ConfigEntry {
  key: string;
  value: string | undefined;
}

/** Every config entry whose key matches `pattern`, in git's order, in one process; a config git cannot read is a GitError. */
export async function configEntries(git: Git, pattern: string): Promise<ConfigEntry[]> {
  const args = ["config", "-z", "--get-regexp", assertNotOption(pattern, "config pattern")];
  const result = await git.probe(args);
  // Exit 1: nothing matches.
  if (result.exitCode !== 0 && result.exitCode !== 1) throw new GitError(args, result.exitCode, result.spawnError ?? result.stderr);
  return result.stdout.split("\0").filter((entry) => entry !== "").map((entry) => {
    const newline = entry.indexOf("\n");
    return newline < 0 ? { key: entry, value: undefined } : { key: entry.slice(0, newline), value: entry.slice(newline + 1) };
  });
}

/** `remote.<name>.<key>` as [name, key], or undefined; git ignores a name starting with "/". */
function remoteKey(key: string): [string, string] | undefined {
  const last = key.lastIndexOf(".");
  if (!key.startsWith("remote.") || last <= "remote.".length || key[7] === "/") return undefined;
  return [key.slice("remote.".length, last), key.slice(last + 1)];
}

/** The remotes `git remote` lists: every name with a `remote.<name>.*` entry. */
export function configuredRemotes(entries: readonly ConfigEntry[]): Set<string> {
  return new Set(entries.flatMap(({ key }) => remoteKey(key)?.slice(0, 1) ?? []));
}

/**
 * A configured remote's URL as `git remote get-url` prints it: its first `url` (else its
 * name, which git then reads as a path), rewritten by the longest `url.<base>.insteadOf`
 * that prefixes it.
 */
export function remoteUrlFromConfig(entries: readonly ConfigEntry[], remote: string): string {
  const url = entries.find(({ key }) => remoteKey(key)?.[0] === remote && remoteKey(key)?.[1] === "url")?.value ?? remote;
  let rewrite: { base: string; prefix: string } | undefined;
  for (const { key, value } of entries) {
    if (!key.startsWith("url.") || !key.endsWith(".insteadof") || value === undefined || !url.startsWith(value)) continue;
    if (!rewrite || value.length > rewrite.prefix.length) rewrite = { base: key.slice("url.".length, -".insteadof".length), prefix: value };
  }
  return rewrite ? rewrite.base + url.slice(rewrite.prefix.length) : url;
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

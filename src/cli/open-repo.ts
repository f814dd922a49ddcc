import { createGit, type Git } from "../git/runner.ts";
import { GitError } from "../git/git-error.ts";
import type { Deps, RepoContext } from "../run/context.ts";
import { ConfigError } from "../run/errors.ts";
import { repoSettings } from "./repo-settings.ts";
import { configEntries, configuredRemotes, findRepoPaths, remoteUrlFromConfig } from "../git/remote.ts";
import { resolveForge } from "../forge/config.ts";
import { createForgeClient } from "../forge/client.ts";
import { createMutex } from "../util/mutex.ts";

/** What start-up reads of the configuration, in one listing: codex.*, the remotes, URL rewrites. */
const STARTUP_CONFIG = "^(codex|remote|url)\\.";

/** The repository around `cwd`, with its settings; a clear error outside a repository. */
export async function openRepo(cwd: string, deps: Deps, overrides: { since?: string } = {}): Promise<RepoContext> {
  const probe = createGit({ cwd, env: deps.env, redact: deps.redact });
  // Two git processes at once: where the repository is, and every setting start-up needs.
  const listing = configEntries(probe, STARTUP_CONFIG);
  listing.catch(() => undefined); // awaited below, once this is known to be a repository
  const paths = await findRepoPaths(probe);
  if (!paths) throw new ConfigError(`not inside a git repository: ${cwd}`, "run git-codex in a clone of the repository it should serve");
  const entries = await listing;
  // No abort signal for git itself: a shutdown stops the agent, and git still records that.
  const git: Git = createGit({ cwd: paths.topLevel, env: deps.env, redact: deps.redact });
  const settings = repoSettings(paths, entries, deps.env, overrides);
  if (!configuredRemotes(entries).has(settings.remote)) {
    throw new ConfigError(`this repository has no remote "${settings.remote}"`, `add one (git remote add ${settings.remote} URL) or choose another with git config codex.remote NAME`);
  }
  const log = deps.logger.child({ repo: paths.topLevel });
  // As `git config --get` reads it: the last value, a key without "=" being empty.
  const apiUrl = entries.findLast(({ key }) => key === "codex.githubapiurl");
  const forge = resolveForge(deps.env, remoteUrlFromConfig(entries, settings.remote).trim(), { ...optional("apiUrl", apiUrl && (apiUrl.value ?? "").trim()) });
  if (!forge.ok) {
    if (forge.misconfigured) log.warn(forge.reason);
    return { git, settings, log, forgeNote: forge.reason, exclusive: createMutex() };
  }
  const client = createForgeClient({ token: forge.token, apiUrl: forge.apiUrl, log });
  return { git, settings, log, forge: { client, owner: forge.owner, repo: forge.repo }, exclusive: createMutex() };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** Turns a git failure talking to the remote into an error a person can act on. */
export function remoteError(error: unknown, remote: string): unknown {
  if (!(error instanceof GitError)) return error;
  const unreachable = /could not read from remote|does not appear to be a git repository|unable to access|could not resolve host|connection refused|repository .* not found/i;
  if (!unreachable.test(error.stderr)) return error;
  return new ConfigError(`cannot reach the remote "${remote}": ${error.stderr.trim().split("\n").at(-1) ?? ""}`, "check the URL (git remote -v), your network and credentials, then run again; nothing was changed", { cause: error });
}

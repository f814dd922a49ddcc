import { createGit, type Git } from "../git/runner.ts";
import { GitError } from "../git/git-error.ts";
import type { Deps, RepoContext } from "../run/context.ts";
import { ConfigError } from "../run/errors.ts";
import { loadRepoSettings } from "./repo-settings.ts";
import { configValue, remoteUrl } from "../git/remote.ts";
import { resolveForge } from "../forge/config.ts";
import { createForgeClient } from "../forge/client.ts";
import { createMutex } from "../util/mutex.ts";

/** The repository around `cwd`, with its settings; a clear error outside a repository. */
export async function openRepo(cwd: string, deps: Deps, overrides: { since?: string } = {}): Promise<RepoContext> {
  const probe = createGit({ cwd, env: deps.env, redact: deps.redact });
  const top = await probe.probe(["rev-parse", "--show-toplevel"]);
  if (top.exitCode !== 0) throw new ConfigError(`not inside a git repository: ${cwd}`, "run git-codex in a clone of the repository it should serve");
  // No abort signal for git itself: a shutdown stops the agent, and git still records that.
  const git: Git = createGit({ cwd: top.stdout.trim(), env: deps.env, redact: deps.redact });
  // Independent reads, side by side: each is a git process.
  const [settings, remoteList, apiUrl] = await Promise.all([loadRepoSettings(git, deps.env, overrides), git.run(["remote"]), configValue(git, "codex.githubApiUrl")]);
  const remotes = remoteList.split("\n").filter(Boolean);
  if (!remotes.includes(settings.remote)) {
    throw new ConfigError(`this repository has no remote "${settings.remote}"`, `add one (git remote add ${settings.remote} URL) or choose another with git config codex.remote NAME`);
  }
  const log = deps.logger.child({ repo: top.stdout.trim() });
  const forge = resolveForge(deps.env, await remoteUrl(git, settings.remote), { ...optional("apiUrl", apiUrl) });
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

import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { runDaemon } from "../../daemon/daemon.ts";
import { ConfigError } from "../../run/errors.ts";
import { cappedLogFile } from "../../util/log-file.ts";
import { buildDeps } from "../deps.ts";
import { openRepo } from "../open-repo.ts";
import { parseDuration, xdgDir } from "../repo-settings.ts";

export interface WatchOptions {
  paths: string[];
  poll: string;
  concurrency: string;
  perRepo: string;
  grace: string;
  /** `--daily-usd`; GIT_CODEX_DAILY_USD when absent. */
  dailyUsd?: string;
  cwd: string;
  env: Record<string, string | undefined>;
  err: NodeJS.WriteStream;
  shutdown: AbortSignal;
}

/** `git codex watch [PATH...]`: the daemon, until SIGTERM or SIGINT. */
export async function watchCommand(options: WatchOptions): Promise<number> {
  const pollMs = durationMs(options.poll, "--poll");
  const graceMs = durationMs(options.grace, "--grace");
  const concurrency = positive(options.concurrency, "--concurrency");
  const perRepo = positive(options.perRepo, "--per-repo");
  const stateDir = xdgDir(options.env, "state");
  const paths = options.paths.length > 0 ? options.paths.map((p) => resolve(options.cwd, p)) : await configuredRepos(options.env);
  const deps = buildDeps({ env: options.env, logStream: options.err, logFile: cappedLogFile(join(stateDir, "logs", "daemon.log")), ...(options.dailyUsd === undefined ? {} : { dailyUsd: options.dailyUsd }) });
  await deps.sandbox(); // without a sandbox (and no opt-out) the daemon does not start
  await runDaemon(deps, { repos: paths.map((path) => () => openRepo(path, deps)), pollMs, concurrency, perRepo, graceMs, stateDir }, options.shutdown);
  return 0;
}

async function configuredRepos(env: Record<string, string | undefined>): Promise<string[]> {
  const file = join(xdgDir(env, "config"), "repos");
  const text = await readFile(file, "utf8").catch(() => "");
  const repos = text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  if (repos.length === 0) throw new ConfigError("no repositories to watch", `name them (git codex watch ~/src/app ~/src/lib) or list one absolute path per line in ${file}`);
  return repos;
}

function durationMs(text: string, flag: string): number {
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds <= 0) throw new ConfigError(`${flag} "${text}" is not a positive duration`, "use a number with s, m or h, e.g. 30s");
  return seconds * 1000;
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${flag} "${text}" is not a positive whole number`, `e.g. ${flag} 2`);
  return n;
}

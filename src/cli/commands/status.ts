import type { Deps, RepoContext } from "../../run/context.ts";
import { loadStatuses } from "../../run/statuses.ts";
import type { TaskStatus } from "../../run/task-status.ts";
import { fetchRecords } from "../../git/remote.ts";
import { openRepo } from "../open-repo.ts";
export { findTask } from "../../run/find-task.ts";
import { statusTable, toRow } from "../render.ts";
import { daemonStatusPath, readDaemonStatus, type DaemonStatus } from "../../daemon/status-file.ts";

export interface ReadOptions {
  cwd: string;
  fetch: boolean;
  out: NodeJS.WritableStream;
}

/** Task records as the remote has them (fetched first), newest last. */
export async function readStatuses(repo: RepoContext, fetch: boolean): Promise<TaskStatus[]> {
  if (fetch) {
    try {
      await fetchRecords(repo.git, repo.settings.remote);
    } catch (error) {
      repo.log.warn({ err: error instanceof Error ? error.message : String(error) }, "could not fetch task records; showing the local copy");
    }
  }
  const statuses = [...(await loadStatuses(repo)).values()].map(({ status }) => status);
  return statuses.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || (a.seq ?? 0) - (b.seq ?? 0));
}

export async function statusCommand(deps: Deps, options: ReadOptions & { json: boolean }): Promise<number> {
  const repo = await openRepo(options.cwd, deps);
  const statuses = await readStatuses(repo, options.fetch);
  if (options.json) {
    options.out.write(JSON.stringify(statuses.map(toRow), null, 2) + "\n");
    return 0;
  }
  const daemon = await readDaemonStatus(daemonStatusPath(repo.settings.stateDir), deps.host);
  options.out.write(daemonSection(daemon) + statusTable(statuses));
  return 0;
}

function spendLine(spend: NonNullable<DaemonStatus["spend"]>): string {
  const line = `  daily cap: $${spend.spentUsd.toFixed(4)} of $${spend.capUsd.toFixed(2)} spent on ${spend.day} (UTC)`;
  return spend.blockedUntil ? `${line} — cap reached: queued tasks wait until ${spend.blockedUntil.slice(0, 16).replace("T", " ")} UTC` : line;
}

function daemonSection(daemon: DaemonStatus | undefined): string {
  if (!daemon) return "Daemon: not running on this host (git codex watch starts it).\n\n";
  const lines = [`Daemon: pid ${daemon.pid}, since ${daemon.startedAt.slice(0, 16).replace("T", " ")} UTC, ${daemon.queue.running.length} running, ${daemon.queue.pending} queued (at most ${daemon.concurrency} at once)`];
  for (const repo of daemon.repos) lines.push(`  ${repo.path} (${repo.remote})${repo.remoteDown ? " — remote unreachable, backing off" : ""}${repo.lastError ? ` — ${repo.lastError.split("\n")[0]}` : ""}`);
  for (const task of daemon.queue.running) lines.push(`  running ${task.task} since ${task.startedAt.slice(11, 19)} in ${task.repo}`);
  if (daemon.spend) lines.push(spendLine(daemon.spend));
  return lines.join("\n") + "\n\n";
}


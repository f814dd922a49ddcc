import { readFile, rename, writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { isProcessAlive } from "../git/worktree.ts";
import type { RepoSnapshot } from "./repo-service.ts";
import type { RunningTask } from "./scheduler.ts";
import type { DailySpendSnapshot } from "../run/daily-spend.ts";

/** What `git codex status` shows of a running daemon, written by the daemon itself. */
export interface DaemonStatus {
  pid: number;
  host: string;
  startedAt: string;
  updatedAt: string;
  state: "running" | "stopping" | "stopped";
  concurrency: number;
  repos: RepoSnapshot[];
  queue: { pending: number; running: RunningTask[] };
  /** Today's spending under `--daily-usd`, when a cap is set. */
  spend?: DailySpendSnapshot;
}

export function daemonStatusPath(stateDir: string): string {
  return join(stateDir, "daemon.json");
}

export async function writeDaemonStatus(path: string, status: DaemonStatus): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Written aside and renamed, so a reader never sees half a file.
  await writeFile(`${path}.tmp`, JSON.stringify(status, null, 2) + "\n");
  await rename(`${path}.tmp`, path);
}

/** The daemon's status when one is running on this host, else undefined. */
export async function readDaemonStatus(path: string, host: string): Promise<DaemonStatus | undefined> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (!text) return undefined;
  try {
    const status = JSON.parse(text) as DaemonStatus;
    return status.host === host && status.state !== "stopped" && isProcessAlive(status.pid) ? status : undefined;
  } catch {
    return undefined;
  }
}

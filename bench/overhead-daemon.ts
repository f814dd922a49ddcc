/**
 * Per-task time inside a running daemon: no process starts per task, so this is
 * git-codex's own work (fetch, intake, records, claim, worktree, agent loop, commit, push).
 * Tasks are pushed from a separate bare clone, so only the push wakes the daemon.
 */
import { join } from "node:path";
import { createGit, type Git } from "../src/git/runner.ts";
import type { BenchRepo } from "./fixture.ts";
import { nowMs, sleep, startWatch, type LogLine } from "./daemon-process.ts";

export interface DaemonTaskSample {
  /** "checking for work" (the push noticed) → "task finished": what the daemon does per task. */
  noticedToFinishedMs: number;
  /** "task started" (claimed) → "task finished": worktree, agent, commit, push, records. */
  startedToFinishedMs: number;
  /** `git push` exit → "task finished", pickup included. */
  pushToFinishedMs: number;
  /** Where the time before "task started" goes: noticed → "recorded new tasks" (fetch, intake, the records' push), then → started (the claim). */
  noticedToRecordedMs: number;
  recordedToStartedMs: number;
}

// The daemon's own result pushes wake it for one more cycle; the next task waits that out.
const SETTLE_MS = 2000;

/** A bare clone of the remote that commits trailer tasks with plumbing and pushes them to main. */
export async function taskAuthor(repo: BenchRepo, name: string): Promise<{ push(message: string): Promise<number> }> {
  const dir = join(repo.root, name);
  await repo.git.run(["clone", "-q", "--bare", repo.remote, dir]);
  const git: Git = createGit({ cwd: dir, env: { ...repo.env, GIT_AUTHOR_NAME: "Bench", GIT_AUTHOR_EMAIL: "bench@example.com", GIT_COMMITTER_NAME: "Bench", GIT_COMMITTER_EMAIL: "bench@example.com" } });
  return {
    /** Commits `message` on main and pushes it; resolves with the push's exit time. */
    async push(message) {
      await git.run(["fetch", "-q", "origin", "+refs/heads/main:refs/heads/main"]);
      const sha = (await git.run(["commit-tree", "-p", "main", "-F", "-", "main^{tree}"], { input: message })).trim();
      await git.run(["update-ref", "refs/heads/main", sha]);
      await git.run(["push", "-q", "origin", "main"]);
      return nowMs();
    },
  };
}

/** One warm-up, then `runs` trailer tasks through one daemon watching `repo.clone`. */
export async function daemonRounds(repo: BenchRepo, runs: number, options: { cli: string; modelUrl: string }): Promise<DaemonTaskSample[]> {
  const author = await taskAuthor(repo, "author.git");
  const env = { ...repo.env, OPENAI_BASE_URL: options.modelUrl, GIT_CODEX_LOG_LEVEL: "debug" };
  const daemon = startWatch([repo.clone, "--poll", "1h"], { cwd: repo.root, env, cli: options.cli });
  const samples: DaemonTaskSample[] = [];
  try {
    await daemon.waitFor((l) => l.msg === "watching", { timeoutMs: 120_000 });
    for (let n = 0; n <= runs; n++) {
      await sleep(SETTLE_MS);
      const from = daemon.lines.length;
      const pushed = await author.push(`Bench daemon ${n}\n\nCodex: bench daemon task ${n}\n`);
      const mine = (line: LogLine): boolean => String(line.task ?? "").startsWith(`bench-daemon-task-${n}-`);
      const started = await daemon.waitFor((l) => l.msg === "task started" && mine(l), { from, timeoutMs: 300_000 });
      const finished = await daemon.waitFor((l) => l.msg === "task finished" && mine(l), { from, timeoutMs: 300_000 });
      if (finished.state !== "done") throw new Error(`daemon task ${n} ended ${String(finished.state)}: ${String(finished.reason)}`);
      const after = daemon.lines.slice(from);
      const noticed = after.find((l) => l.msg === "checking for work" && l.reason !== "timer");
      const recorded = after.find((l) => l.msg === "recorded new tasks" && JSON.stringify(l.queued).includes(`"bench-daemon-task-${n}-`));
      if (n === 0) continue;
      samples.push({
        noticedToFinishedMs: timeOf(finished) - timeOf(noticed),
        startedToFinishedMs: timeOf(finished) - timeOf(started),
        pushToFinishedMs: timeOf(finished) - pushed,
        noticedToRecordedMs: timeOf(recorded) - timeOf(noticed),
        recordedToStartedMs: timeOf(started) - timeOf(recorded),
      });
    }
    return samples;
  } finally {
    await daemon.stop();
  }
}

function timeOf(line: LogLine | undefined): number {
  return typeof line?.time === "number" ? line.time : NaN;
}

/**
 * Pickup latency: how long after `git push` exits the daemon logs "task started" for the
 * task the pushed commit asks for, with the plain git a pickup needs as the floor.
 */
import { join } from "node:path";
import { rm } from "node:fs/promises";
import { createBenchRepo } from "./fixture.ts";
import { must, nowMs, sleep, startInstantModel, startWatch, type DaemonProcess, type LogLine } from "./daemon-process.ts";

export interface PickupSample {
  /** The `git push` process itself, start to exit. */
  pushMs: number;
  /** Plain git in another clone: fetch the new commit, then two pushes of a new commit each. */
  floorMs: number;
  /** From the push's exit to each daemon log line (negative: logged before the push exited). */
  noticedMs: number;
  recordedMs: number;
  startedMs: number;
}

export interface PickupSetup {
  daemon: DaemonProcess;
  /** Where the bench commits and pushes from, and its environment. */
  author: string;
  env: Record<string, string | undefined>;
  /** A clone of the same remote for the floor. */
  floorClone: string;
  runs: number;
  /** Quiet time after the previous task finished, so the cycles its own pushes cause are over. */
  settleMs: number;
  /** Wait before each commit (the remote bench spreads pushes over the poll's phase). */
  beforeCommitMs: () => number;
}

// A person pauses between commit and push; the commit alone wakes the daemon (a fruitless cycle).
const COMMIT_TO_PUSH_MS = 1000;

const FLOOR = `set -e
git fetch -q origin
R=$(git commit-tree -p origin/main -m record "origin/main^{tree}")
git push -q origin "$R:refs/bench/record-$N"
C=$(git commit-tree -p "$R" -m claim "origin/main^{tree}")
git push -q origin "$C:refs/bench/claim-$N"`;

/** One warm-up, then `runs` measured pickups of a fresh `Codex:` trailer each. */
export async function measurePickups(setup: PickupSetup): Promise<PickupSample[]> {
  const { daemon, author, env } = setup;
  const samples: PickupSample[] = [];
  for (let i = 0; i <= setup.runs; i++) {
    await sleep(setup.settleMs);
    const f0 = nowMs();
    await must("bash", ["-c", FLOOR], { cwd: setup.floorClone, env: { ...env, N: String(i) } });
    const floorMs = nowMs() - f0;
    await sleep(setup.beforeCommitMs());
    await must("git", ["commit", "-q", "--allow-empty", "-m", `Bench pickup ${i}\n\nCodex: bench pickup ${i}`], { cwd: author, env });
    await sleep(COMMIT_TO_PUSH_MS);
    const from = daemon.lines.length;
    const t0 = nowMs();
    await must("git", ["push", "-q", "origin", "main"], { cwd: author, env });
    const t1 = nowMs();
    const mine = (line: LogLine): boolean => String(line.task ?? "").startsWith(`bench-pickup-${i}-`);
    const started = await daemon.waitFor((l) => l.msg === "task started" && mine(l), { from, timeoutMs: 60_000 });
    const after = daemon.lines.slice(from);
    const noticed = after.find((l) => l.msg === "checking for work" && l.reason !== "timer");
    const recorded = after.find((l) => l.msg === "recorded new tasks" && JSON.stringify(l.queued).includes(`"bench-pickup-${i}-`));
    await daemon.waitFor((l) => l.msg === "task finished" && mine(l), { from, timeoutMs: 60_000 });
    if (i === 0) continue;
    samples.push({ pushMs: t1 - t0, floorMs, noticedMs: timeOf(noticed) - t1, recordedMs: timeOf(recorded) - t1, startedMs: timeOf(started) - t1 });
  }
  return samples;
}

function timeOf(line: LogLine | undefined): number {
  return typeof line?.time === "number" ? line.time : NaN;
}

export function daemonEnv(env: Record<string, string | undefined>, modelUrl: string): Record<string, string | undefined> {
  // debug adds one line per trigger ("checking for work"), which splits the latency up.
  return { ...env, OPENAI_BASE_URL: modelUrl, GIT_CODEX_LOG_LEVEL: "debug" };
}

export async function cloneWithIdentity(url: string, dir: string, env: Record<string, string | undefined>): Promise<void> {
  await must("git", ["clone", "-q", url, dir], { cwd: "/", env });
  await must("git", ["config", "user.name", "Bench"], { cwd: dir, env });
  await must("git", ["config", "user.email", "bench@example.com"], { cwd: dir, env });
}

/** Local pickup: the daemon watches the clone the bench pushes from, remote on this disk, `--poll 1h`. */
export async function localPickup(runs: number, files: number, cli: string): Promise<PickupSample[]> {
  const repo = await createBenchRepo(files);
  const model = await startInstantModel();
  const floorClone = join(repo.root, "floor");
  let daemon: DaemonProcess | undefined;
  try {
    await cloneWithIdentity(repo.remote, floorClone, repo.env);
    daemon = startWatch([repo.clone, "--poll", "1h"], { cwd: repo.root, env: daemonEnv(repo.env, model.url), cli });
    await daemon.waitFor((l) => l.msg === "watching");
    return await measurePickups({ daemon, author: repo.clone, env: repo.env, floorClone, runs, settleMs: 1000, beforeCommitMs: () => 0 });
  } finally {
    await daemon?.stop();
    await model.close();
    await rm(repo.root, { recursive: true, force: true });
  }
}

/** Nearest-rank percentile (p in 0..100): with 10 samples p95 is the largest. */
export function percentile(xs: number[], p: number): number {
  const sorted = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/**
 * node bench/claims.ts [--workers 1,2,4,8,16] [--tasks 48] [--transports file,git] [--picks first,spread]
 *                      [--history 0] [--processes 1,2,4] [--process-tasks 8]
 *
 * How many claims one remote's ref updates carry (docs/scaling.md). Every run starts from a
 * fresh bare remote holding `--tasks` queued tasks, recorded by the real intake
 * (recordNewTasks), and `--history` finished task refs beside them.
 * - claims: K workers in this process, each with its own clone and RepoContext, take the
 *   tasks with the claim of `run --task` (run-task.ts `claim`: a running record pushed with
 *   --force-with-lease on the queued one). A worker fetches refs/codex/*, reads the records,
 *   picks a task and claims it; a lost compare-and-swap fetches and picks again. `first`:
 *   every worker goes for the first queued task (daemons, pool workers); `spread`: worker i
 *   takes tasks i, i+K, … (a CI matrix: distinct ids). Ref updates only, no agent.
 * - processes: K pool workers, each a loop of real `git codex run --list-queued` and
 *   `git codex run --task <first id>` processes (exit 3: lost, try the next id), against an
 *   instant scripted model: whole tasks, end to end, with the sandbox.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildDeps } from "../src/cli/deps.ts";
import { openRepo } from "../src/cli/open-repo.ts";
import { startScriptedServer } from "../src/demo/scripted-server.ts";
import { fetchRecords } from "../src/git/remote.ts";
import { createGit, type Git } from "../src/git/runner.ts";
import type { Deps, RepoContext } from "../src/run/context.ts";
import { newLease } from "../src/run/lease.ts";
import { recordNewTasks } from "../src/run/record-new-tasks.ts";
import { nowIso } from "../src/run/records.ts";
import { byQueueOrder } from "../src/run/run-once.ts";
import { claim } from "../src/run/run-task.ts";
import { loadStatuses } from "../src/run/statuses.ts";
import type { TaskStatus } from "../src/run/task-status.ts";
import { runProcess } from "../src/util/process.ts";
import { startGitDaemon, type GitDaemon } from "../test/helpers/git-daemon.ts";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const { values } = parseArgs({
  options: {
    workers: { type: "string", default: "1,2,4,8,16" },
    tasks: { type: "string", default: "48" },
    transports: { type: "string", default: "file,git" },
    picks: { type: "string", default: "first,spread" },
    history: { type: "string", default: "0" },
    processes: { type: "string", default: "1,2,4" },
    "process-tasks": { type: "string", default: "8" },
  },
});
const list = (text: string): number[] => text.split(",").filter(Boolean).map(Number);
type Transport = "file" | "git";
type Pick = "first" | "spread";

interface World { root: string; url: string; env: Record<string, string | undefined>; git: Git; daemon?: GitDaemon }

/** A bare remote with `tasks` queued tasks (the real intake) and `history` finished task refs. */
async function createWorld(transport: Transport, tasks: number, history: number): Promise<World> {
  const root = await mkdtemp(join(tmpdir(), "git-codex-claims-"));
  const env = { PATH: process.env.PATH, HOME: join(root, "home"), XDG_CACHE_HOME: join(root, "cache"), XDG_STATE_HOME: join(root, "state"), GIT_CONFIG_NOSYSTEM: "1", GIT_CODEX_LOG_LEVEL: "warn", GIT_CODEX_LOG_FORMAT: "json" };
  await mkdir(env.HOME, { recursive: true });
  const git = createGit({ cwd: root, env });
  await git.run(["init", "-q", "--bare", "--initial-branch=main", join(root, "remote.git")]);
  const daemon = transport === "git" ? await startGitDaemon(root, { env, probe: "remote.git" }) : undefined;
  const url = daemon ? daemon.url("remote.git") : join(root, "remote.git");
  const seed = await cloneAs(git, url, join(root, "seed"));
  const file = `version: 1\ntasks:\n${Array.from({ length: tasks }, (_, i) => `  t${String(i).padStart(4, "0")}:\n    prompt: Bench task ${i}\n`).join("")}`;
  await writeFile(join(root, "seed", ".codex-tasks.yml"), file);
  await seed.run(["add", "-A"]);
  await seed.run(["commit", "-q", "-m", "Bench tasks"]);
  await seed.run(["push", "-q", "origin", "HEAD:refs/heads/main"]);
  if (history > 0) await addHistory(git.at(join(root, "remote.git")), history);
  const deps = buildDeps({ env, logLevel: "warn" });
  await recordNewTasks(await openRepo(join(root, "seed"), deps), deps);
  return { root, url, env, git, ...(daemon ? { daemon } : {}) };
}

async function cloneAs(git: Git, url: string, dir: string): Promise<Git> {
  await git.run(["clone", "-q", url, dir]);
  const clone = git.at(dir);
  await clone.run(["config", "user.name", "Bench"]);
  await clone.run(["config", "user.email", "bench@example.com"]);
  return clone;
}

/** `count` finished task refs on the remote (one shared record commit), as a long-served repository has. */
async function addHistory(remote: Git, count: number): Promise<void> {
  const blob = (await remote.run(["hash-object", "-w", "--stdin"], { input: JSON.stringify({ version: 1, id: "old", state: "done", baseRef: "main", base: "", attempts: 1, queuedAt: "2020-01-01T00:00:00Z", updatedAt: "2020-01-01T00:00:00Z" }) })).trim();
  const tree = (await remote.run(["mktree"], { input: `100644 blob ${blob}\tstatus.json\n` })).trim();
  const commit = (await remote.run(["commit-tree", tree, "-m", "old"], { env: { GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@b", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@b" } })).trim();
  await remote.run(["update-ref", "--stdin"], { input: Array.from({ length: count }, (_, i) => `create refs/codex/tasks/old-${i} ${commit}\n`).join("") });
}

async function dispose(world: World): Promise<void> {
  await world.daemon?.stop();
  await rm(world.root, { recursive: true, force: true });
}

interface Stats { won: number; lost: number; pushMs: number[]; claimMs: number[]; seconds: number }

/** K in-process workers claim every queued task; nothing runs. */
async function claimRun(world: World, k: number, pick: Pick): Promise<Stats> {
  const deps = buildDeps({ env: world.env, logLevel: "warn" });
  const repos = await Promise.all(Array.from({ length: k }, async (_, i) => {
    await cloneAs(world.git, world.url, join(world.root, `worker-${i}`));
    return openRepo(join(world.root, `worker-${i}`), deps);
  }));
  const stats: Stats = { won: 0, lost: 0, pushMs: [], claimMs: [], seconds: 0 };
  const started = performance.now();
  await Promise.all(repos.map((repo, i) => claimWorker(repo, deps, stats, pick === "first" ? 0 : i, pick === "first" ? 1 : k)));
  stats.seconds = (performance.now() - started) / 1000;
  return stats;
}

async function claimWorker(repo: RepoContext, deps: Deps, stats: Stats, offset: number, stride: number): Promise<void> {
  for (let began = performance.now(); ; ) {
    await fetchRecords(repo.git, repo.settings.remote);
    const queued = [...(await loadStatuses(repo)).values()].filter(({ status }) => status.state === "queued").sort(byQueueOrder);
    const mine = queued.filter(({ status }) => stride === 1 || Number(status.spec?.key?.slice(1)) % stride === offset);
    const next = mine[0];
    if (!next) return;
    const now = nowIso(deps.clock.now());
    const running: TaskStatus = { ...next.status, state: "running", lease: newLease(repo, deps, `bench-${offset}`), attempts: next.status.attempts + 1, startedAt: now, updatedAt: now };
    const pushStarted = performance.now();
    const won = await claim(repo, running, next.commit);
    stats.pushMs.push(performance.now() - pushStarted);
    if (!won) {
      stats.lost++;
      continue;
    }
    stats.won++;
    stats.claimMs.push(performance.now() - began);
    began = performance.now();
  }
}

/** K pool workers of real processes: list the queue, `run --task` the first id, exit 3 → the next one. */
async function processRun(world: World, k: number, modelUrl: string): Promise<Stats & { wallMs: number[] }> {
  const stats = { won: 0, lost: 0, pushMs: [] as number[], claimMs: [] as number[], wallMs: [] as number[], seconds: 0 };
  const workers = await Promise.all(Array.from({ length: k }, async (_, i) => {
    const dir = join(world.root, `proc-${i}`);
    await cloneAs(world.git, world.url, dir);
    return { dir, env: { ...world.env, XDG_CACHE_HOME: join(dir, ".cache"), XDG_STATE_HOME: join(dir, ".state"), OPENAI_BASE_URL: modelUrl, OPENAI_API_KEY: "sk-bench" } };
  }));
  const cli = (w: (typeof workers)[number], args: string[]) => runProcess(process.execPath, [CLI, "run", ...args], { cwd: w.dir, env: w.env, timeoutMs: 300_000 });
  const started = performance.now();
  await Promise.all(workers.map(async (w) => {
    for (;;) {
      const ids = (await cli(w, ["--list-queued"])).stdout.split("\n").filter(Boolean);
      if (ids.length === 0) return;
      for (const id of ids) {
        const t = performance.now();
        const result = await cli(w, ["--task", id]);
        stats.wallMs.push(performance.now() - t);
        if (result.exitCode === 3) { stats.lost++; continue; }
        if (result.exitCode !== 0) throw new Error(`run --task ${id} exited ${result.exitCode}: ${result.stderr.slice(-2000)}`);
        stats.won++;
        break;
      }
    }
  }));
  stats.seconds = (performance.now() - started) / 1000;
  return stats;
}

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const ms = (x: number): string => Math.round(x).toString();

async function main(): Promise<void> {
  const tasks = Number(values.tasks);
  const gitVersion = execFileSync("git", ["--version"]).toString().trim();
  console.log(`# Claim throughput: ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}, node ${process.version}, ${gitVersion}\n`);
  for (const history of list(values.history)) {
    console.log(`## In-process claims: ${tasks} queued tasks, ${history} finished task refs on the remote\n`);
    console.log("| transport | pick | K | claims/s | lost races | push p50 / p95 (ms) | time to claim p50 / p95 (ms) | load |");
    console.log("|---|---|---|---|---|---|---|---|");
    for (const transport of values.transports.split(",") as Transport[]) {
      for (const pick of values.picks.split(",") as Pick[]) {
        for (const k of list(values.workers)) {
          const world = await createWorld(transport, tasks, history);
          try {
            const s = await claimRun(world, k, pick);
            if (s.won !== tasks) throw new Error(`${s.won} of ${tasks} tasks claimed`);
            console.log(`| ${transport} | ${pick} | ${k} | ${(s.won / s.seconds).toFixed(1)} | ${s.lost} | ${ms(percentile(s.pushMs, 50))} / ${ms(percentile(s.pushMs, 95))} | ${ms(percentile(s.claimMs, 50))} / ${ms(percentile(s.claimMs, 95))} | ${loadavg()[0]?.toFixed(1)} |`);
          } finally {
            await dispose(world);
          }
        }
      }
    }
    console.log("");
  }
  const processTasks = Number(values["process-tasks"]);
  const workerCounts = list(values.processes);
  if (workerCounts.length === 0) return;
  const model = await startScriptedServer({ script: () => ({ text: "Nothing to do." }) });
  try {
    console.log(`## Whole tasks: pool workers of \`git codex run --task\` processes, ${processTasks} tasks, local remote, instant model\n`);
    console.log("| K | tasks/s | lost races (exit 3) | run --task wall p50 / p95 (ms) | load |");
    console.log("|---|---|---|---|---|");
    for (const k of workerCounts) {
      const world = await createWorld("file", processTasks, 0);
      try {
        const s = await processRun(world, k, model.url);
        console.log(`| ${k} | ${(s.won / s.seconds).toFixed(2)} | ${s.lost} | ${ms(percentile(s.wallMs, 50))} / ${ms(percentile(s.wallMs, 95))} | ${loadavg()[0]?.toFixed(1)} |`);
      } finally {
        await dispose(world);
      }
    }
  } finally {
    await model.close();
  }
}

await main();

/**
 * npm run bench [-- --only overhead|pickup|idle] [--files N --runs K] [--idle-seconds S] [--daemon-cli PATH]:
 * - overhead: per-task overhead of `git codex run --once` with an instant scripted model,
 *   against plain git doing the same work in the same run;
 * - pickup: push → "task started" latency of `git codex watch`, local and polled (bench/daemon.ts);
 * - idle: CPU and RSS of one daemon watching 10 repositories with nothing to do.
 * The daemon parts start `node src/cli.ts watch`; --daemon-cli dist/cli.js starts the build instead.
 */
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runProcess } from "../src/util/process.ts";
import { idleSection, pickupSection } from "./daemon.ts";
import { SOURCE_CLI, startInstantModel } from "./daemon-process.ts";
import { createBenchRepo, type BenchRepo } from "./fixture.ts";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const { values } = parseArgs({
  options: {
    files: { type: "string", default: "20000" },
    runs: { type: "string", default: "5" },
    only: { type: "string" },
    "idle-seconds": { type: "string", default: "60" },
    "daemon-cli": { type: "string" },
  },
});
const files = Number(values.files);
const runs = Number(values.runs);
const idleSeconds = Number(values["idle-seconds"]);
const daemonCli = values["daemon-cli"] === undefined ? SOURCE_CLI : resolve(values["daemon-cli"]);
const PARTS = ["overhead", "pickup", "idle"] as const;
if (values.only !== undefined && !(PARTS as readonly string[]).includes(values.only)) throw new Error(`--only must be one of ${PARTS.join(", ")}`);
if (!(idleSeconds > 0)) throw new Error("--idle-seconds must be a positive number");
const selected = (part: (typeof PARTS)[number]): boolean => values.only === undefined || values.only === part;

// Plain git doing what a task needs: fetch, a fresh worktree, one commit, a push, removal.
const FRESH_FLOOR = `set -e
git fetch -q origin
git worktree add -q --detach "$WT" origin/main
echo change > "$WT/floor.txt"
git -C "$WT" add -A
git -C "$WT" -c user.name=b -c user.email=b@example.com commit -q -m floor
git -C "$WT" push -q origin HEAD:refs/heads/floor-$N
git worktree remove --force "$WT"`;

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function must(promise: ReturnType<typeof runProcess>, what: string): Promise<void> {
  const result = await promise;
  if (result.exitCode !== 0) throw new Error(`${what} failed: ${result.stderr}${result.stdout}`);
}

async function floor(repo: BenchRepo, n: number): Promise<number> {
  return timed(() => must(runProcess("bash", ["-c", FRESH_FLOOR], { cwd: repo.clone, env: { ...repo.env, WT: `${repo.root}/floor-wt`, N: String(n) } }), "floor"));
}

async function gitCodex(repo: BenchRepo, n: number, url: string): Promise<number> {
  await must(runProcess("git", ["commit", "-q", "--allow-empty", "-m", `Bench ${n}\n\nCodex: bench task ${n}`], { cwd: repo.clone, env: repo.env }), "commit");
  await must(runProcess("git", ["push", "-q", "origin", "main"], { cwd: repo.clone, env: repo.env }), "push");
  const env = { ...repo.env, OPENAI_BASE_URL: url, GIT_CODEX_LOG_LEVEL: "warn" };
  return timed(() => must(runProcess(process.execPath, [CLI, "run", "--once"], { cwd: repo.clone, env }), "git codex run --once"));
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function overhead(): Promise<void> {
  const repo = await createBenchRepo(files);
  const server = await startInstantModel();
  try {
    const floors: number[] = [];
    const ours: number[] = [];
    // Interleaved, so both see the same machine load; the first of each warms caches.
    for (let n = 0; n <= runs; n++) {
      const f = await floor(repo, n);
      const o = await gitCodex(repo, n, server.url);
      if (n === 0) continue;
      floors.push(f);
      ours.push(o);
    }
    const demo = await timed(() => must(runProcess(process.execPath, [CLI, "demo"], { cwd: repo.root, env: { PATH: process.env.PATH, HOME: repo.env.HOME } }), "demo"));
    const row = (name: string, ms: number, ratio = "") => `| ${name} | ${ms.toFixed(0)} | ${ratio} |`;
    console.log(`\nnpm run bench -- --only overhead --files ${files} --runs ${runs}   (median of ${runs}; node ${process.version})\n`);
    console.log("| measurement | ms | ratio to fresh floor |\n|---|---:|---:|");
    console.log(row("fresh floor: fetch, worktree add, commit, push, worktree remove (plain git)", median(floors), "1.00×"));
    console.log(row("git codex run --once, one trailer task, instant model (whole process)", median(ours), `${(median(ours) / median(floors)).toFixed(2)}×`));
    console.log(row("git codex demo (whole process, fixture included)", demo));
  } finally {
    await server.close();
    await rm(repo.root, { recursive: true, force: true });
  }
}

if (selected("overhead")) await overhead();
if (selected("pickup")) console.log(`\n${await pickupSection(daemonCli)}`);
if (selected("idle")) console.log(`\n${await idleSection(idleSeconds, daemonCli)}`);

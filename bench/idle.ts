/**
 * Idle cost: one daemon watching `repos` repositories with nothing to do, sampled from
 * /proc (Linux) over a window after start-up has settled.
 */
import { readFile, rm } from "node:fs/promises";
import { runProcess } from "../src/util/process.ts";
import { createBenchRepo, type BenchRepo } from "./fixture.ts";
import { nowMs, sleep, startWatch, type DaemonProcess } from "./daemon-process.ts";

export interface IdleOptions {
  repos: number;
  files: number;
  pollSeconds: number;
  windowSeconds: number;
  /** Wait after "watching" before the window opens: start-up cycles and the first re-poll of every repository. */
  settleSeconds: number;
  /** Seconds between RSS samples. */
  sampleSeconds: number;
  /** The entry point to start: src/cli.ts, or a build such as dist/cli.js. */
  cli: string;
}

export interface IdleResult extends IdleOptions {
  /** Process start to the "watching" line. */
  startupMs: number;
  /** CPU time of the daemon process over the window, as % of one core. */
  cpuPercent: number;
  /** The same, with the git processes it started and waited for (cutime + cstime). */
  cpuPercentWithChildren: number;
  /** Largest VmRSS sampled in the window, and VmHWM (peak since start) at its end, in MB (10^6 bytes). */
  rssMaxMB: number;
  rssPeakMB: number;
  /** "checking for work" lines in the window: cycles the daemon started with nothing pushed. */
  triggers: number;
  /** The same between "watching" and the window (start-up). */
  settleTriggers: number;
  /** Lines at warn level or above in the window. */
  warnings: number;
}

interface ProcSample {
  ownTicks: number;
  childTicks: number;
  rssKiB: number;
  hwmKiB: number;
}

async function sample(pid: number): Promise<ProcSample> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces: state is [0].
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  const [utime = NaN, stime = NaN, cutime = NaN, cstime = NaN] = fields.slice(11, 15);
  return { ownTicks: utime + stime, childTicks: cutime + cstime, rssKiB: kib("VmRSS"), hwmKiB: kib("VmHWM") };
}

async function clockTicks(): Promise<number> {
  const result = await runProcess("getconf", ["CLK_TCK"], { cwd: "/", env: { PATH: process.env.PATH } });
  const ticks = Number(result.stdout.trim());
  if (!(ticks > 0)) throw new Error(`getconf CLK_TCK failed: ${result.stderr}`);
  return ticks;
}

const mb = (kib: number): number => (kib * 1024) / 1e6;

export async function idleCost(options: IdleOptions): Promise<IdleResult> {
  const ticksPerSecond = await clockTicks();
  const repos: BenchRepo[] = [];
  let daemon: DaemonProcess | undefined;
  try {
    for (let i = 0; i < options.repos; i++) repos.push(await createBenchRepo(options.files));
    const first = repos[0];
    if (!first) throw new Error("idle bench needs at least one repository");
    const t0 = nowMs();
    // debug adds one line per trigger, so cycles in the window can be counted.
    daemon = startWatch([...repos.map((r) => r.clone), "--poll", `${options.pollSeconds}s`], { cwd: first.root, env: { ...first.env, GIT_CODEX_LOG_LEVEL: "debug" }, cli: options.cli });
    const watching = await daemon.waitFor((l) => l.msg === "watching", { timeoutMs: 120_000 });
    const startupMs = (watching.time as number) - t0;
    const settleFrom = daemon.lines.indexOf(watching);
    await sleep(options.settleSeconds * 1000);
    const from = daemon.lines.length;
    const start = await sample(daemon.pid);
    const opened = performance.now();
    let rssMax = start.rssKiB;
    let end = start;
    for (let t = 0; t < options.windowSeconds; ) {
      t = Math.min(t + options.sampleSeconds, options.windowSeconds);
      await sleep(opened + t * 1000 - performance.now());
      end = await sample(daemon.pid);
      rssMax = Math.max(rssMax, end.rssKiB);
    }
    const seconds = (performance.now() - opened) / 1000;
    const window = daemon.lines.slice(from);
    const percent = (ticks: number): number => (ticks / ticksPerSecond / seconds) * 100;
    return {
      ...options, startupMs,
      cpuPercent: percent(end.ownTicks - start.ownTicks),
      cpuPercentWithChildren: percent(end.ownTicks + end.childTicks - start.ownTicks - start.childTicks),
      rssMaxMB: mb(rssMax), rssPeakMB: mb(end.hwmKiB),
      triggers: window.filter((l) => l.msg === "checking for work").length,
      settleTriggers: daemon.lines.slice(settleFrom, from).filter((l) => l.msg === "checking for work").length,
      warnings: window.filter((l) => typeof l.level === "number" && l.level >= 40).length,
    };
  } finally {
    await daemon?.stop();
    for (const repo of repos) await rm(repo.root, { recursive: true, force: true });
  }
}

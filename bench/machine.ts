/** What the results file says about where and on what the figures were taken. */
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { runProcess } from "../src/util/process.ts";

export interface Machine {
  cpu: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  git: string;
  /** The source commit, with "+ changes" when the working tree differs from it. */
  commit: string;
}

async function output(file: string, args: string[], cwd: string): Promise<string> {
  const result = await runProcess(file, args, { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  return result.exitCode === 0 ? result.stdout.trim() : "unknown";
}

export async function describeMachine(cwd: string): Promise<Machine> {
  const cores = cpus();
  const status = await output("git", ["status", "--porcelain", "--untracked-files=no"], cwd);
  return {
    cpu: `${cores.length} × ${cores[0]?.model ?? "unknown"}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: `${type()} ${release()}`,
    node: process.version,
    git: (await output("git", ["--version"], cwd)).replace(/^git version /, ""),
    commit: `${await output("git", ["rev-parse", "--short", "HEAD"], cwd)}${status !== "" && status !== "unknown" ? " + uncommitted changes" : ""}`,
  };
}

/** The 1-minute load average, to two decimals. */
export function load(): string {
  return (loadavg()[0] ?? NaN).toFixed(2);
}

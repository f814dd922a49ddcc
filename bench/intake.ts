/**
 * Intake over the whole history of the large fixture, in process: `listCommits` (the
 * trailer scan intake runs: git's own trailer formatting, then parsing) and `readIntake`
 * (the scan, the task file at the tip and the plan), against `git log` alone.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { loadRepoSettings } from "../src/cli/repo-settings.ts";
import { listCommits } from "../src/git/commits.ts";
import { fetchRemote } from "../src/git/remote.ts";
import { createGit, type Git } from "../src/git/runner.ts";
import { readIntake } from "../src/run/intake.ts";
import { silentLogger } from "../src/util/logger.ts";
import { createMutex } from "../src/util/mutex.ts";
import type { Fixture } from "./big-fixture.ts";
import { markdownTable, median, formatRatio, type PartResult } from "./table.ts";

export interface IntakeOptions {
  fixture: Fixture;
  /** Timed repetitions of each, after one warm-up. */
  reps: number;
  command: string;
  /** Where the temporary clone goes. */
  tmp: string;
}

/** The same runner, remembering the arguments of every call: the scan's own `git log` is replayed alone. */
function recording(git: Git, calls: (readonly string[])[]): Git {
  return {
    ...git,
    run(args, call) {
      calls.push(args);
      return git.run(args, call);
    },
    at: (cwd) => recording(git.at(cwd), calls),
  };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export async function intakePart(options: IntakeOptions): Promise<PartResult> {
  const { fixture } = options;
  const root = join(options.tmp, `intake-${process.pid}-${Date.now()}`);
  const env = { PATH: process.env.PATH, HOME: root, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };
  const clone = join(root, "clone");
  try {
    await createGit({ cwd: options.tmp, env }).run(["clone", "-q", "--no-checkout", fixture.seed, clone]);
    const git = createGit({ cwd: clone, env });
    await fetchRemote(git, "origin");
    // A window reaching back past the fixture's first commit (2020): intake reads everything.
    const settings = await loadRepoSettings(git, env, { since: `${Math.ceil((Date.now() / 1000 - 1_500_000_000) / 86400)}d` });
    const repo = { git, settings, log: silentLogger(), exclusive: createMutex() };
    const calls: (readonly string[])[] = [];
    const scanned = await listCommits(recording(git, calls), { tip: fixture.tip });
    const scanArgs = calls[0];
    if (scanned.length !== fixture.commits || !scanArgs) throw new Error(`the scan read ${scanned.length} commits, the fixture has ${fixture.commits}`);
    const planned = (await readIntake(repo, "main", Date.now())).plan.tasks.length;
    const steps: Record<"logHashes" | "logScanFormat" | "scan" | "intake", () => Promise<unknown>> = {
      logHashes: () => git.run(["log", "--format=%H", fixture.tip, "--"]),
      logScanFormat: () => git.run(scanArgs),
      scan: () => listCommits(git, { tip: fixture.tip }),
      intake: () => readIntake(repo, "main", Date.now()),
    };
    const ms: Record<keyof typeof steps, number[]> = { logHashes: [], logScanFormat: [], scan: [], intake: [] };
    // Interleaved, so all four see the same load; round 0 warms the caches.
    for (let n = 0; n <= options.reps; n++) {
      for (const key of Object.keys(steps) as (keyof typeof steps)[]) {
        const took = await timed(steps[key]);
        if (n > 0) ms[key].push(took);
      }
    }
    const m = { logHashes: median(ms.logHashes), logScanFormat: median(ms.logScanFormat), scan: median(ms.scan), intake: median(ms.intake) };
    const row = (name: string, x: number): string[] => [name, x.toFixed(0), formatRatio(x / m.logHashes), formatRatio(x / m.logScanFormat)];
    const table = markdownTable(["measurement", `median ms (${options.reps} runs)`, "ratio to `git log --format=%H`", "ratio to the scan's `git log`"], [
      row("`git log --format=%H <tip>` (floor)", m.logHashes),
      row("the scan's own `git log` (trailer format, `--reverse --topo-order`), output not parsed", m.logScanFormat),
      row("**trailer scan**: `listCommits` (that `git log`, then parsed)", m.scan),
      row(`intake: \`readIntake\` (scan, task file at the tip, plan: ${planned} tasks)`, m.intake),
    ]);
    const text = `${options.command}   (${fixture.commits} commits, ${fixture.files} files, tip ${fixture.tip.slice(0, 12)}; in process, node ${process.version})\n\n${table}`;
    return {
      text,
      summary: [
        { measurement: `trailer scan of ${fixture.commits} commits vs \`git log\``, value: m.scan, unit: "ms", floor: { value: m.logHashes, name: "`git log --format=%H`" }, target: { op: "≤", limit: 1.5, on: "ratio" } },
        { measurement: "intake (scan + task file + plan) vs `git log`", value: m.intake, unit: "ms", floor: { value: m.logHashes, name: "`git log --format=%H`" } },
      ],
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

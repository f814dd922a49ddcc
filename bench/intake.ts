/**
 * Intake over the whole history of the large fixture, in process: `listCommits` as intake
 * runs it (git keeps the commits whose message mentions "codex", formats their trailers,
 * then they are parsed) and `readIntake` (the scan, the task file at the tip and the plan),
 * against `git log` alone: as typed (every message printed), the floor, and
 * `--format=%H`, which reads no message at all (the commit-graph answers it).
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { loadRepoSettings } from "../src/cli/repo-settings.ts";
import { listCommits, TRAILER_WORD } from "../src/git/commits.ts";
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
    const range = { tip: fixture.tip, mentioning: TRAILER_WORD };
    const scanned = await listCommits(recording(git, calls), range);
    const scanArgs = calls[0];
    // The pre-filter must lose nothing: the same trailer commits as a scan of every commit.
    const every = await listCommits(git, { tip: fixture.tip });
    const asking = (list: typeof every): string[] => list.filter((c) => c.codexTrailers.length > 0).map((c) => c.sha);
    if (every.length !== fixture.commits || !scanArgs) throw new Error(`the scan read ${every.length} commits, the fixture has ${fixture.commits}`);
    if (asking(scanned).join() !== asking(every).join()) throw new Error(`the pre-filtered scan found ${asking(scanned).length} trailer commits, the full scan ${asking(every).length}`);
    const planned = (await readIntake(repo, "main", Date.now())).plan.tasks.length;
    const steps: Record<"log" | "logHashes" | "logScanFormat" | "scan" | "scanEvery" | "intake", () => Promise<unknown>> = {
      log: () => git.run(["log", fixture.tip, "--"]),
      logHashes: () => git.run(["log", "--format=%H", fixture.tip, "--"]),
      logScanFormat: () => git.run(scanArgs),
      scan: () => listCommits(git, range),
      scanEvery: () => listCommits(git, { tip: fixture.tip }),
      intake: () => readIntake(repo, "main", Date.now()),
    };
    const ms: Record<keyof typeof steps, number[]> = { log: [], logHashes: [], logScanFormat: [], scan: [], scanEvery: [], intake: [] };
    // Interleaved, so all of them see the same load; round 0 warms the caches.
    for (let n = 0; n <= options.reps; n++) {
      for (const key of Object.keys(steps) as (keyof typeof steps)[]) {
        const took = await timed(steps[key]);
        if (n > 0) ms[key].push(took);
      }
    }
    const m = Object.fromEntries(Object.entries(ms).map(([key, values]) => [key, median(values)])) as Record<keyof typeof steps, number>;
    const row = (name: string, x: number): string[] => [name, x.toFixed(0), formatRatio(x / m.log), formatRatio(x / m.logHashes)];
    const table = markdownTable(["measurement", `median ms (${options.reps} runs)`, "ratio to `git log`", "ratio to `git log --format=%H`"], [
      row("`git log <tip>`: every commit's message printed (floor)", m.log),
      row("`git log --format=%H <tip>`: no message read (stricter floor)", m.logHashes),
      row("the scan's own `git log` (`--grep` pre-filter, trailer format, `--reverse --topo-order`), output not parsed", m.logScanFormat),
      row(`**trailer scan**: \`listCommits\` as intake runs it (that \`git log\`, then parsed: ${scanned.length} commits)`, m.scan),
      row("… the same without the pre-filter: every commit formatted and parsed", m.scanEvery),
      row(`intake: \`readIntake\` (scan, task file at the tip, plan: ${planned} tasks)`, m.intake),
    ]);
    const text = `${options.command}   (${fixture.commits} commits, ${fixture.files} files, tip ${fixture.tip.slice(0, 12)}; in process, node ${process.version})\n\n${table}`;
    return {
      text,
      summary: [
        { measurement: `trailer scan of ${fixture.commits} commits vs \`git log\``, value: m.scan, unit: "ms", floor: { value: m.log, name: "`git log`" }, target: { op: "≤", limit: 1.5, on: "ratio" } },
        { measurement: "… the same scan vs `git log --format=%H`", value: m.scan, unit: "ms", floor: { value: m.logHashes, name: "`git log --format=%H`" } },
        { measurement: "intake (scan + task file + plan) vs `git log`", value: m.intake, unit: "ms", floor: { value: m.log, name: "`git log`" } },
      ],
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

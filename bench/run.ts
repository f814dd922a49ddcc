/**
 * npm run bench [-- --only PART[,PART…]] [--quick] [sizes…] (flags: bench/options.ts):
 * - overhead: per-task overhead (`run --once`, and inside the daemon) against the fresh and warm floors;
 * - intake: the trailer scan and intake over the large fixture's history, against `git log`;
 * - throughput: trailer tasks through one daemon at several concurrency values;
 * - loop: bytes and tokens per request over a scripted agent session;
 * - pickup: push → "task started", local and polled; idle: one daemon, 10 repositories, nothing to do.
 * Each part prints its table; then one summary table, also written as markdown to --out.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, resolve } from "node:path";
import { benchCacheDir, ensureFixture, type Fixture } from "./big-fixture.ts";
import { idleSection, pickupSection } from "./daemon.ts";
import { existsSync } from "node:fs";
import { BUILT_CLI, cliFlag } from "./daemon-process.ts";
import { intakePart } from "./intake.ts";
import { loopPart } from "./loop.ts";
import { describeMachine, load } from "./machine.ts";
import { BenchUsageError, parseBenchArgs, type BenchOptions, type Part } from "./options.ts";
import { overheadPart } from "./overhead.ts";
import { summaryTable, type PartResult } from "./table.ts";
import { throughputPart } from "./throughput.ts";

let options: BenchOptions;
try {
  options = parseBenchArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(2);
}
const cli = options.daemonCli === undefined ? BUILT_CLI : resolve(options.daemonCli);
if (!existsSync(cli)) {
  process.stderr.write(`bench: ${cli} does not exist: run \`npm run build\` (\`npm run bench\` does), or measure the sources with --daemon-cli src/cli.ts\n`);
  process.exit(2);
}
const cacheDir = benchCacheDir(process.env);
const quick = options.quick ? " --quick" : "";

async function fixture(files: number, commits: number): Promise<Fixture> {
  const started = performance.now();
  const f = await ensureFixture({ files, commits }, { cacheDir, fresh: options.freshFixture });
  const how = f.built ? `built in ${(f.buildMs / 1000).toFixed(1)} s` : `from the cache (built in ${(f.buildMs / 1000).toFixed(1)} s), checked in ${((performance.now() - started) / 1000).toFixed(1)} s`;
  console.log(`fixture: ${files} files, ${commits} commits, tip ${f.tip}, ${how}: ${f.seed}`);
  return f;
}

let big: Fixture | undefined;
const bigFixture = async (): Promise<Fixture> => (big ??= await fixture(options.files, options.commits));
const sizes = `--files ${options.files} --commits ${options.commits}`;

const PART_RUNNERS: Record<Part, () => Promise<PartResult>> = {
  overhead: async () => overheadPart({ fixture: await bigFixture(), runs: options.runs, cli, command: `npm run bench -- --only overhead${quick} ${sizes} --runs ${options.runs}${cliFlag(cli)}` }),
  intake: async () => intakePart({ fixture: await bigFixture(), reps: options.runs, tmp: tmpdir(), command: `npm run bench -- --only intake${quick} ${sizes} --runs ${options.runs}` }),
  throughput: async () => throughputPart({
    fixture: await fixture(options.throughputFiles, options.throughputCommits), tasks: options.tasks, concurrencies: options.concurrency, cli,
    command: `npm run bench -- --only throughput${quick} --tasks ${options.tasks} --concurrency ${options.concurrency.join(",")} --throughput-files ${options.throughputFiles} --throughput-commits ${options.throughputCommits}${cliFlag(cli)}`,
  }),
  loop: () => loopPart({ turns: options.turns, tmp: tmpdir(), command: `npm run bench -- --only loop --turns ${options.turns}` }),
  pickup: () => pickupSection(cli, options.quick ? { local: 3, remote: 2 } : undefined),
  idle: () => idleSection(options.idleSeconds, cli, options.quick ? 5 : undefined),
};

const machine = await describeMachine(process.cwd());
const startLoad = load();
const startedAt = new Date().toISOString();
const sections: string[] = [];
const results: PartResult[] = [];

const args = process.argv.slice(2);

async function writeResults(done: boolean): Promise<void> {
  const header = [
    "# git-codex benchmarks: latest run",
    "",
    `- command: \`npm run bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}\`${done ? "" : " (unfinished: the run stopped or is still going)"}`,
    `- started ${startedAt}, ${done ? `finished ${new Date().toISOString()}` : "not finished"}`,
    `- machine: ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.kernel}; node ${machine.node}, git ${machine.git}; source ${machine.commit}`,
    `- load average (1 min): ${startLoad} at the start, ${load()} at the end`,
    `- git-codex measured: ${cli}`,
  ];
  const summary = ["## Summary", "", summaryTable(results.flatMap((r) => r.summary))];
  await mkdir(dirname(resolve(options.out)), { recursive: true });
  await writeFile(resolve(options.out), [...header, "", ...summary, "", ...sections].join("\n") + "\n");
}

console.log(`bench: ${options.parts.join(", ")} (load ${startLoad}; ${machine.cpu}; node ${machine.node}, git ${machine.git}; git-codex: ${cli})`);
for (const part of options.parts) {
  const result = await PART_RUNNERS[part]();
  results.push(result);
  sections.push(`## ${part}\n\n${result.text}\n`);
  console.log(`\n## ${part}\n\n${result.text}`);
  await writeResults(false);
}
await writeResults(true);
console.log(`\n## Summary (load ${load()} at the end; written to ${options.out})\n\n${summaryTable(results.flatMap((r) => r.summary))}`);

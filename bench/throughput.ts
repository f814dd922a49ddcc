/**
 * Throughput: one commit with `tasks` `Codex:` trailers pushed to a daemon with an instant
 * model, at several `--concurrency` (and `--per-repo`) values; each value gets a fresh copy
 * of the fixture and a fresh daemon.
 */
import { rm } from "node:fs/promises";
import { fixtureRepo, type Fixture } from "./big-fixture.ts";
import { sleep, startInstantModel, startWatch, type DaemonProcess, type LogLine } from "./daemon-process.ts";
import { TASK_FILE_TASK } from "./fixture-stream.ts";
import { taskAuthor } from "./overhead-daemon.ts";
import { markdownTable, formatRatio, type PartResult, type SummaryRow } from "./table.ts";

export interface ThroughputOptions {
  fixture: Fixture;
  tasks: number;
  concurrencies: number[];
  cli: string;
  command: string;
}

export interface ThroughputSample {
  concurrency: number;
  /** `git push` exit → the last "task finished". */
  seconds: number;
  tasksPerMinute: number;
  /** Tasks that did not end "done". */
  failed: number;
}

const TASK_PREFIX = "bench-throughput-";

async function waitForFinished(daemon: DaemonProcess, from: number, count: number, match: (l: LogLine) => boolean): Promise<LogLine[]> {
  const found: LogLine[] = [];
  let next = from;
  while (found.length < count) {
    const line = await daemon.waitFor((l) => l.msg === "task finished" && match(l), { from: next, timeoutMs: 600_000 });
    next = daemon.lines.indexOf(line, next) + 1;
    found.push(line);
  }
  return found;
}

async function measure(options: ThroughputOptions, concurrency: number, modelUrl: string): Promise<ThroughputSample> {
  const repo = await fixtureRepo(options.fixture);
  let daemon: DaemonProcess | undefined;
  try {
    const author = await taskAuthor(repo, "author.git");
    const env = { ...repo.env, OPENAI_BASE_URL: modelUrl, GIT_CODEX_LOG_LEVEL: "info" };
    const args = [repo.clone, "--poll", "1h", "--concurrency", String(concurrency), "--per-repo", String(concurrency)];
    daemon = startWatch(args, { cwd: repo.root, env, cli: options.cli });
    // The task file's task runs at start: a warm-up for the daemon and the model server.
    await waitForFinished(daemon, 0, 1, (l) => String(l.task ?? "").startsWith(`${TASK_FILE_TASK}-`));
    await sleep(1000);
    const trailers = Array.from({ length: options.tasks }, (_, i) => `Codex: bench throughput ${i + 1}`).join("\n");
    const from = daemon.lines.length;
    const pushed = await author.push(`Bench throughput\n\n${trailers}\n`);
    const finished = await waitForFinished(daemon, from, options.tasks, (l) => String(l.task ?? "").startsWith(TASK_PREFIX));
    const last = Math.max(...finished.map((l) => l.time as number));
    const seconds = (last - pushed) / 1000;
    return { concurrency, seconds, tasksPerMinute: options.tasks / (seconds / 60), failed: finished.filter((l) => l.state !== "done").length };
  } finally {
    await daemon?.stop();
    await rm(repo.root, { recursive: true, force: true });
  }
}

export async function throughputPart(options: ThroughputOptions): Promise<PartResult> {
  const model = await startInstantModel();
  const samples: ThroughputSample[] = [];
  try {
    for (const c of options.concurrencies) samples.push(await measure(options, c, model.url));
  } finally {
    await model.close();
  }
  const base = samples.find((s) => s.concurrency === 1) ?? samples[0];
  if (!base) throw new Error("throughput needs at least one concurrency value");
  const table = markdownTable(["`--concurrency` = `--per-repo`", "seconds for all", "tasks/min", "ratio to the first", "s per task", "not done"], samples.map((s) => [
    String(s.concurrency), s.seconds.toFixed(1), s.tasksPerMinute.toFixed(1), formatRatio(s.tasksPerMinute / base.tasksPerMinute), (s.seconds / options.tasks).toFixed(2), String(s.failed),
  ]));
  const summary: SummaryRow[] = samples.filter((s) => s !== base).map((s) => ({
    measurement: `throughput at concurrency ${s.concurrency} vs ${base.concurrency} (${options.tasks} tasks)`,
    value: s.tasksPerMinute,
    unit: "tasks/min",
    floor: { value: base.tasksPerMinute, name: `concurrency ${base.concurrency}` },
    ...(s.concurrency === 2 && base.concurrency === 1 ? { target: { op: "≥" as const, limit: 1.7, on: "ratio" as const } } : {}),
  }));
  const failed = samples.reduce((n, s) => n + s.failed, 0);
  if (failed > 0) summary.push({ measurement: "throughput tasks that did not end done", value: failed, unit: "tasks" });
  const where = `${options.tasks} trailer tasks in one commit; ${options.fixture.files} files, ${options.fixture.commits} commits; instant scripted model; node ${process.version}`;
  return { text: `${options.command}   (${where})\n\n${table}`, summary };
}

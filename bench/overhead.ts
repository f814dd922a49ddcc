/**
 * Per-task overhead with an instant scripted model, on the large fixture: `git codex run
 * --once` (the whole process) and one task inside a running daemon, against the fresh and
 * warm floors measured in the same run.
 */
import { rm } from "node:fs/promises";
import { must, nowMs, startInstantModel } from "./daemon-process.ts";
import { fixtureRepo, type Fixture, type FixtureRepo } from "./big-fixture.ts";
import { prepareFloors } from "./floors.ts";
import { daemonRounds, taskAuthor } from "./overhead-daemon.ts";
import { markdownTable, median, formatRatio, type PartResult, type SummaryRow } from "./table.ts";

export interface OverheadOptions {
  fixture: Fixture;
  runs: number;
  /** The git-codex entry point: src/cli.ts or dist/cli.js. */
  cli: string;
  /** The command line printed above the table. */
  command: string;
}

type Author = Awaited<ReturnType<typeof taskAuthor>>;

async function runOnce(repo: FixtureRepo, author: Author, n: number, cli: string, modelUrl: string): Promise<number> {
  await author.push(`Bench ${n}\n\nCodex: bench task ${n}\n`);
  const env = { ...repo.env, OPENAI_BASE_URL: modelUrl, GIT_CODEX_LOG_LEVEL: "warn" };
  const started = nowMs();
  await must(process.execPath, [cli, "run", "--once"], { cwd: repo.clone, env });
  return nowMs() - started;
}

export async function overheadPart(options: OverheadOptions): Promise<PartResult> {
  const repo = await fixtureRepo(options.fixture);
  const model = await startInstantModel();
  try {
    const floors = await prepareFloors(repo);
    // Every round starts with a new commit on the remote's main, made elsewhere, as a task
    // arrives: each fetch timed (the floors' and git-codex's) receives it and pays git's
    // connectivity check over its tree, not a fetch that finds nothing new.
    const author = await taskAuthor(repo, "once-author.git");
    const fresh: number[] = [];
    const warm: number[] = [];
    const once: number[] = [];
    // Interleaved, so all three see the same load; round 0 warms caches (and runs the task file's task).
    for (let n = 0; n <= options.runs; n++) {
      await author.push(`Floor ${n} fresh\n`);
      const f = await floors.fresh(n);
      await author.push(`Floor ${n} warm\n`);
      const w = await floors.warm(n);
      const o = await runOnce(repo, author, n, options.cli, model.url);
      if (n === 0) continue;
      fresh.push(f);
      warm.push(w);
      once.push(o);
    }
    const daemon = await daemonRounds(repo, options.runs, { cli: options.cli, modelUrl: model.url });
    const m = {
      fresh: median(fresh), warm: median(warm), once: median(once),
      daemon: median(daemon.map((s) => s.noticedToFinishedMs)),
      started: median(daemon.map((s) => s.startedToFinishedMs)),
      pushed: median(daemon.map((s) => s.pushToFinishedMs)),
      recorded: median(daemon.map((s) => s.noticedToRecordedMs)),
      claimed: median(daemon.map((s) => s.recordedToStartedMs)),
    };
    const row = (name: string, ms: number, withRatios = true): string[] =>
      [name, ms.toFixed(0), withRatios ? formatRatio(ms / m.fresh) : "", withRatios ? formatRatio(ms / m.warm) : ""];
    const table = markdownTable(["measurement", `median ms (${options.runs} runs)`, "ratio to fresh floor", "ratio to warm floor"], [
      row("fresh floor: fetch, `worktree add`, commit, push, `worktree remove` (plain git)", m.fresh),
      row("warm floor: fetch, `checkout -f --detach` + `clean -ffdx` in a kept worktree, commit, push (plain git)", m.warm),
      row("**`git codex run --once`**, one trailer task (whole process)", m.once),
      row("**daemon, per task**: push noticed → `task finished`", m.daemon),
      row("… daemon: push noticed → `recorded new tasks` (fetch, intake, records pushed)", m.recorded, false),
      row("… daemon: `recorded new tasks` → `task started` (claim pushed)", m.claimed, false),
      row("… daemon: `task started` → `task finished` (worktree, agent, commit, push, records)", m.started, false),
      row("… daemon: `git push` exit → `task finished` (pickup included)", m.pushed, false),
    ]);
    const where = `${repo.fixture.files} files, ${repo.fixture.commits} commits, tip ${repo.fixture.tip.slice(0, 12)}`;
    const floorFresh = { value: m.fresh, name: "fresh floor" };
    const floorWarm = { value: m.warm, name: "warm floor" };
    const summary: SummaryRow[] = [
      { measurement: "per-task overhead, `run --once` vs fresh floor", value: m.once, unit: "ms", floor: floorFresh, target: { op: "≤", limit: 0.3, on: "ratio" } },
      { measurement: "per-task overhead, `run --once` vs warm floor", value: m.once, unit: "ms", floor: floorWarm, target: { op: "≤", limit: 2, on: "ratio" } },
      { measurement: "per-task overhead, daemon vs fresh floor", value: m.daemon, unit: "ms", floor: floorFresh, target: { op: "≤", limit: 0.3, on: "ratio" } },
      { measurement: "per-task overhead, daemon vs warm floor", value: m.daemon, unit: "ms", floor: floorWarm, target: { op: "≤", limit: 1.5, on: "ratio" } },
    ];
    return { text: `${options.command}   (${where}; instant scripted model; node ${process.version})\n\n${table}`, summary };
  } finally {
    await model.close();
    await rm(repo.root, { recursive: true, force: true });
  }
}

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixture, fixtureRepo, type Fixture } from "../../bench/big-fixture.ts";
import { intakePart } from "../../bench/intake.ts";
import { loopPart, measureLoop, shrinkingTurns, type LoopTurn } from "../../bench/loop.ts";
import { BenchUsageError, parseBenchArgs, PARTS } from "../../bench/options.ts";
import { markdownTable, median, summaryTable, targetMet, type SummaryRow } from "../../bench/table.ts";
import { listCommits } from "../../src/git/commits.ts";
import { createGit } from "../../src/git/runner.ts";

// The tip of a 30-file, 20-commit fixture: the same on every machine and every run.
const TINY = { files: 30, commits: 20 };
const TINY_TIP = "34484c343901bc2800287e099d6e6194150b9b71";

const env = { PATH: process.env.PATH, HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: "1" };

describe("bench fixture", () => {
  let cache: string;
  beforeAll(async () => {
    cache = await mkdtemp(join(tmpdir(), "git-codex-bench-cache-"));
  });
  afterAll(() => rm(cache, { recursive: true, force: true }));

  it("builds the same history twice, with the pinned tip, and reuses the cached one", async () => {
    const a = await ensureFixture(TINY, { cacheDir: join(cache, "a") });
    const b = await ensureFixture(TINY, { cacheDir: join(cache, "b") });
    expect(a.built && b.built).toBe(true);
    expect(b.tip).toBe(a.tip);
    expect(a.tip).toBe(TINY_TIP);
    const again = await ensureFixture(TINY, { cacheDir: join(cache, "a") });
    expect(again).toMatchObject({ built: false, tip: a.tip, seed: a.seed });
  });

  it("has the files, the commits, the history trailers and the task file it promises", async () => {
    const fixture = await ensureFixture(TINY, { cacheDir: join(cache, "a") });
    const git = createGit({ cwd: fixture.seed, env });
    const files = (await git.run(["ls-tree", "-r", "--name-only", fixture.tip])).trim().split("\n");
    expect(files).toHaveLength(TINY.files + 1);
    expect(files).toContain(".codex-tasks.yml");
    expect(files).toContain("d0/f29.ts");
    const commits = await listCommits(git, { tip: fixture.tip });
    expect(commits).toHaveLength(TINY.commits);
    expect(commits.flatMap((c) => c.codexTrailers)).toHaveLength(8);
  });

  it("refuses a cached fixture whose tip moved, and --fresh-fixture rebuilds it", async () => {
    const fixture = await ensureFixture(TINY, { cacheDir: join(cache, "c") });
    await createGit({ cwd: fixture.seed, env }).run(["update-ref", "refs/heads/main", `${fixture.tip}^`]);
    await expect(ensureFixture(TINY, { cacheDir: join(cache, "c") })).rejects.toThrow(/has tip [0-9a-f]{40}, not [0-9a-f]{40}.*--fresh-fixture/);
    const rebuilt = await ensureFixture(TINY, { cacheDir: join(cache, "c"), fresh: true });
    expect(rebuilt).toMatchObject({ built: true, tip: TINY_TIP });
  });

  it("rejects sizes it cannot build, naming the flag", async () => {
    await expect(ensureFixture({ files: 0, commits: 20 }, { cacheDir: cache })).rejects.toThrow(/--files must be a positive whole number/);
    await expect(ensureFixture({ files: 3, commits: 1 }, { cacheDir: cache })).rejects.toThrow(/--commits must be .* at least 2/);
  });

  it("gives each run a bare remote and a checked-out clone at the tip", async () => {
    const repo = await fixtureRepo(await ensureFixture(TINY, { cacheDir: join(cache, "a") }));
    try {
      expect((await repo.git.run(["rev-parse", "HEAD", "origin/main"])).trim().split("\n")).toEqual([TINY_TIP, TINY_TIP]);
      expect((await repo.git.run(["status", "--porcelain"])).trim()).toBe("");
      expect((await repo.git.run(["config", "user.email"])).trim()).toBe("bench@example.com");
    } finally {
      await rm(repo.root, { recursive: true, force: true });
    }
  });
});

describe("bench tables", () => {
  it("formats a markdown table with escaped cells and checks row widths", () => {
    expect(markdownTable(["a", "b"], [["x|y", "1"]])).toBe("| a | b |\n|---|---:|\n| x\\|y | 1 |");
    expect(() => markdownTable(["a", "b"], [["only one"]])).toThrow(/row 1 has 1 cells, the header 2/);
  });

  it("computes ratios to the floor and whether each target is met", () => {
    const rows: SummaryRow[] = [
      { measurement: "fast", value: 250, unit: "ms", floor: { value: 1000, name: "fresh" }, target: { op: "≤", limit: 0.3, on: "ratio" } },
      { measurement: "slow", value: 400, unit: "ms", target: { op: "≤", limit: 300, on: "value" } },
      { measurement: "scales", value: 34, unit: "tasks/min", floor: { value: 20, name: "c1" }, target: { op: "≥", limit: 1.7, on: "ratio" } },
      { measurement: "missing", value: NaN, unit: "ms", target: { op: "≤", limit: 1, on: "value" } },
    ];
    expect(rows.map(targetMet)).toEqual([true, false, true, undefined]);
    expect(summaryTable(rows).split("\n")).toEqual([
      "| measurement | value | floor | ratio | target | met? |",
      "|---|---:|---:|---:|---|---|",
      "| fast | 250 ms | 1000 ms (fresh) | 0.25× | ≤ 0.3× fresh | yes |",
      "| slow | 400 ms |  |  | ≤ 300 ms | **no** |",
      "| scales | 34.0 tasks/min | 20.0 tasks/min (c1) | 1.70× | ≥ 1.7× c1 | yes |",
      "| missing | n/a |  |  | ≤ 1 ms |  |",
    ]);
  });

  it("takes the median of what was measured", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
  });

  it("finds the requests that shrank (compaction)", () => {
    const turns = (bytes: number[]): LoopTurn[] => bytes.map((b, i) => ({ turn: i + 1, bytes: b, tokens: b / 4, items: i }));
    expect(shrinkingTurns(turns([10, 20, 30]))).toEqual([]);
    expect(shrinkingTurns(turns([10, 20, 5, 15, 12]))).toEqual([3, 5]);
  });
});

describe("bench options", () => {
  it("defaults to every part at the issue's sizes, and --quick to small ones", () => {
    expect(parseBenchArgs([])).toMatchObject({ parts: [...PARTS], files: 50_000, commits: 100_000, tasks: 100, concurrency: [1, 2, 4], turns: 40 });
    expect(parseBenchArgs(["--quick", "--only", "intake,loop", "--files", "300"])).toMatchObject({ parts: ["intake", "loop"], quick: true, files: 300, commits: 2000 });
  });

  it("refuses bad values with the flag's name", () => {
    expect(() => parseBenchArgs(["--files", "5k"])).toThrow(new BenchUsageError('--files must be a whole number of at least 1, not "5k"'));
    expect(() => parseBenchArgs(["--only", "overhead,speed"])).toThrow(/--only takes overhead, intake, .* not "speed"/);
    expect(() => parseBenchArgs(["--concurrency", "1,0"])).toThrow(/--concurrency must be a whole number of at least 1, not "0"/);
    expect(() => parseBenchArgs(["--fast"])).toThrow(BenchUsageError);
  });
});

describe("bench parts at tiny sizes", () => {
  let cache: string;
  let fixture: Fixture;
  beforeAll(async () => {
    cache = await mkdtemp(join(tmpdir(), "git-codex-bench-cache-"));
    fixture = await ensureFixture({ files: 40, commits: 200 }, { cacheDir: cache });
  });
  afterAll(() => rm(cache, { recursive: true, force: true }));

  it("intake's pre-filtered scan finds the history's trailer commits, and the plan has them and the task file's task", async () => {
    const result = await intakePart({ fixture, reps: 1, command: "intake", tmp: cache });
    // The part itself throws when the pre-filtered scan and a scan of every commit disagree.
    expect(result.text).toContain("then parsed: 8 commits");
    expect(result.text).toContain("plan: 9 tasks");
    expect(result.summary[0]).toMatchObject({ measurement: "trailer scan of 200 commits vs `git log`", unit: "ms", target: { op: "≤", limit: 1.5, on: "ratio" } });
    expect(result.summary[0]?.value).toBeGreaterThan(0);
    expect(result.summary[0]?.floor?.value).toBeGreaterThan(0);
  });

  it("agent loop records every request, each carrying the whole conversation", async () => {
    const records = await measureLoop(6, cache);
    expect(records.map((r) => r.turn)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(records.map((r) => r.items)).toEqual([1, 3, 5, 7, 9, 11]);
    for (const [i, r] of records.entries()) {
      if (i > 0) expect(r.bytes).toBeGreaterThan((records[i - 1] as LoopTurn).bytes);
      // The server counts request characters / 4; the client's bytes are the same body.
      expect(Math.abs(r.tokens * 4 - r.bytes)).toBeLessThan(r.bytes * 0.05);
    }
    const part = await loopPart({ turns: 4, command: "loop", tmp: cache });
    expect(part.text).toContain("compaction: not observed");
    expect(part.summary.map((row) => row.measurement)).toContain("agent loop: request bytes at turn 4 vs turn 1");
  });
});

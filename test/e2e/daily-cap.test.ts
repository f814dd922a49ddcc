import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { buildDeps, systemClock } from "../../src/cli/deps.ts";
import { openRepo } from "../../src/cli/open-repo.ts";
import { runOnce } from "../../src/run/run-once.ts";
import { createDailySpend, sumLedger, utcDay } from "../../src/run/daily-spend.ts";
import type { Clock } from "../../src/agent/types.ts";
import { runCli } from "../helpers/cli.ts";
import { createFakeClock } from "../helpers/fake-clock.ts";
import { startDaemon, type Daemon } from "../helpers/daemon.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel, type ScriptedModel } from "../helpers/model.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

let world: GitWorld;
let model: ScriptedModel | undefined;
let daemon: Daemon | undefined;

beforeEach(async () => {
  world = await createGitWorld();
});
afterEach(async () => {
  await daemon?.stop("SIGKILL");
  daemon = undefined;
  await model?.close();
  model = undefined;
  await world.dispose();
});

const TASKS = `version: 1
defaults:
  model: gpt-5.1-codex
tasks:
  first:
    prompt: "Do the first chore"
  second:
    prompt: "Do the second chore"
`;

/**
 * The first task's model reports $0.06225 of usage (gpt-5.1-codex prices): 1k input tokens
 * and then 40k, the second answer costing more than the agent could estimate, as a real
 * one can. That passes the $0.05 cap, so the second task must not start.
 */
async function serveTwoTasks(): Promise<Record<string, string | undefined>> {
  const [edit, done] = addFile("first.txt", "one");
  model = await startModel({
    "first chore": [{ ...edit, usage: { input: 1_000, output: 100, cached: 0 } }, { ...done, usage: { input: 40_000, output: 1_000, cached: 0 } }],
    "second chore": addFile("second.txt", "two"),
  });
  return { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-daily-cap" };
}

async function states(env: Record<string, string | undefined>): Promise<Record<string, string>> {
  const rows = JSON.parse((await runCli(["status", "--json"], { cwd: world.clone, env })).stdout) as { key?: string; status: string }[];
  return Object.fromEntries(rows.map((row) => [row.key ?? "?", row.status]));
}

const ledgerOf = (day: string): string => join(world.env.XDG_STATE_HOME as string, "git-codex", "spend", `${day}.jsonl`);

/** The system clock moved by `offsetMs`: leases, records and the ledger all see the same shifted date. */
const shiftedClock = (offsetMs: number): Clock => ({ now: () => systemClock.now() + offsetMs, sleep: systemClock.sleep });

describe("the daily spending cap", () => {
  it("keeps the next task queued once a day's spending passes the cap, across restarts, and runs it the next UTC day", async () => {
    const env = await serveTwoTasks();
    await world.commit({ ".codex-tasks.yml": TASKS }, "Two chores");

    const first = await runCli(["run", "--once", "--daily-usd", "0.05"], { cwd: world.clone, env });

    expect(first.exitCode, first.stderr).toBe(0);
    expect(await states(env)).toEqual({ first: "done", second: "queued" });
    expect(model?.requestsFor("second chore")).toBe(0);
    // The running task's budget was what the day had left: $0.05 buys at most 5 000 output tokens.
    const firstCap = model?.requests[0]?.body.max_output_tokens as number;
    expect(firstCap).toBeGreaterThan(1_024);
    expect(firstCap).toBeLessThan(5_000);
    const held = first.stderr.split("\n").filter((line) => line.includes("daily spending cap reached"));
    expect(held).toHaveLength(1);
    expect(held[0]).toMatch(/the daily spending cap of \$0\.05 is reached \(\$0\.062\d spent on \d{4}-\d{2}-\d{2} UTC\); queued tasks wait until \d{4}-\d{2}-\d{2} 00:00 UTC/);
    // Every request's cost is in the ledger of the day, so a restart knows it.
    const today = utcDay(Date.now());
    expect(sumLedger(await readFile(ledgerOf(today), "utf8"))).toEqual({ usd: expect.closeTo(0.06225, 10), unreadable: 0 });

    const restarted = await runCli(["run", "--once"], { cwd: world.clone, env: { ...env, GIT_CODEX_DAILY_USD: "0.05" } });
    expect(restarted.exitCode, restarted.stderr).toBe(0);
    expect(restarted.stderr).toContain("daily spending cap reached");
    expect(model?.requestsFor("second chore")).toBe(0);

    // The next UTC day: the same machine, its clock a day on.
    const logs = new PassThrough() as PassThrough & NodeJS.WriteStream;
    const deps = buildDeps({ env: { ...env, GIT_CODEX_LOG_FORMAT: "json" }, logStream: logs, dailyUsd: "0.05", clock: shiftedClock(DAY_MS) });
    const summary = await runOnce(await openRepo(world.clone, deps), deps);

    expect(summary.ran.map((status) => [status.spec?.key, status.state])).toEqual([["second", "done"]]);
    expect(model?.requestsFor("second chore")).toBe(2);
    expect(await states(env)).toEqual({ first: "done", second: "done" });
    expect(sumLedger(await readFile(ledgerOf(utcDay(Date.now() + DAY_MS)), "utf8")).usd).toBeGreaterThan(0);
  });

  it("refuses a daily cap that is not a positive amount, before touching anything", async () => {
    const env = await serveTwoTasks();
    await world.commit({ ".codex-tasks.yml": TASKS }, "Two chores");
    const remoteBefore = await world.git.run(["ls-remote", "origin"]);

    const flag = await runCli(["run", "--once", "--daily-usd", "five"], { cwd: world.clone, env });
    const fromEnv = await runCli(["run", "--once"], { cwd: world.clone, env: { ...env, GIT_CODEX_DAILY_USD: "-1" } });

    expect(flag).toMatchObject({ exitCode: 2 });
    expect(flag.stderr).toContain('--daily-usd "five" is not a positive amount of US dollars');
    expect(fromEnv).toMatchObject({ exitCode: 2 });
    expect(fromEnv.stderr).toContain('GIT_CODEX_DAILY_USD "-1" is not a positive amount of US dollars');
    expect(await world.git.run(["ls-remote", "origin"])).toBe(remoteBefore);
    expect(model?.requests).toHaveLength(0);
  });

  it("the daemon holds tasks at the cap, says why in its log and in status, and does not fail them", async () => {
    const env = await serveTwoTasks();
    const today = utcDay(Date.now());
    await mkdir(join(world.env.XDG_STATE_HOME as string, "git-codex", "spend"), { recursive: true });
    await writeFile(ledgerOf(today), JSON.stringify({ t: new Date().toISOString(), task: "earlier", usd: 1 }) + "\n");
    await world.commit({ ".codex-tasks.yml": TASKS }, "Two chores");

    daemon = startDaemon([world.clone, "--poll", "1h", "--daily-usd", "0.5"], { cwd: world.root, env });
    const line = await daemon.waitForLog((l) => l.msg === "daily spending cap reached: the task stays queued");

    expect(String(line.reason)).toContain(`the daily spending cap of $0.50 is reached ($1.0000 spent on ${today} UTC)`);
    const status = await runCli(["status"], { cwd: world.clone, env });
    const tomorrow = utcDay(Date.now() + DAY_MS);
    expect(status.stdout).toContain(`daily cap: $1.0000 of $0.50 spent on ${today} (UTC) — cap reached: queued tasks wait until ${tomorrow} 00:00 UTC`);
    expect(await states(env)).toEqual({ first: "queued", second: "queued" });
    expect(model?.requests).toHaveLength(0);
  });
});

describe("the daily ledger", () => {
  it("starts each UTC day from zero and sees what other processes of the machine spent", async () => {
    const clock = createFakeClock(Date.UTC(2025, 5, 30, 23, 58));
    const dir = join(world.root, "spend");
    const unreadable: number[] = [];
    const mine = createDailySpend({ dir, capUsd: 1, clock, onUnreadable: (_file, lines) => unreadable.push(lines) });
    const other = createDailySpend({ dir, capUsd: 1, clock });

    await mine.add(0.7, "a");
    await other.add(0.4, "b");
    expect(mine.leftUsd()).toBeCloseTo(0.3, 10);
    await mine.refresh();
    expect(mine.leftUsd()).toBe(0);
    expect(mine.blocked()).toEqual({ resumesAt: Date.UTC(2025, 6, 1), reason: "the daily spending cap of $1.00 is reached ($1.1000 spent on 2025-06-30 UTC); queued tasks wait until 2025-07-01 00:00 UTC" });
    expect(mine.snapshot()).toEqual({ day: "2025-06-30", capUsd: 1, spentUsd: expect.closeTo(1.1, 10), blockedUntil: "2025-07-01T00:00:00.000Z" });
    // A line cut short by a crash is reported, not silently taken for zero.
    await writeFile(join(dir, "2025-06-30.jsonl"), '{"usd": 0.2}\n{"usd": 0.', { flag: "a" });
    await mine.refresh();
    expect(unreadable).toEqual([1]);

    clock.advance(3 * 60_000);
    expect(mine.leftUsd()).toBe(1);
    expect(mine.blocked()).toBeUndefined();
    await mine.refresh();
    expect(mine.snapshot()).toEqual({ day: "2025-07-01", capUsd: 1, spentUsd: 0 });
    // Less left than a first request costs also holds a task back, and the snapshot says so.
    await mine.add(0.999, "c");
    expect(mine.blocked(0.01)?.reason).toMatch(/^the daily spending cap of \$1\.00 leaves \$0\.0010, less than a task's first request may cost \(\$0\.0100\)/);
    expect(mine.snapshot().blockedUntil).toBe("2025-07-02T00:00:00.000Z");
  });
});

describe("the machine's models file", () => {
  const modelsFile = (): string => join(world.env.XDG_CONFIG_HOME as string, "git-codex", "models.json");
  const localTask = `version: 1\ndefaults:\n  model: my-local-model\ntasks:\n  local:\n    prompt: "Do the local chore"\n`;

  it("prices a model the built-in table does not know, in the trailer and in status", async () => {
    const [edit, done] = addFile("local.txt", "hi");
    model = await startModel({ "local chore": [{ ...edit, usage: { input: 1_000, output: 100, cached: 0 } }, { ...done, usage: { input: 1_000, output: 100, cached: 0 } }] });
    const env = { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-models" };
    await mkdir(join(world.env.XDG_CONFIG_HOME as string, "git-codex"), { recursive: true });
    await writeFile(modelsFile(), JSON.stringify({ "my-local-model": { input: 10, output: 100, contextWindow: 32_768 } }));
    await world.commit({ ".codex-tasks.yml": localTask }, "A local chore");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(result.exitCode, result.stderr).toBe(0);
    // 2k input tokens at $10/M and 200 output tokens at $100/M.
    expect(await world.git.run(["log", "-1", "--format=%B", "codex/local"], { cwd: world.remote })).toMatch(/^Codex-Usage: input=2000 cached=0 output=200 turns=2 cost=\$0\.0400$/m);
    const rows = JSON.parse((await runCli(["status", "--json"], { cwd: world.clone, env })).stdout) as { usage?: { costUsd?: number } }[];
    expect(rows[0]?.usage?.costUsd).toBeCloseTo(0.04, 10);
    expect((await runCli(["status"], { cwd: world.clone, env })).stdout).toMatch(/2\.0k\/0\/200 \$0\.0400/);
  });

  it("refuses to run with an invalid models file, naming it, and claims nothing", async () => {
    model = await startModel({ "local chore": addFile("local.txt", "hi") });
    const env = { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-models" };
    await mkdir(join(world.env.XDG_CONFIG_HOME as string, "git-codex"), { recursive: true });
    await writeFile(modelsFile(), JSON.stringify({ "my-local-model": { input: "ten" } }));
    await world.commit({ ".codex-tasks.yml": localTask }, "A local chore");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${modelsFile()} is invalid:`);
    expect(result.stderr).toContain('my-local-model.input: expected a number ≥ 0, got "ten"');
    expect(await states(env)).toEqual({ local: "queued" });
    expect(model.requests).toHaveLength(0);
  });
});

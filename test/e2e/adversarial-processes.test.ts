import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { createArena, eventually, handToNobody, NOBODY, processesWith, runAttack, runOnceAsNobody, sandboxFor, sh, show, type Arena } from "../helpers/adversary.ts";

// Issue #5's adversarial suite, part 2: an attacker that forks a process bomb, sleeps
// forever, leaves a daemon or read-only folders behind (part 1, adversarial.test.ts: disk,
// git, secrets, network).

let arena: Arena;

beforeEach(async () => {
  arena = await createArena();
  await arena.world.commit({ "README.md": "# demo\n" }, "First");
});
afterEach(async () => {
  await arena.dispose();
});

/** A marker that is also a valid `sleep` duration, so the sleeps an attack starts carry it. */
const marker = () => `1000.${process.pid}${Math.floor(Math.random() * 1e9)}`;

const asRoot = process.getuid?.() === 0;

describe("an attacker's processes", () => {
  it("forks a process bomb: the command ends at its timeout, nothing of it survives, the task is recorded", async () => {
    // The kernel applies no process limit to uid 0: on a root host the daemon runs as nobody
    // here, as a normal user's would. Unbounded, a bomb would take the host: it runs only
    // where the sandbox's limit is shown to hold; elsewhere a bounded tree of the same shape.
    const who = asRoot ? NOBODY : "self";
    const limited = (await sandboxFor(who, arena.env)).processLimit;
    if (asRoot) await handToNobody(arena);
    const m = marker();
    const bomb = limited ? `bomb() { bomb | bomb & }; bomb; sleep ${m}` : `tree() { [ $1 -gt 0 ] && { tree $(($1-1)) & tree $(($1-1)) & }; sleep ${m}; }; tree 7`;

    const { run, ms, shown, calls } = await runAttack(arena, "bomb", [{ toolCalls: [sh(bomb, 3000)] }, { text: "Done." }], asRoot ? { run: runOnceAsNobody } : {});

    expect(run.exitCode, run.stderr).toBe(0);
    expect(ms).toBeLessThan(20_000);
    expect(calls[0]?.output).toMatch(/Timed out after 3000 ms and was killed/);
    if (limited) expect(calls[0]?.output).toMatch(/fork|Resource temporarily unavailable/i);
    expect(shown.status.state).toBe("no-changes");
    expect(await eventually(async () => (await processesWith(m)).length === 0)).toBe(true);
    // The host can still start processes.
    const probe = spawn("true");
    expect((await once(probe, "exit"))[0]).toBe(0);
  });

  it("sleeps forever: the per-command timeout kills it and the task goes on, honestly reported", async () => {
    const m = marker();
    const { run, ms, shown, calls } = await runAttack(arena, "sleep", [{ toolCalls: [sh(`sleep ${m}`, 2000)] }, { text: "Slept." }]);

    expect(run.exitCode, run.stderr).toBe(0);
    expect(ms).toBeLessThan(15_000);
    expect(calls[0]?.output).toMatch(/^Exit code: none$/m);
    expect(calls[0]?.output).toMatch(/Timed out after 2000 ms and was killed/);
    expect(shown.status.state).toBe("no-changes");
    expect(await eventually(async () => (await processesWith(m)).length === 0)).toBe(true);
  });

  it("leaves daemons behind (setsid, nohup, double fork): none outlives the run", async () => {
    const m = marker();
    const { run, shown, calls } = await runAttack(arena, "daemon", [
      { toolCalls: [sh(`setsid nohup sleep ${m} >/dev/null 2>&1 & (sleep ${m} >/dev/null 2>&1 &) ; echo started`)] },
      { text: "Done." },
    ]);

    expect(calls[0]?.output).toMatch(/^Exit code: 0$/m);
    expect(calls[0]?.output).toContain("started");
    expect(run.exitCode, run.stderr).toBe(0);
    expect(shown.status.state).toBe("no-changes");
    expect(await processesWith(m)).toEqual([]);
  });

  it("sleeps past the task's minutes budget: the run ends with the budget, recorded as such", async () => {
    const m = marker();
    const { run, shown, calls } = await runAttack(arena, "budget", [{ toolCalls: [sh(`sleep ${m}`, 2000)] }, { text: "Slept." }], { minutes: 0.02 });

    expect(run.exitCode).toBe(1);
    expect(shown.status.state).toBe("failed");
    expect(shown.status.reason).toBe("budget exhausted: 0.02 minutes");
    // Cut at what was left of the 1.2 s budget, not at the 2 s the model asked for.
    expect(calls[0]?.output).toMatch(/Timed out after 1\d{3} ms and was killed/);
    // The budget is checked before the next request: the model was not asked again.
    expect(arena.model.requests).toHaveLength(1);
    expect(await eventually(async () => (await processesWith(m)).length === 0)).toBe(true);
  });

  // budget.minutes is wall-clock time for the whole task: a command's timeout is capped at
  // what is left of it, whatever the model asks for (found by this test; fixed).
  it("ends a command that outlives the task's minutes budget at the budget, not at the command's own timeout", async () => {
    const m = marker();
    const { shown, calls } = await runAttack(arena, "overrun", [{ toolCalls: [sh(`sleep ${m}`, 6000)] }, { text: "Slept." }], { minutes: 0.02 });

    expect(shown.status.state).toBe("failed");
    expect(shown.status.reason).toBe("budget exhausted: 0.02 minutes");
    const wall = Number(/^Wall time: ([\d.]+) seconds$/m.exec(calls[0]?.output ?? "")?.[1]);
    expect(wall, "seconds the command ran").toBeLessThan(4);
  });
});

describe("what an attacker leaves behind", () => {
  // A folder its owner made read-only (Go's module cache is 0555) once broke cleanup: the
  // result was lost and every later start failed (found by this test; fixed in
  // src/util/remove-tree.ts). Root ignores the modes, so on a root host this runs as nobody.
  it("leaves read-only folders (like Go's module cache): the result still goes out, nothing is left, the next run works", async () => {
    if (asRoot) await handToNobody(arena);
    const runOnce = asRoot ? runOnceAsNobody : (a: Arena) => runCli(["run", "--once"], { cwd: a.world.clone, env: a.env });
    const mod = "$HOME/go/pkg/mod/example.com/x@v1.0.0";
    arena.attacker("attack readonly", [
      { toolCalls: [sh(`mkdir -p ${mod} build/out && echo x > ${mod}/x.go && echo y > build/out/y.txt && chmod -R a-w $HOME/go build && echo ok`)] },
      { text: "Built." },
    ]);
    const sha = await arena.world.commit({}, "Please\n\nCodex: attack readonly\n");

    const first = await runOnce(arena);
    const shown = await show(arena, `attack-readonly-${sha.slice(0, 7)}`);
    const second = await (async () => {
      arena.attacker("a harmless request", [{ text: "Nothing to do." }]);
      await arena.world.commit({}, "Then\n\nCodex: a harmless request\n");
      return runOnce(arena);
    })();

    // Soft: each of the four shows when run as a plain `it`.
    expect.soft({ exit: first.exitCode, state: shown.status.state, reason: shown.status.reason }, `the first run; its stderr:\n${first.stderr}`).toEqual({ exit: 0, state: "done", reason: undefined });
    expect.soft(await codexBranches(), "the result's branch").toContain(`refs/heads/codex/attack-readonly-${sha.slice(0, 7)}`);
    expect.soft(await slotsLeft(), "task folders left in the cache").toEqual([]);
    expect.soft({ exit: second.exitCode, stderr: second.stderr.split("\n").filter((l) => l.startsWith("git-codex:")) }, "the next run").toEqual({ exit: 0, stderr: [] });
    // The next run reset the pooled worktree, read-only folders and all, instead of replacing it.
    expect.soft(await pooledFiles(), "the pooled worktree after the next run").toEqual([[".git", "README.md"]]);
  });
});

async function codexBranches(): Promise<string> {
  return arena.world.git.run(["ls-remote", "origin", "refs/heads/codex/*"]);
}

async function slotsLeft(): Promise<string[]> {
  const root = join(arena.world.root, "cache", "git-codex", "worktrees");
  const repos = await readdir(root).catch(() => [] as string[]);
  return (await Promise.all(repos.map((r) => readdir(join(root, r))))).flat().filter((name) => name !== "pool");
}

/** What each pooled worktree holds: its `.git` file and the base's files. */
async function pooledFiles(): Promise<string[][]> {
  const root = join(arena.world.root, "cache", "git-codex", "worktrees");
  const pools = (await readdir(root).catch(() => [] as string[])).map((r) => join(root, r, "pool"));
  const worktrees = (await Promise.all(pools.map(async (pool) => (await readdir(pool)).map((name) => join(pool, name))))).flat();
  return Promise.all(worktrees.map(async (dir) => (await readdir(dir)).sort()));
}

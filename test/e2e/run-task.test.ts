import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ScriptedServer } from "../../src/demo/scripted-server.ts";
import { LEASE_MS } from "../../src/run/lease.ts";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel, startModelHangingFirst } from "../helpers/model.ts";
import { spawnCli } from "../helpers/spawn-cli.ts";

// `git codex run --task <id>`: one worker per task, as a CI matrix or a Kubernetes Job
// hosts them; every worker is its own process with its own clone and state, like a runner.

let world: GitWorld;
let server: ScriptedServer | undefined;

beforeEach(async () => {
  world = await createGitWorld();
  await world.commit({ "README.md": "# app\n" }, "Initial commit");
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await world.dispose();
});

interface Machine {
  clone: string;
  env: Record<string, string | undefined>;
}

/** A fresh runner: its own clone, cache and state folders (so no same-host takeover applies). */
async function machine(name: string, modelUrl: string): Promise<Machine> {
  const clone = await world.cloneAgain(name);
  return { clone, env: { ...world.env, XDG_CACHE_HOME: join(world.root, `${name}-cache`), XDG_STATE_HOME: join(world.root, `${name}-state`), OPENAI_BASE_URL: modelUrl, OPENAI_API_KEY: "sk-test-worker-key" } };
}

const tasks = (entries: Record<string, string>): string =>
  `version: 1\ntasks:\n${Object.entries(entries).map(([key, prompt]) => `  ${key}:\n    prompt: ${prompt}\n`).join("")}`;

async function enqueue(env: Record<string, string | undefined>): Promise<string[]> {
  const recorded = await runCli(["run", "--enqueue-only"], { cwd: world.clone, env });
  expect(recorded.exitCode, recorded.stderr).toBe(0);
  return listQueued(env);
}

async function listQueued(env: Record<string, string | undefined>): Promise<string[]> {
  const listed = await runCli(["run", "--list-queued", "--json"], { cwd: world.clone, env });
  expect(listed.exitCode, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout) as string[];
}

async function remoteStatus(id: string): Promise<{ state: string; attempts: number; lease?: { host: string } }> {
  return JSON.parse(await world.git.run(["show", `refs/codex/tasks/${id}:status.json`], { cwd: world.remote }));
}

async function auditLog(id: string): Promise<string[]> {
  return (await world.git.run(["log", "--format=%s", `refs/codex/tasks/${id}`], { cwd: world.remote })).trim().split("\n");
}

describe("git codex run --task", () => {
  it("four workers given the same task at once: exactly one runs it, three exit 3 saying it is claimed elsewhere", async () => {
    const model = await startModel({ "race task": addFile("race.txt", "won") });
    server = model;
    await world.commit({ ".codex-tasks.yml": tasks({ race: "Do the race task" }) }, "Add a task");
    const [id] = await enqueue({ ...world.env, OPENAI_BASE_URL: model.url });
    expect(id).toMatch(/^race-/);
    const machines = await Promise.all(["w1", "w2", "w3", "w4"].map((name) => machine(name, model.url)));

    const results = await Promise.all(machines.map((m) => spawnCli(["run", "--task", id as string], { cwd: m.clone, env: m.env }).done));

    expect(results.map((r) => r.code).sort(), results.map((r) => r.stderr).join("\n")).toEqual([0, 3, 3, 3]);
    for (const loser of results.filter((r) => r.code === 3)) {
      // Lost the compare-and-swap, or saw the winner's claim (or, on a slow start, its result) first.
      expect(loser.stderr).toMatch(/was claimed by another worker first|is claimed by \S+ \(run |is already done/);
      expect(loser.stderr).toContain("nothing was run");
    }
    expect(results.find((r) => r.code === 0)?.stdout).toMatch(new RegExp(`${id}\\s+done\\s+codex/race`));
    expect(model.requestsFor("race task"), "one conversation of two requests").toBe(2);
    expect(await remoteStatus(id as string)).toMatchObject({ state: "done", attempts: 1 });
    expect((await auditLog(id as string)).filter((s) => / running$/.test(s))).toHaveLength(1);
    expect(await world.git.run(["show", "codex/race:race.txt"], { cwd: world.remote })).toBe("won\n");
  });

  it("--enqueue-only records tasks and runs none; workers with distinct ids run each once and never another", async () => {
    const model = await startModel({ "alpha job": addFile("alpha.txt", "a"), "beta job": addFile("beta.txt", "b"), "gamma job": addFile("gamma.txt", "c") });
    server = model;
    await world.commit({ ".codex-tasks.yml": tasks({ alpha: "Do the alpha job", beta: "Do the beta job", gamma: "Do the gamma job" }) }, "Add three tasks");
    const env = { ...world.env, OPENAI_BASE_URL: model.url };

    const recorded = await runCli(["run", "--enqueue-only"], { cwd: world.clone, env });

    expect(recorded.exitCode, recorded.stderr).toBe(0);
    expect(recorded.stdout).toMatch(/3 task\(s\) wait for a worker/);
    expect(model.requests).toHaveLength(0);
    const ids = await listQueued(env);
    expect(ids.map((id) => id.split("-")[0])).toEqual(["alpha", "beta", "gamma"]);
    for (const id of ids) expect(await remoteStatus(id)).toMatchObject({ state: "queued" });
    expect((await runCli(["run", "--enqueue-only"], { cwd: world.clone, env })).stdout, "nothing new the second time: same three").toMatch(/3 task\(s\)/);

    const first = await machine("first", model.url);
    const alone = await spawnCli(["run", "--task", ids[0] as string], { cwd: first.clone, env: first.env }).done;
    expect(alone.code, alone.stderr).toBe(0);
    expect([model.requestsFor("alpha job"), model.requestsFor("beta job"), model.requestsFor("gamma job")]).toEqual([2, 0, 0]);
    expect(await listQueued(env)).toEqual(ids.slice(1));

    const rest = await Promise.all(ids.slice(1).map(async (id, i) => {
      const m = await machine(`rest-${i}`, model.url);
      return spawnCli(["run", "--task", id], { cwd: m.clone, env: m.env }).done;
    }));
    expect(rest.map((r) => r.code), rest.map((r) => r.stderr).join("\n")).toEqual([0, 0]);
    expect([model.requestsFor("alpha job"), model.requestsFor("beta job"), model.requestsFor("gamma job")]).toEqual([2, 2, 2]);
    for (const id of ids) expect(await remoteStatus(id)).toMatchObject({ state: "done", attempts: 1 });
    expect(await listQueued(env)).toEqual([]);
  });

  it("an unknown id exits 3 and an ambiguous prefix or a bad call exits 2, all changing nothing", async () => {
    const model = await startModel({});
    server = model;
    await world.commit({ ".codex-tasks.yml": tasks({ t1: "First", t2: "Second" }) }, "Add two tasks");
    const env = { ...world.env, OPENAI_BASE_URL: model.url };
    const ids = await enqueue(env);
    const before = await world.git.run(["for-each-ref"], { cwd: world.remote });

    const unknown = await runCli(["run", "--task", "no-such-task"], { cwd: world.clone, env });
    expect(unknown.exitCode).toBe(3);
    expect(unknown.stderr).toMatch(/no task "no-such-task" on the remote "origin"; nothing was run/);
    const ambiguous = await runCli(["run", "--task", "t"], { cwd: world.clone, env });
    expect(ambiguous.exitCode).toBe(2);
    expect(ambiguous.stderr).toMatch(/"t" matches 2 tasks[\s\S]*To resolve: give more of the task id/);
    const empty = await runCli(["run", "--task", ""], { cwd: world.clone, env });
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toMatch(/--task needs a task id/);
    const jsonAlone = await runCli(["run", "--task", ids[0] as string, "--json"], { cwd: world.clone, env });
    expect(jsonAlone.exitCode).toBe(2);
    expect(jsonAlone.stderr).toMatch(/--json goes with --list-queued/);
    const twoModes = await runCli(["run", "--enqueue-only", "--list-queued"], { cwd: world.clone, env });
    expect(twoModes.exitCode).toBe(2);
    expect(twoModes.stderr).toMatch(/--enqueue-only and --list-queued cannot be combined/);

    expect(await world.git.run(["for-each-ref"], { cwd: world.remote })).toBe(before);
    expect(await listQueued(env)).toEqual(ids);
    expect(model.requests).toHaveLength(0);
  });

  it("a finished task is not run again (exit 3); `git codex retry` makes it runnable by the same command", async () => {
    // The conversation's turns go on where they stopped: the retry adds a second file.
    const model = await startModel({ "once only": [...addFile("once.txt", "1"), ...addFile("again.txt", "2")] });
    server = model;
    await world.commit({ ".codex-tasks.yml": tasks({ once: "Do this once only" }) }, "Add a task");
    const env = { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-worker-key" };
    const [id] = await enqueue(env);
    const ran = await runCli(["run", "--task", "once"], { cwd: world.clone, env });
    expect(ran.exitCode, ran.stderr).toBe(0);

    const again = await runCli(["run", "--task", id as string], { cwd: world.clone, env });

    expect(again.exitCode).toBe(3);
    expect(again.stderr).toMatch(new RegExp(`${id} is already done \\(.+\\); nothing was run \\(\`git codex retry ${id}\` runs it again\\)`));
    expect(model.requestsFor("once only")).toBe(2);
    expect((await runCli(["retry", id as string], { cwd: world.clone, env })).exitCode).toBe(0);
    expect(await listQueued(env)).toEqual([id]);
    const retried = await runCli(["run", "--task", id as string], { cwd: world.clone, env });
    expect(retried.exitCode, retried.stderr).toBe(0);
    expect(model.requestsFor("once only"), "a second conversation").toBe(4);
    expect(await remoteStatus(id as string)).toMatchObject({ state: "done", attempts: 2 });
    expect(await world.git.run(["show", "codex/once:again.txt"], { cwd: world.remote })).toBe("2\n");
  });

  it("a worker killed mid-task holds the task until its lease expires, then another worker takes it over", async () => {
    const hanging = await startModelHangingFirst(addFile("survived.txt", "yes"));
    server = hanging.server;
    await world.commit({ ".codex-tasks.yml": tasks({ survive: "Survive a killed worker" }) }, "Add a task");
    const [id] = await enqueue({ ...world.env, OPENAI_BASE_URL: server.url });
    const [a, b] = await Promise.all([machine("a", server.url), machine("b", server.url)]);
    const killed = spawnCli(["run", "--task", id as string], { cwd: a.clone, env: a.env });
    await hanging.firstRequest;
    killed.child.kill("SIGKILL");
    expect((await killed.done).code).toBe("SIGKILL");
    expect(await remoteStatus(id as string)).toMatchObject({ state: "running" });

    const tooSoon = await spawnCli(["run", "--task", id as string], { cwd: b.clone, env: b.env }).done;
    expect(tooSoon.code).toBe(3);
    expect(tooSoon.stderr).toMatch(/is claimed by .+ \(run .+, lease until .+\); nothing was run here/);
    expect(await listQueued(b.env)).toEqual([]);

    // The lease is a fixed 2 minutes (src/run/lease.ts): the second worker's clock runs past it
    // (a preload moves Date.now) instead of the test waiting out the real time.
    const skew = join(world.root, "clock-skew.mjs");
    await writeFile(skew, `const real = Date.now; Date.now = () => real() + ${LEASE_MS + 60_000};\n`);
    const later = { ...b.env, NODE_OPTIONS: `--import=${skew}` };
    const listed = await spawnCli(["run", "--list-queued", "--json"], { cwd: b.clone, env: later }).done;
    expect(JSON.parse(listed.stdout), "listed again once the lease ran out").toEqual([id]);
    const takeover = await spawnCli(["run", "--task", id as string], { cwd: b.clone, env: later }).done;

    expect(takeover.code, takeover.stderr).toBe(0);
    expect(hanging.conversations()).toBe(2);
    expect(await remoteStatus(id as string)).toMatchObject({ state: "done", attempts: 2 });
    const log = await auditLog(id as string);
    expect(log.filter((s) => / running$/.test(s))).toHaveLength(2);
    expect(log.filter((s) => / done$/.test(s))).toHaveLength(1);
    expect(await world.git.run(["show", "codex/survive:survived.txt"], { cwd: world.remote })).toBe("yes\n");
  });
});

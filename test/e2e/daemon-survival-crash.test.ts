import { afterEach, describe, expect, it } from "vitest";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { startScriptedServer, type ScriptedServer, type ScriptTurn } from "../../src/demo/scripted-server.ts";
import { runCli } from "../helpers/cli.ts";
import { startDaemon, finished, type Daemon } from "../helpers/daemon.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel } from "../helpers/model.ts";
import { deferred } from "../helpers/spawn-cli.ts";

// Everything a test starts, stopped and removed after it whatever happened.
let worlds: GitWorld[] = [];
let servers: ScriptedServer[] = [];
let daemons: Daemon[] = [];

afterEach(async () => {
  await Promise.all(daemons.map((d) => d.stop("SIGKILL")));
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(worlds.map((w) => w.dispose()));
  [worlds, servers, daemons] = [[], [], []];
});

async function newWorld(): Promise<GitWorld> {
  const world = await createGitWorld();
  worlds.push(world);
  await world.commit({ "README.md": "# app\n" }, "Initial commit");
  return world;
}

function watch(args: string[], options: { cwd: string; env: Record<string, string | undefined> }): Daemon {
  const daemon = startDaemon(args, options);
  daemons.push(daemon);
  return daemon;
}

type Row = { id: string; status: string; reason?: string };

async function statuses(world: GitWorld, env: Record<string, string | undefined>): Promise<Row[]> {
  const result = await runCli(["status", "--json"], { cwd: world.clone, env });
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Row[];
}

async function findFiles(dir: string, match: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => match(e.name)).map((e) => join(e.parentPath, e.name));
}

describe("git codex watch survives", () => {
  it("a SIGKILL mid-task: restarted, it completes the task once and leaves no stray worktree, lock or claim", { timeout: 60_000 }, async () => {
    const world = await newWorld();
    const firstRequest = deferred();
    const [edit, done] = addFile("survived.txt", "survived") as [ScriptTurn, ScriptTurn];
    let conversations = 0;
    const server = await startScriptedServer({
      script: ({ body }): ScriptTurn | Promise<ScriptTurn> => {
        const input = JSON.stringify(body.input);
        if (!input.includes("function_call")) conversations++;
        if (conversations === 1) {
          firstRequest.resolve();
          return new Promise<ScriptTurn>(() => {}); // the model "thinks" until the daemon is killed
        }
        return input.includes("function_call_output") ? done : edit;
      },
    });
    servers.push(server);
    const env = { ...world.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test-kill-key" };
    const first = watch([world.clone, "--poll", "1h"], { cwd: world.root, env });
    await first.waitForLog((l) => l.msg === "watching");
    await world.commit({}, "Ask\n\nCodex: survive a kill\n");
    await firstRequest.promise;

    first.child.kill("SIGKILL");
    expect((await first.done).code).toBe("SIGKILL");
    const worktrees = async () => (await world.git.run(["worktree", "list", "--porcelain"])).match(/^worktree .*$/gm);
    const killedWith = await worktrees();
    expect(killedWith, "the killed daemon left its worktree").toHaveLength(2);
    const cacheDir = join(world.env.XDG_CACHE_HOME as string, "git-codex", "worktrees");
    const [repoDir] = await readdir(cacheDir);
    // Slots (a task's home and tmp) beside the pool of worktrees.
    const slots = async () => (await readdir(join(cacheDir, repoDir as string))).filter((name) => name !== "pool");
    expect(await slots(), "the killed daemon left its slot").toHaveLength(1);
    const second = watch([world.clone, "--poll", "1h"], { cwd: world.root, env });
    // Same host, same state dir, dead pid: taken over at once, long before the lease expires.
    const started = await second.waitForLog((l) => l.msg === "task started", 20_000);
    expect(started).toMatchObject({ attempt: 2 });
    const end = await second.waitForLog(finished(/^survive-a-kill-/), 20_000);
    expect(end).toMatchObject({ state: "done" });
    // Stopped cleanly, so no git call of its own is in flight while we look for locks.
    expect((await second.stop("SIGTERM")).code).toBe(0);

    const id = String(end.task);
    const { status } = JSON.parse((await runCli(["show", id, "--json"], { cwd: world.clone, env })).stdout) as { status: { state: string; attempts: number } };
    expect(status).toMatchObject({ state: "done", attempts: 2 });
    expect(conversations).toBe(2);
    const log = await world.git.run(["log", "--format=%s", `refs/codex/tasks/${id}`], { cwd: world.remote });
    expect(log.split("\n").filter((l) => / done$/.test(l))).toHaveLength(1);
    // The dead daemon's worktree is gone; the one that ran the task stays in the pool, unlocked, for the next task.
    const left = (await world.git.run(["worktree", "list", "--porcelain"])).split("\n\n").filter(Boolean);
    expect(left).toHaveLength(2);
    expect(left[1]).toMatch(/^worktree .*\/pool\/wt-/);
    expect(left[1]).not.toMatch(/^locked/m);
    expect(left[1]).not.toContain(killedWith?.[1]);
    expect(await slots(), "no slot is left").toEqual([]);
    expect(await findFiles(join(world.clone, ".git"), (n) => n.endsWith(".lock"))).toEqual([]);
    expect(await findFiles(world.remote, (n) => n.endsWith(".lock"))).toEqual([]);
    expect((await statuses(world, env)).filter((r) => r.status === "running")).toEqual([]);
  });

  it("a malformed task file pushed while it runs: recorded as invalid, and that repository's and another's tasks still run", { timeout: 45_000 }, async () => {
    const [first, second] = [await newWorld(), await newWorld()];
    const model = await startModel({ "first repository task": addFile("first.txt", "first"), "second repository task": addFile("second.txt", "second") });
    servers.push(model);
    const env = { ...first.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-two-repos-key" };
    const daemon = watch([first.clone, second.clone, "--poll", "1h"], { cwd: first.root, env });
    const watching = await daemon.waitForLog((l) => l.msg === "watching");
    expect(watching.repos).toEqual([first.clone, second.clone]);
    let exited = false;
    void daemon.done.then(() => (exited = true));

    await first.commit({ ".codex-tasks.yml": "version: 1\ntasks:\n  good:\n    prompt: [unclosed\n" }, "Add tasks\n\nCodex: do the first repository task\n");
    await second.commit({}, "Ask\n\nCodex: do the second repository task\n");
    await Promise.all([
      daemon.waitForLog(finished(/^do-the-first-repository-task-/), 30_000),
      daemon.waitForLog(finished(/^do-the-second-repository-task-/), 30_000),
    ]);

    const rows = await statuses(first, env);
    expect(rows.filter((r) => r.status === "invalid")).toEqual([expect.objectContaining({ id: expect.stringMatching(/^task-file-[0-9a-f]{8}$/), reason: expect.stringMatching(/^invalid YAML: /) })]);
    const shown = await runCli(["show", rows.find((r) => r.status === "invalid")?.id ?? ""], { cwd: first.clone, env });
    expect(shown.stdout).toMatch(/\.codex-tasks\.yml:\d+:\d+: /);
    expect(rows.find((r) => r.id.startsWith("do-the-first-repository-task-"))).toMatchObject({ status: "done" });
    expect(await statuses(second, env)).toEqual([expect.objectContaining({ id: expect.stringMatching(/^do-the-second-repository-task-/), status: "done" })]);
    expect(model.requestsFor("first repository task")).toBe(2);
    expect(model.requestsFor("second repository task")).toBe(2);
    expect(exited).toBe(false);
    expect(daemon.child.exitCode).toBeNull();
  });
});

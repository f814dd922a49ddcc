import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { ScriptedServer } from "../../src/demo/scripted-server.ts";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel, startModelHangingFirst } from "../helpers/model.ts";
import { spawnCli } from "../helpers/spawn-cli.ts";

let world: GitWorld;
let server: ScriptedServer | undefined;

beforeEach(async () => {
  world = await createGitWorld();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await world.dispose();
});

async function findFiles(dir: string, match: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => match(e.name)).map((e) => join(e.parentPath, e.name));
}

describe("a killed run", () => {
  it("is taken over by the next run on the same host: the task ends once, nothing stray is left", async () => {
    const hanging = await startModelHangingFirst(addFile("done.txt", "done"));
    server = hanging.server;
    const env = { ...world.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test-crash-key" };
    await world.commit({ ".codex-tasks.yml": "version: 1\ntasks:\n  survive:\n    prompt: Survive a crash\n" }, "Add a task");

    const first = spawnCli(["run", "--once"], { cwd: world.clone, env });
    await hanging.firstRequest;
    first.child.kill("SIGKILL");
    expect((await first.done).code).toBe("SIGKILL");

    const second = await runCli(["run", "--once"], { cwd: world.clone, env: { ...env } });

    expect(second.exitCode, second.stderr).toBe(0);
    const status = JSON.parse((await runCli(["show", "survive", "--json"], { cwd: world.clone, env })).stdout);
    expect(status.status).toMatchObject({ state: "done", attempts: 2 });
    expect(hanging.conversations()).toBe(2);
    const log = await world.git.run(["log", "--format=%s", "refs/codex/tasks/" + status.status.id], { cwd: world.remote });
    expect(log.split("\n").filter((l) => / done$/.test(l))).toHaveLength(1);
    // Besides the user's, one worktree: the second run's, unlocked in the pool for the next run; the killed run's is gone.
    const listed = (await world.git.run(["worktree", "list", "--porcelain"])).split("\n\n").filter(Boolean);
    expect(listed).toHaveLength(2);
    expect(listed[1]).toMatch(/^worktree .*\/pool\/wt-/);
    expect(listed[1]).not.toMatch(/^locked/m);
    const cache = join(world.env.XDG_CACHE_HOME as string, "git-codex", "worktrees");
    expect(await readdir(cache).then((d) => Promise.all(d.map((r) => readdir(join(cache, r)))))).toEqual([["pool"]]);
    expect(await readdir(cache).then((d) => Promise.all(d.map((r) => readdir(join(cache, r, "pool")))))).toEqual([[expect.stringMatching(/^wt-/)]]);
    expect(await findFiles(join(world.clone, ".git"), (n) => n.endsWith(".lock"))).toEqual([]);
    expect(await findFiles(world.remote, (n) => n.endsWith(".lock"))).toEqual([]);
  });
});

describe("two runners on one remote", () => {
  it("run each task exactly once between them and lose none", async () => {
    const markers = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];
    const model = await startModel(Object.fromEntries(markers.map((m) => [`task ${m}`, addFile(`${m}.txt`, m)])));
    server = model;
    const tasks = markers.map((m) => `  ${m}:\n    prompt: Do task ${m}\n`).join("");
    await world.commit({ ".codex-tasks.yml": `version: 1\ntasks:\n${tasks}` }, "Add tasks");
    const runners = await Promise.all(["machine-a", "machine-b"].map(async (name) => {
      const dir = await world.cloneAgain(name);
      const env = { ...world.env, XDG_CACHE_HOME: join(world.root, name, ".cache"), XDG_STATE_HOME: join(world.root, `${name}-state`), OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-race-key" };
      return { dir, env };
    }));

    const results = await Promise.all(runners.map(({ dir, env }) => spawnCli(["run", "--once"], { cwd: dir, env }).done));

    expect(results.map((r) => r.code), results.map((r) => r.stderr).join("\n")).toEqual([0, 0]);
    for (const m of markers) expect(model.requestsFor(`task ${m}`), m).toBe(2);
    const statuses = JSON.parse((await runCli(["status", "--json"], { cwd: world.clone, env: runners[0]!.env })).stdout) as { status: string }[];
    expect(statuses.map((s) => s.status)).toEqual(markers.map(() => "done"));
  });
});

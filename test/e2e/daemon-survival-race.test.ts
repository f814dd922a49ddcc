import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";
import { startDaemon, waitForTotal, type Daemon } from "../helpers/daemon.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel, type ScriptedModel } from "../helpers/model.ts";

let world: GitWorld;
let model: ScriptedModel | undefined;
let daemons: Daemon[] = [];

beforeEach(async () => {
  world = await createGitWorld();
  await world.commit({ "README.md": "# app\n" }, "Initial commit");
});
afterEach(async () => {
  await Promise.all(daemons.map((d) => d.stop("SIGKILL")));
  daemons = [];
  await model?.close();
  model = undefined;
  await world.dispose();
});

type Row = { id: string; status: string; key?: string };

async function statuses(cwd: string, env: Record<string, string | undefined>): Promise<Row[]> {
  const result = await runCli(["status", "--json"], { cwd, env });
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Row[];
}

describe("two daemons on one remote", () => {
  it("with their own state and clones run each of 20 tasks pushed at once exactly once, and lose none", { timeout: 150_000 }, async () => {
    const numbers = Array.from({ length: 20 }, (_, i) => String(i + 1).padStart(2, "0"));
    const swarm = await startModel(Object.fromEntries(numbers.map((n) => [`swarm task ${n}`, addFile(`swarm-${n}.txt`, n)])));
    model = swarm;
    const machines = await Promise.all(["machine-a", "machine-b"].map(async (name) => {
      const clone = await world.cloneAgain(name);
      const env = {
        ...world.env,
        XDG_CACHE_HOME: join(world.root, `${name}-cache`),
        XDG_STATE_HOME: join(world.root, `${name}-state`),
        OPENAI_BASE_URL: swarm.url,
        OPENAI_API_KEY: "sk-test-swarm-key",
      };
      return { clone, env };
    }));
    // Two tasks at once in each daemon (--per-repo defaults to 1, which would cap --concurrency).
    const [a, b] = machines.map(({ clone, env }) => startDaemon([clone, "--poll", "2s", "--concurrency", "2", "--per-repo", "2"], { cwd: world.root, env })) as [Daemon, Daemon];
    daemons.push(a, b);
    await Promise.all([a, b].map((d) => d.waitForLog((l) => l.msg === "watching")));

    const tasks = numbers.map((n) => `  t${n}:\n    prompt: Do swarm task ${n}\n`).join("");
    await world.commit({ ".codex-tasks.yml": `version: 1\ntasks:\n${tasks}` }, "Add 20 tasks");
    // Bounded below a lease (2 min): a task whose claim was left behind shows up as a timeout.
    await waitForTotal([a, b], (l) => l.msg === "task finished", 20, 100_000);

    const finished = [a, b].flatMap((d) => d.lines.filter((l) => l.msg === "task finished").map((l) => String(l.task)));
    expect(finished, "no task finished twice").toHaveLength(new Set(finished).size);
    for (const n of numbers) expect(swarm.requestsFor(`swarm task ${n}`), `conversations of task ${n}`).toBe(2);
    const rows = await statuses(world.clone, machines[0]!.env);
    expect(rows.map((r) => r.key).sort()).toEqual(numbers.map((n) => `t${n}`));
    expect(rows.map((r) => r.status)).toEqual(numbers.map(() => "done"));
  });
});

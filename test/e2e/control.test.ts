import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer, type ScriptTurn } from "../../src/demo/scripted-server.ts";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile } from "../helpers/model.ts";

let world: GitWorld;
let server: ScriptedServer;
let failing = true;

beforeEach(async () => {
  world = await createGitWorld();
  failing = true;
  const [edit, done] = addFile("retried.txt", "second time") as [ScriptTurn, ScriptTurn];
  server = await startScriptedServer({
    script: ({ body }) => {
      if (failing) return { error: { status: 400, body: { error: { message: "the model is having a bad day", type: "invalid_request_error" } } } };
      return JSON.stringify(body.input).includes("function_call_output") ? done : edit;
    },
  });
});
afterEach(async () => {
  await server.close();
  await world.dispose();
});

const env = () => ({ ...world.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test-control-key" });
const TASKS = "version: 1\ntasks:\n  flaky:\n    prompt: A flaky task\n";

async function show(cwd = world.clone) {
  return JSON.parse((await runCli(["show", "flaky", "--json"], { cwd, env: env() })).stdout).status;
}

describe("retry and cancel", () => {
  it("retry from another clone queues a failed task again, and the next run finishes it", async () => {
    await world.commit({ ".codex-tasks.yml": TASKS }, "Add a task");
    expect((await runCli(["run", "--once"], { cwd: world.clone, env: env() })).exitCode).toBe(1);
    expect(await show()).toMatchObject({ state: "failed", attempts: 1 });
    const other = await world.cloneAgain("other");

    const retry = await runCli(["retry", "flaky"], { cwd: other, env: env() });
    failing = false;
    const run = await runCli(["run", "--once"], { cwd: world.clone, env: env() });

    expect(retry.exitCode, retry.stderr).toBe(0);
    expect(retry.stdout).toMatch(/queued \(retry requested by Ada Lovelace\)/);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(await show()).toMatchObject({ state: "done", attempts: 2, branch: "codex/flaky" });
    const log = await runCli(["log", "flaky"], { cwd: world.clone, env: env() });
    expect(log.stdout.trim().split("\n").map((l) => l.replace(/^\S+\s+codex: flaky-\w+ /, ""))).toEqual([
      "queued",
      "running",
      expect.stringMatching(/^failed: .*bad day/),
      "queued: retry requested by Ada Lovelace",
      "running",
      "done",
    ]);
  });

  it("cancel of a queued task means no run ever starts it", async () => {
    await world.commit({ ".codex-tasks.yml": TASKS }, "Add a task");
    // Record the task as queued without running it: no key and no endpoint stops run --once before any claim.
    expect((await runCli(["run", "--once"], { cwd: world.clone, env: world.env })).exitCode).toBe(2);
    expect(await show()).toMatchObject({ state: "queued" });

    const cancel = await runCli(["cancel", "flaky"], { cwd: world.clone, env: env() });
    failing = false;
    const run = await runCli(["run", "--once"], { cwd: world.clone, env: env() });

    expect(cancel.exitCode, cancel.stderr).toBe(0);
    expect(run.exitCode).toBe(0);
    expect(await show()).toMatchObject({ state: "cancelled", reason: "cancelled by Ada Lovelace" });
    expect(server.requests).toHaveLength(0);
  });

  it("refuses to cancel a finished task, with exit 2 and what to do", async () => {
    failing = false;
    await world.commit({ ".codex-tasks.yml": TASKS }, "Add a task");
    expect((await runCli(["run", "--once"], { cwd: world.clone, env: env() })).exitCode).toBe(0);

    const cancel = await runCli(["cancel", "flaky"], { cwd: world.clone, env: env() });

    expect(cancel.exitCode).toBe(2);
    expect(cancel.stderr).toMatch(/is already done\n\s+To resolve: nothing to cancel/);
  });
});

describe("control trailers on the watched branch", () => {
  it("Codex-Retry: queues a failed task again and the same run finishes it", async () => {
    await world.commit({ ".codex-tasks.yml": TASKS }, "Add a task");
    expect((await runCli(["run", "--once"], { cwd: world.clone, env: env() })).exitCode).toBe(1);
    failing = false;

    await world.commit({}, "Try that again\n\nCodex-Retry: flaky\n");
    const run = await runCli(["run", "--once"], { cwd: world.clone, env: env() });

    expect(run.exitCode, run.stderr).toBe(0);
    expect(await show()).toMatchObject({ state: "done", attempts: 2 });
    const log = (await runCli(["log", "flaky"], { cwd: world.clone, env: env() })).stdout;
    expect(log).toMatch(/queued: retry requested by Ada Lovelace \([0-9a-f]{7}\)/);
  });

  it("Codex-Cancel: cancels a queued task before anything runs it, and is applied once", async () => {
    await world.commit({ ".codex-tasks.yml": TASKS }, "Add a task");
    expect((await runCli(["run", "--once"], { cwd: world.clone, env: world.env })).exitCode).toBe(2);

    await world.commit({}, "Not this one\n\nCodex-Cancel: flaky\n");
    failing = false;
    expect((await runCli(["run", "--once"], { cwd: world.clone, env: env() })).exitCode).toBe(0);
    expect((await runCli(["run", "--once"], { cwd: world.clone, env: env() })).exitCode).toBe(0);

    expect(await show()).toMatchObject({ state: "cancelled" });
    expect(server.requests).toHaveLength(0);
  });
});

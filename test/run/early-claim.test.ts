import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TaskScheduler } from "../../src/daemon/scheduler.ts";
import { runCli } from "../helpers/cli.ts";
import { finished, startDaemon, type Daemon } from "../helpers/daemon.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel, type ScriptedModel } from "../helpers/model.ts";

let world: GitWorld;
let model: ScriptedModel | undefined;
let daemon: Daemon | undefined;

beforeEach(async () => {
  world = await createGitWorld();
  // The bare remote keeps a log of every update of every ref: what each push did.
  await world.git.run(["config", "core.logAllRefUpdates", "always"], { cwd: world.remote });
});
afterEach(async () => {
  await daemon?.stop("SIGKILL");
  daemon = undefined;
  await model?.close();
  model = undefined;
  await world.dispose();
});

const env = () => ({ ...world.env, OPENAI_BASE_URL: model?.url, OPENAI_API_KEY: "sk-test-early-claim" });

/** The states a task's ref held on the remote, oldest first, one per update (push) of the ref. */
async function pushedStates(id: string): Promise<string[]> {
  const shas = (await world.git.run(["reflog", "show", "--format=%H", `refs/codex/tasks/${id}`], { cwd: world.remote })).trim().split("\n").reverse();
  return Promise.all(shas.map(async (sha) => (JSON.parse(await world.git.run(["show", `${sha}:status.json`], { cwd: world.remote })) as { state: string }).state));
}

/** The states of the record's own history, oldest first: its audit log. */
async function auditStates(id: string): Promise<string[]> {
  const shas = (await world.git.run(["rev-list", "--reverse", `refs/codex/tasks/${id}`], { cwd: world.remote })).trim().split("\n");
  return Promise.all(shas.map(async (sha) => (JSON.parse(await world.git.run(["show", `${sha}:status.json`], { cwd: world.remote })) as { state: string }).state));
}

async function taskIds(): Promise<string[]> {
  const refs = await world.git.run(["for-each-ref", "--format=%(refname)", "refs/codex/tasks/"], { cwd: world.remote });
  return refs.split("\n").filter(Boolean).map((ref) => ref.slice("refs/codex/tasks/".length));
}

describe("claiming a new task in the push that records it", () => {
  it("run --once creates the task's ref as running, on top of the queued record, and runs it once", async () => {
    model = await startModel({ license: addFile("LICENSE", "MIT") });
    await world.commit({ "a.txt": "a\n" }, "Start\n\nCodex: add a license file\n");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env: env() });

    expect(result.exitCode, result.stderr).toBe(0);
    const [id = ""] = await taskIds();
    expect((await pushedStates(id)).slice(0, 1)).toEqual(["running"]);
    expect(await auditStates(id)).toEqual(["queued", "running", "done"]);
    expect(model.requestsFor("license")).toBe(2);
    expect(result.stderr).not.toContain("another process claimed the task first");
  });

  it("records a new task as queued while an older one waits, and runs the older one first", async () => {
    model = await startModel({ older: addFile("older.txt", "1"), newer: addFile("newer.txt", "2") });
    await world.commit({}, "First\n\nCodex: the older request\n");
    expect((await runCli(["run", "--enqueue-only"], { cwd: world.clone, env: env() })).exitCode).toBe(0);
    await world.commit({}, "Second\n\nCodex: the newer request\n");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env: env() });

    expect(result.exitCode, result.stderr).toBe(0);
    const ids = await taskIds();
    const newer = ids.find((id) => id.startsWith("the-newer-request")) ?? "";
    const older = ids.find((id) => id.startsWith("the-older-request")) ?? "";
    expect((await pushedStates(newer))[0]).toBe("queued");
    expect(await auditStates(newer)).toEqual(["queued", "running", "done"]);
    const started = async (id: string) => (JSON.parse((await runCli(["show", id, "--json"], { cwd: world.clone, env: env() })).stdout) as { status: { startedAt: string } }).status.startedAt;
    expect(await started(older) < await started(newer)).toBe(true);
  });

  it("the daemon starts a pushed task with one push: the ref is created as running", async () => {
    model = await startModel({ greeting: addFile("hello.txt", "hello") });
    await world.commit({ "a.txt": "a\n" }, "Start");
    daemon = startDaemon([world.clone, "--poll", "1h"], { cwd: world.root, env: env() });
    await daemon.waitForLog((l) => l.msg === "watching");

    await world.commit({}, "Ask\n\nCodex: write a greeting\n");
    const end = await daemon.waitForLog(finished(/^write-a-greeting-/), 30_000);

    expect(end).toMatchObject({ state: "done" });
    const id = String(end.task);
    expect((await pushedStates(id)).slice(0, 1)).toEqual(["running"]);
    expect(await auditStates(id)).toEqual(["queued", "running", "done"]);
    expect(daemon.lines.filter((l) => l.msg === "task started")).toHaveLength(1);
  });
});

describe("TaskScheduler.idle", () => {
  it("is true only while a task submitted now would start at once", async () => {
    const scheduler = new TaskScheduler({ concurrency: 2, perRepo: 1 });
    expect(scheduler.idle("/a")).toBe(true);
    let release: () => void = () => {};
    const running = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const begun = new Promise<void>((resolve) => (started = resolve));
    scheduler.submit("/a", "t1", async () => {
      started();
      await running;
    });
    await begun;
    expect(scheduler.idle("/a")).toBe(false); // the repository's one slot is taken
    expect(scheduler.idle("/b")).toBe(true);
    scheduler.submit("/b", "t2", () => running);
    expect(scheduler.idle("/c")).toBe(false); // both slots overall are taken
    release();
    await scheduler.shutdown(1000);
    expect(scheduler.idle("/a")).toBe(false); // shutting down: nothing starts
  });
});

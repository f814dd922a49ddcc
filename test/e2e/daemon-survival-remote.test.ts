import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hostname } from "node:os";
import { join } from "node:path";
import { daemonStatusPath, readDaemonStatus } from "../../src/daemon/status-file.ts";
import { runCli } from "../helpers/cli.ts";
import { startDaemon, finished, type Daemon } from "../helpers/daemon.ts";
import { startGitDaemon, type GitDaemon } from "../helpers/git-daemon.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel, type ScriptedModel } from "../helpers/model.ts";

// The watched clone reaches its remote over git:// (a network URL): no file watcher can
// see a push into the remote, so only the daemon's polling of the remote notices it.
let world: GitWorld;
let gitDaemon: GitDaemon | undefined;
let model: ScriptedModel | undefined;
let daemon: Daemon | undefined;

beforeEach(async () => {
  world = await createGitWorld();
  await world.commit({ "README.md": "# app\n" }, "Initial commit");
  gitDaemon = await startGitDaemon(world.root, { env: world.env, probe: "remote.git" });
  await world.git.run(["remote", "set-url", "origin", gitDaemon.url("remote.git")]);
});
afterEach(async () => {
  await daemon?.stop("SIGKILL");
  daemon = undefined;
  await model?.close();
  model = undefined;
  await gitDaemon?.stop();
  gitDaemon = undefined;
  await world.dispose();
});

const env = (url: string) => ({ ...world.env, OPENAI_BASE_URL: url, OPENAI_API_KEY: "sk-test-survival-key", GIT_CODEX_LOG_LEVEL: "debug" });

/** Another person's clone pushes a commit asking for a task, by path, straight into the bare remote. */
async function pushFromAnotherClone(name: string, message: string): Promise<void> {
  const other = await world.cloneAgain(name);
  const git = world.git.at(other);
  await git.run(["commit", "--quiet", "--allow-empty", "-F", "-"], { input: message });
  await git.run(["push", "--quiet", "origin", "HEAD:refs/heads/main"]);
}

async function statusOf(id: RegExp, e: Record<string, string | undefined>) {
  const rows = JSON.parse((await runCli(["status", "--json"], { cwd: world.clone, env: e })).stdout) as { id: string; status: string }[];
  return rows.find((r) => id.test(r.id));
}

/**
 * Bounded re-check of the daemon's status file until every repository has finished a
 * cycle (nothing in the logs says so): a push made after this is not seen by the start.
 */
async function firstCycleDone(timeoutMs = 10_000): Promise<void> {
  const path = daemonStatusPath(join(world.env.XDG_STATE_HOME as string, "git-codex"));
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const status = await readDaemonStatus(path, hostname());
    if (status && status.repos.length > 0 && status.repos.every((r) => r.lastCycleAt)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the daemon did not finish its first cycle within ${timeoutMs} ms`);
}

const isAlive = (d: Daemon): boolean => d.child.exitCode === null && d.child.signalCode === null;

describe("git codex watch with a network remote", () => {
  it("picks up a push from another clone by polling the remote", { timeout: 45_000 }, async () => {
    model = await startModel({ "polled task": addFile("polled.txt", "polled") });
    // A first run records the baseline, so the daemon's start writes no ref and then idles.
    expect((await runCli(["run", "--once"], { cwd: world.clone, env: env(model.url) })).exitCode).toBe(0);
    daemon = startDaemon([world.clone, "--poll", "1s"], { cwd: world.root, env: env(model.url) });
    await daemon.waitForLog((l) => l.msg === "watching");
    // Only the clone's own git dir is watched: the remote is not on this disk.
    const watched = await daemon.waitForLog((l) => l.msg === "watching refs");
    expect(watched.dirs).toEqual([join(world.clone, ".git")]);
    await firstCycleDone();
    const pushedAt = daemon.lines.length;

    await pushFromAnotherClone("other", "Ask\n\nCodex: do the polled task\n");
    await daemon.waitForLog(finished(/^do-the-polled-task-/), 30_000);

    // The first look after the push was the poll's, and the task was recorded by it.
    const after = daemon.lines.slice(pushedAt);
    const firstCheck = after.findIndex((l) => l.msg === "checking for work");
    const recorded = after.findIndex((l) => l.msg === "recorded new tasks" && JSON.stringify(l.queued).includes("do-the-polled-task-"));
    expect(after[firstCheck]).toMatchObject({ reason: "remote" });
    expect(recorded, "the task was recorded after the poll noticed the push").toBeGreaterThan(firstCheck);
    expect(await statusOf(/^do-the-polled-task-/, env(model.url))).toMatchObject({ status: "done" });
    expect(model.requestsFor("polled task")).toBe(2);
  });

  it("keeps running while the remote is unreachable and catches up when it is back", { timeout: 45_000 }, async () => {
    model = await startModel({ "catch-up task": addFile("caught-up.txt", "caught up") });
    const git = gitDaemon as GitDaemon;
    daemon = startDaemon([world.clone, "--poll", "1s"], { cwd: world.root, env: env(model.url) });
    let exited = false;
    void daemon.done.then(() => (exited = true));
    await daemon.waitForLog((l) => l.msg === "watching");
    await firstCycleDone();

    await git.stop();
    const down = await daemon.waitForLog((l) => l.msg === "the remote is unreachable; backing off", 10_000);
    expect(down.level).toBe(40);
    // New work lands on the remote while this daemon cannot reach it.
    await pushFromAnotherClone("other", "Ask\n\nCodex: do the catch-up task\n");
    expect(exited).toBe(false);
    await git.start();

    await daemon.waitForLog((l) => l.msg === "the remote is reachable again; catching up", 20_000);
    await daemon.waitForLog(finished(/^do-the-catch-up-task-/), 30_000);

    const recovered = daemon.lines.findIndex((l) => l.msg === "the remote is reachable again; catching up");
    const recorded = daemon.lines.findIndex((l) => l.msg === "recorded new tasks" && JSON.stringify(l.queued).includes("do-the-catch-up-task-"));
    expect(recorded, "the task was recorded after the remote came back").toBeGreaterThan(recovered);
    expect(await statusOf(/^do-the-catch-up-task-/, env(model.url))).toMatchObject({ status: "done" });
    expect(model.requestsFor("catch-up task")).toBe(2);
    expect(exited).toBe(false);
    expect(isAlive(daemon)).toBe(true);
  });
});

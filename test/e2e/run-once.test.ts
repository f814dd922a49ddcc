import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rm } from "node:fs/promises";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel, type ScriptedModel } from "../helpers/model.ts";

const SECRET = "sk-test-SECRET-value-0123456789abcdef";

let world: GitWorld;
let model: ScriptedModel | undefined;

beforeEach(async () => {
  world = await createGitWorld();
});
afterEach(async () => {
  await model?.close();
  model = undefined;
  await world.dispose();
});

async function serve(conversations: Parameters<typeof startModel>[0]) {
  model = await startModel(conversations);
  return { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: SECRET };
}

const taskFile = (tasks: Record<string, string>, defaults = "") =>
  `version: 1\n${defaults}tasks:\n${Object.entries(tasks).map(([key, prompt]) => `  ${key}:\n    prompt: ${JSON.stringify(prompt)}\n`).join("")}`;

async function remoteRefs(): Promise<string> {
  return world.git.run(["ls-remote", "origin"]);
}

async function statusJson(env: Record<string, string | undefined>, cwd = world.clone) {
  const result = await runCli(["status", "--json"], { cwd, env });
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout) as { id: string; status: string; branch?: string; commit?: string; reason?: string }[];
}

describe("run --once", () => {
  it("turns a task-file task into a pushed codex/<key> branch with the protocol's trailers", async () => {
    const env = await serve({ greeting: addFile("greeting.txt", "hello") });
    const source = await world.commit({ "README.md": "# demo\n", ".codex-tasks.yml": taskFile({ greet: "Write a greeting file" }) }, "Add a task");
    const before = await world.snapshot();

    const result = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await world.snapshot()).toBe(before);
    const message = await world.git.run(["log", "-1", "--format=%an <%ae>%n%B", "origin/codex/greet"].map((a) => a.replace("origin/", "")), { cwd: world.remote });
    expect(message).toContain("git-codex <git-codex@noreply.invalid>");
    expect(message).toContain("Co-authored-by: Ada Lovelace <ada@example.com>");
    expect(message).toMatch(/^Codex-Task: greet-[0-9a-f]{8}$/m);
    expect(message).toContain(`Codex-Source: ${source}`);
    expect(message).toMatch(/^Codex-Run: \S+$/m);
    expect(message).toMatch(/^Codex-Usage: input=\d+ cached=\d+ output=\d+ turns=2/m);
    expect(message).toContain("Codex-Verify: skipped");
    expect(await world.git.run(["show", "codex/greet:greeting.txt"], { cwd: world.remote })).toBe("hello\n");
    const [task] = await statusJson(env);
    expect(task).toMatchObject({ status: "done", branch: "codex/greet" });
  });

  it("runs a Codex: trailer task from a commit message on its own branch", async () => {
    const env = await serve({ LICENSE: addFile("LICENSE", "MIT") });
    const sha = await world.commit({ "a.txt": "a" }, "Start a project\n\nCodex: add a LICENSE file\n");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(result.exitCode, result.stderr).toBe(0);
    const tasks = await statusJson(env);
    expect(tasks).toEqual([expect.objectContaining({ id: `add-a-license-file-${sha.slice(0, 7)}`, status: "done", branch: `codex/add-a-license-file-${sha.slice(0, 7)}` })]);
    expect(await world.git.run(["show", `${tasks[0]?.branch}:LICENSE`], { cwd: world.remote })).toBe("MIT\n");
  });

  it("makes two tasks of two trailers in one commit", async () => {
    const env = await serve({ "first thing": addFile("one.txt", "1"), "second thing": addFile("two.txt", "2") });
    await world.commit({ "a.txt": "a" }, "Two requests\n\nCodex: do the first thing\nCodex: do the second thing\n");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(result.exitCode, result.stderr).toBe(0);
    const tasks = await statusJson(env);
    expect(tasks.map((t) => t.status)).toEqual(["done", "done"]);
    expect(new Set(tasks.map((t) => t.branch)).size).toBe(2);
    expect(model?.requestsFor("first thing")).toBe(2);
    expect(model?.requestsFor("second thing")).toBe(2);
  });

  it("speaks Chat Completions when GIT_CODEX_API=chat", async () => {
    const env = { ...(await serve({ chatty: addFile("chat.txt", "via chat") })), GIT_CODEX_API: "chat" };
    await world.commit({ ".codex-tasks.yml": taskFile({ chat: "A chatty task" }) }, "Add a task");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(result.exitCode, result.stderr).toBe(0);
    expect(model?.requests.every((r) => r.path === "/v1/chat/completions")).toBe(true);
    expect(await world.git.run(["show", "codex/chat:chat.txt"], { cwd: world.remote })).toBe("via chat\n");
  });

  it("records no-changes and pushes no branch when the agent changes nothing", async () => {
    const env = await serve({ nothing: [{ text: "Everything is already fine." }] });
    await world.commit({ ".codex-tasks.yml": taskFile({ noop: "Check nothing" }) }, "Add a task");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await statusJson(env)).toEqual([expect.objectContaining({ status: "no-changes" })]);
    expect(await remoteRefs()).not.toContain("refs/heads/codex/");
  });

  it("fails a task on a model error, with the reason, and pushes nothing to codex/*", async () => {
    const env = await serve({ broken: [{ error: { status: 401, body: { error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } } } }] });
    await world.commit({ ".codex-tasks.yml": taskFile({ broken: "A broken task" }) }, "Add a task");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(result.exitCode).toBe(1);
    const [task] = await statusJson(env);
    expect(task?.status).toBe("failed");
    expect(task?.reason).toMatch(/OPENAI_API_KEY/);
    expect(await remoteRefs()).not.toContain("refs/heads/codex/");
  });

  it("fails a task that exhausts its turn budget, naming the budget", async () => {
    const loop = { toolCalls: [{ name: "shell", arguments: { command: ["true"] } }] };
    const env = await serve({ forever: [loop] });
    await world.commit({ ".codex-tasks.yml": taskFile({ forever: "Loop forever" }, "defaults:\n  budget: { turns: 3 }\n") }, "Add a task");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(result.exitCode).toBe(1);
    const [task] = await statusJson(env);
    expect(task).toMatchObject({ status: "failed" });
    expect(task?.reason).toMatch(/budget.*3 turns|3 turns/);
    expect(model?.requestsFor("forever")).toBe(3);
    expect(await remoteRefs()).not.toContain("refs/heads/codex/");
  });

  it("makes no model request and changes no ref when run again with nothing new", async () => {
    const env = await serve({ greeting: addFile("greeting.txt", "hello"), "trailer task": addFile("t.txt", "t") });
    await world.commit({ ".codex-tasks.yml": taskFile({ greet: "Write a greeting file" }) }, "Add a task\n\nCodex: also a trailer task\n");
    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);
    const refs = await remoteRefs();
    const requests = model?.requests.length;

    const again = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain("Nothing to do");
    expect((await statusJson(env)).map((t) => t.status)).toEqual(["done", "done"]);
    expect(model?.requests.length).toBe(requests);
    expect(await remoteRefs()).toBe(refs);
  });

  it("redoes nothing from a fresh clone with the cache deleted", async () => {
    const env = await serve({ greeting: addFile("greeting.txt", "hello"), "trailer task": addFile("t.txt", "t") });
    await world.commit({ ".codex-tasks.yml": taskFile({ greet: "Write a greeting file" }) }, "Add a task\n\nCodex: a trailer task too\n");
    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);
    const refs = await remoteRefs();
    const requests = model?.requests.length;
    await rm(world.env.XDG_CACHE_HOME as string, { recursive: true, force: true });
    const fresh = await world.cloneAgain("fresh");

    const again = await runCli(["run", "--once"], { cwd: fresh, env });

    expect(again.exitCode, again.stderr).toBe(0);
    expect(model?.requests.length).toBe(requests);
    expect(await remoteRefs()).toBe(refs);
    expect((await statusJson(env, fresh)).map((t) => t.status)).toEqual(["done", "done"]);
  });

  it("leaves the user's clone untouched: same HEAD, index, working tree and worktree list", async () => {
    const env = await serve({ greeting: addFile("greeting.txt", "hello") });
    await world.commit({ ".codex-tasks.yml": taskFile({ greet: "Write a greeting file" }) }, "Add a task");
    await world.commit({ "local.txt": "unpushed work" }, "Local work", { push: false });
    const { writeFile } = await import("node:fs/promises");
    await writeFile(`${world.clone}/dirty.txt`, "uncommitted");
    await world.git.run(["add", "dirty.txt"]);
    await writeFile(`${world.clone}/untracked.txt`, "untracked");
    const before = await world.snapshot();

    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);

    expect(await world.snapshot()).toBe(before);
    // Besides the user's own, only the bot's pooled worktree is listed: in its cache, unlocked, kept for the next run.
    const listed = (await world.git.run(["worktree", "list", "--porcelain"])).split("\n\n").filter(Boolean);
    expect(listed).toHaveLength(2);
    expect(listed[1]).toMatch(/^worktree .*\/cache\/git-codex\/worktrees\/[^/]+\/pool\/wt-/);
    expect(listed[1]).not.toMatch(/^locked/m);
  });

  it("keeps secrets out of the agent's commands, the transcript and the commit", async () => {
    const env = await serve({ environment: [{ toolCalls: [{ name: "shell", arguments: { command: ["env"] } }] }, ...addFile("env.txt", "checked")] });
    await world.commit({ ".codex-tasks.yml": taskFile({ env: "Print the environment" }) }, "Add a task");

    const run = await runCli(["run", "--once", "--since", "1d"], { cwd: world.clone, env: { ...env, GITHUB_TOKEN: "ghp_abcdefghijklmnopqrstuvwxyz0123456789", MY_SERVICE_PASSWORD: "hunter2hunter2", GIT_CODEX_LOG_LEVEL: "debug" } });
    expect(run.exitCode).toBe(0);

    const everything = await world.git.run(["log", "-p", "--all"], { cwd: world.remote });
    // The key itself goes to the model server in the Authorization header, as it must; never in a body.
    const requests = JSON.stringify(model?.requests.map((r) => r.body));
    for (const secret of [SECRET, "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "hunter2hunter2"]) {
      expect(everything).not.toContain(secret);
      expect(requests).not.toContain(secret);
      expect(run.stdout + run.stderr).not.toContain(secret);
    }
    expect(requests).toContain("PATH=");
  });
});

describe("what becomes a task", () => {
  it("does not replay trailers older than the since window on a first run", async () => {
    const env = await serve({ "fresh request": addFile("fresh.txt", "fresh"), "old request": addFile("old.txt", "old") });
    const old = await world.git.run(["commit", "--quiet", "--allow-empty", "-m", "Old\n\nCodex: an old request\n"], { env: { GIT_COMMITTER_DATE: "2001-01-01T00:00:00Z", GIT_AUTHOR_DATE: "2001-01-01T00:00:00Z" } });
    expect(old).toBe("");
    await world.commit({}, "New\n\nCodex: a fresh request\n");

    expect((await runCli(["run", "--once", "--since", "7d"], { cwd: world.clone, env })).exitCode).toBe(0);

    expect((await statusJson(env)).map((t) => t.id)).toEqual([expect.stringMatching(/^a-fresh-request-/)]);
    expect(model?.requestsFor("old request")).toBe(0);
  });

  it("never makes a task of the bot's own commits, whatever their message says", async () => {
    const env = await serve({ "loop forever": addFile("loop.txt", "loop") });
    await world.git.run(["commit", "--quiet", "--allow-empty", "-m", "codex result\n\nCodex: loop forever\n"], { env: { GIT_AUTHOR_NAME: "git-codex", GIT_AUTHOR_EMAIL: "git-codex@noreply.invalid" } });
    await world.git.run(["commit", "--quiet", "--allow-empty", "-m", "forged\n\nCodex: loop forever again\nCodex-Task: something-1234567\n"]);
    await world.git.run(["push", "--quiet", "origin", "HEAD:refs/heads/main"]);

    const result = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await statusJson(env)).toEqual([]);
    expect(model?.requests).toHaveLength(0);
  });

  it("runs agent commands in bubblewrap and records it in the task's state and the commit's trailers", async () => {
    const env = await serve({ greeting: addFile("greeting.txt", "hello") });
    await world.commit({ ".codex-tasks.yml": taskFile({ greet: "Write a greeting file" }) }, "Add a task");

    const run = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(run.exitCode, run.stderr).toBe(0);
    const { status } = JSON.parse((await runCli(["show", "greet", "--json"], { cwd: world.clone, env })).stdout);
    expect(status.sandbox).toBe("bubblewrap");
    expect(await world.git.run(["log", "-1", "--format=%B", "codex/greet"], { cwd: world.remote })).toContain("Codex-Sandbox: bubblewrap");
  });

  it("runs without a sandbox only when GIT_CODEX_SANDBOX=none, loudly, and records it", async () => {
    const env = { ...(await serve({ greeting: addFile("greeting.txt", "hello") })), GIT_CODEX_SANDBOX: "none" };
    await world.commit({ ".codex-tasks.yml": taskFile({ greet: "Write a greeting file" }) }, "Add a task");

    const run = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(run.stderr).toMatch(/WITHOUT an OS sandbox/);
    const { status } = JSON.parse((await runCli(["show", "greet", "--json"], { cwd: world.clone, env })).stdout);
    expect(status.sandbox).toBe("none");
    expect(await world.git.run(["log", "-1", "--format=%B", "codex/greet"], { cwd: world.remote })).toContain("Codex-Sandbox: none");
  });
});

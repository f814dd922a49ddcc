import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel, type ScriptedModel } from "../helpers/model.ts";

let world: GitWorld;
let model: ScriptedModel;
let env: Record<string, string | undefined>;
let person: string;

beforeEach(async () => {
  world = await createGitWorld();
  // Most specific marker first: a follow-up's prompt also quotes the task it continues.
  model = await startModel({
    "add a second file": addFile("second.txt", "second", "Added second.txt as asked."),
    "Write the first file, differently": addFile("first.txt", "other", "Wrote it differently."),
    "Write the first file": addFile("first.txt", "first", "Wrote first.txt."),
  });
  env = { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-review-key" };
  await world.commit({ ".codex-tasks.yml": "version: 1\ntasks:\n  first:\n    prompt: Write the first file\n" }, "Add a task");
  expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);
  person = await world.cloneAgain("person");
});
afterEach(async () => {
  await model.close();
  await world.dispose();
});

const remote = (args: string[]) => world.git.run(args, { cwd: world.remote });
const personGit = (args: string[], input?: string) => world.git.run(args, { cwd: person, ...(input ? { input } : {}) });

async function personCommitsOnBranch(message: string, file?: string): Promise<string> {
  await personGit(["fetch", "-q", "origin"]);
  await personGit(["checkout", "-q", "-B", "work", "origin/codex/first"]);
  if (file) await writeFile(join(person, file), "by a person\n");
  await personGit(["add", "-A"]);
  await personGit(["commit", "-q", "--allow-empty", "-F", "-"], message);
  await personGit(["push", "-q", "origin", "HEAD:refs/heads/codex/first"]);
  return (await personGit(["rev-parse", "HEAD"])).trim();
}

describe("the review loop", () => {
  it("appends a follow-up's result to the same branch, on top of the person's commit", async () => {
    const theirs = await personCommitsOnBranch("Looks good, one more thing\n\nCodex: add a second file\n");

    const run = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(run.exitCode, run.stderr).toBe(0);
    const log = (await remote(["log", "--format=%H %an", "main..codex/first"])).trim().split("\n");
    expect(log).toHaveLength(3);
    expect(log[0]).toMatch(/ git-codex$/);
    expect(log[1]).toBe(`${theirs} Ada Lovelace`);
    expect(await remote(["show", "codex/first:second.txt"])).toBe("second\n");
    expect(await remote(["show", "codex/first:first.txt"])).toBe("first\n");
    expect(await remote(["branch", "--list", "codex/*"])).not.toMatch(/codex\/add-a-second/);
    const request = JSON.stringify(model.requests.at(-1)?.body);
    expect(request).toContain("Write the first file");
    expect(request).toContain("Wrote first.txt.");
    expect(await remote(["log", "-1", "--format=%s", "codex/first"])).toBe("codex: add a second file\n");
  });

  it("never rewrites a branch a person committed to, and sends a changed task to a new branch", async () => {
    const theirs = await personCommitsOnBranch("My own tweak", "tweak.txt");
    await world.commit({ ".codex-tasks.yml": "version: 1\ntasks:\n  first:\n    prompt: Write the first file, differently\n" }, "Change the task");

    const run = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(run.exitCode, run.stderr).toBe(0);
    expect((await remote(["rev-parse", "codex/first"])).trim()).toBe(theirs);
    expect(await remote(["show", "codex/first-2:first.txt"])).toBe("other\n");
  });

  it("records a deleted branch as discarded and never recreates it", async () => {
    await personGit(["push", "-q", "origin", "--delete", "codex/first"]);
    const requests = model.requests.length;

    const run = await runCli(["run", "--once"], { cwd: world.clone, env });
    const again = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect([run.exitCode, again.exitCode]).toEqual([0, 0]);
    expect(await remote(["branch", "--list", "codex/*"])).toBe("");
    expect(model.requests.length).toBe(requests);
    const { status } = JSON.parse((await runCli(["show", "first", "--json"], { cwd: world.clone, env })).stdout);
    expect(status).toMatchObject({ state: "discarded", review: "discarded" });
  });

  it("records a result merged (even squashed) into main as done and merged", async () => {
    await personGit(["fetch", "-q", "origin"]);
    await personGit(["checkout", "-q", "main"]);
    await personGit(["merge", "-q", "--squash", "origin/codex/first"]);
    await personGit(["commit", "-q", "-m", "Squash codex/first"]);
    await personGit(["push", "-q", "origin", "main"]);
    await personGit(["push", "-q", "origin", "--delete", "codex/first"]);

    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);

    const { status } = JSON.parse((await runCli(["show", "first", "--json"], { cwd: world.clone, env })).stdout);
    expect(status).toMatchObject({ state: "done", review: "merged" });
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel, type ScriptedModel } from "../helpers/model.ts";
import { startGitHubStandIn, type StandIn } from "../forge/github-stand-in.ts";

let world: GitWorld;
let model: ScriptedModel;
let github: StandIn | undefined;

beforeEach(async () => {
  world = await createGitWorld();
  model = await startModel({
    "add a second file": addFile("second.txt", "second", "Added second.txt as asked."),
    "Write the first file": addFile("first.txt", "first", "Wrote first.txt."),
  });
  await world.commit({ ".codex-tasks.yml": "version: 1\ntasks:\n  first:\n    prompt: Write the first file\n" }, "Add a task");
});
afterEach(async () => {
  await github?.close();
  github = undefined;
  await model.close();
  await world.dispose();
});

async function withGitHub(basePath = "") {
  github = await startGitHubStandIn({ token: "ghp_standintoken0000000000000000000000", basePath });
  return { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-pr-key", GITHUB_TOKEN: "ghp_standintoken0000000000000000000000", GITHUB_API_URL: github.apiUrl, GITHUB_REPOSITORY: "octo/app" };
}

async function showJson(env: Record<string, string | undefined>) {
  return JSON.parse((await runCli(["show", "first", "--json"], { cwd: world.clone, env })).stdout).status;
}

describe("pull requests", () => {
  it("opens one draft PR with the summary and how to read the transcript, and records its URL", async () => {
    const env = await withGitHub();

    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);

    const pulls = github!.pulls("octo", "app");
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ head: "codex/first", base: "main", draft: true, state: "open" });
    expect(pulls[0]?.body).toContain("Wrote first.txt.");
    expect(pulls[0]?.body).toContain("git codex show first-");
    expect(pulls[0]?.labels.map((l) => l.name)).toEqual(["git-codex"]);
    expect(github!.problems).toEqual([]);
    expect((await showJson(env)).pullRequest).toMatchObject({ number: pulls[0]?.number });
  });

  it("updates the same PR for a follow-up instead of opening another", async () => {
    const env = await withGitHub();
    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);
    const person = await world.cloneAgain("person");
    const git = world.git.at(person);
    await git.run(["checkout", "-q", "-B", "work", "origin/codex/first"]);
    await writeFile(join(person, "note.txt"), "note\n");
    await git.run(["add", "-A"]);
    await git.run(["commit", "-q", "-m", "One more\n\nCodex: add a second file\n"]);
    await git.run(["push", "-q", "origin", "HEAD:refs/heads/codex/first"]);

    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);

    const pulls = github!.pulls("octo", "app");
    expect(pulls).toHaveLength(1);
    expect(pulls[0]?.body).toContain("Added second.txt as asked.");
    expect(github!.count("pulls/create")).toBe(1);
  });

  it("uses a GitHub Enterprise API URL", async () => {
    const env = await withGitHub("/api/v3");

    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);

    expect(github!.pulls("octo", "app")).toHaveLength(1);
    expect(github!.requests.every((r) => r.path.startsWith("/api/v3/"))).toBe(true);
  });

  it("without a token pushes the branch and says why there is no PR", async () => {
    const env = { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-pr-key", GITHUB_REPOSITORY: "octo/app" };

    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);

    const status = await showJson(env);
    expect(status.branch).toBe("codex/first");
    expect(status.pullRequestNote).toMatch(/no GITHUB_TOKEN or GH_TOKEN/);
    expect((await runCli(["show", "first"], { cwd: world.clone, env })).stdout).toMatch(/^PR\s+none: .*GITHUB_TOKEN/m);
  });
});

describe("a closed pull request", () => {
  it.each([
    [false, "discarded", "discarded", /pull request #1 was closed without merging/],
    [true, "done", "merged", /^merged$/],
  ])("merged=%s is recorded as %s (%s), once, and nothing is recreated", async (merged, state, review, reason) => {
    const env = await withGitHub();
    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);
    const [pull] = github!.pulls("octo", "app");
    Object.assign(pull!, { state: "closed", merged });

    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);
    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);

    const status = await showJson(env);
    expect(status).toMatchObject({ state, review });
    expect(status.reason).toMatch(reason);
    expect(github!.count("pulls/create")).toBe(1);
    const log = (await runCli(["log", "first"], { cwd: world.clone, env })).stdout;
    expect(log.match(review === "merged" ? / merged$/gm : / discarded: /gm)).toHaveLength(1);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";
import { startDaemon, finished, type Daemon } from "../helpers/daemon.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel, type ScriptedModel } from "../helpers/model.ts";
import { spawnCli } from "../helpers/spawn-cli.ts";
import { startGitHubStandIn, type StandIn } from "../forge/github-stand-in.ts";
import type { GitHubOperation } from "../helpers/github-spec.ts";

const TOKEN = "ghp_standintoken0000000000000000000000";
const COMMENT_CALLS: GitHubOperation[] = ["issues/list-comments", "repos/get-collaborator-permission-level", "reactions/create-for-issue-comment", "users/get-authenticated"];

let world: GitWorld;
let model: ScriptedModel;
let github: StandIn;
let env: Record<string, string | undefined>;
let daemon: Daemon | undefined;

beforeEach(async () => {
  world = await createGitWorld();
  model = await startModel({
    "add a second file": addFile("second.txt", "second", "Added second.txt as asked."),
    "Write the first file": addFile("first.txt", "first", "Wrote first.txt."),
  });
  github = await startGitHubStandIn({ token: TOKEN });
  env = { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-comment-key", GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.apiUrl, GITHUB_REPOSITORY: "octo/app" };
  await world.commit({ ".codex-tasks.yml": "version: 1\ntasks:\n  first:\n    prompt: Write the first file\n" }, "Add a task");
});
afterEach(async () => {
  await daemon?.stop("SIGKILL");
  daemon = undefined;
  expect(github.problems).toEqual([]);
  await github.close();
  await model.close();
  await world.dispose();
});

const remote = (args: string[]) => world.git.run(args, { cwd: world.remote });
const commentCalls = () => COMMENT_CALLS.reduce((sum, operation) => sum + github.count(operation), 0);

async function enable(dir = world.clone): Promise<void> {
  await world.git.run(["config", "codex.prComments", "true"], { cwd: dir });
}

async function runOnce(dir = world.clone) {
  const run = await runCli(["run", "--once"], { cwd: dir, env });
  expect(run.exitCode, run.stderr).toBe(0);
  return run;
}

async function tasks(): Promise<{ id: string; status: string; reason?: string }[]> {
  return JSON.parse((await runCli(["status", "--json"], { cwd: world.clone, env })).stdout);
}

async function show(id: string) {
  return JSON.parse((await runCli(["show", id, "--json"], { cwd: world.clone, env })).stdout).status;
}

/** The first result with its pull request, and a commit a person added to its branch. */
async function resultWithPersonsCommit(): Promise<string> {
  await runOnce();
  const person = await world.cloneAgain("person");
  const git = world.git.at(person);
  await git.run(["checkout", "-q", "-B", "work", "origin/codex/first"]);
  await writeFile(join(person, "note.txt"), "note\n");
  await git.run(["add", "-A"]);
  await git.run(["commit", "-q", "-m", "A note of mine"]);
  await git.run(["push", "-q", "origin", "HEAD:refs/heads/codex/first"]);
  return (await git.run(["rev-parse", "HEAD"])).trim();
}

describe("@codex comments on a result's pull request", () => {
  it("turn a writer's comment into one follow-up on the same branch and PR, once, however often and wherever it is read", async () => {
    await enable();
    const theirs = await resultWithPersonsCommit();
    github.grant("octo", "app", "ada", "write");
    const comment = github.comment("octo", "app", 1, { login: "ada", userId: 4242, body: "  @CODEX add a second file\n" });

    await runOnce();

    const log = (await remote(["log", "--format=%H %an", "main..codex/first"])).trim().split("\n");
    expect(log).toHaveLength(3);
    expect(log[0]).toMatch(/ git-codex$/);
    expect(log[1]).toBe(`${theirs} Ada Lovelace`);
    expect(await remote(["show", "codex/first:second.txt"])).toBe("second\n");
    expect(await remote(["log", "-1", "--format=%(trailers:key=Co-authored-by,valueonly)", "codex/first"])).toContain("ada <4242+ada@users.noreply.github.com>");
    expect(github.pulls("octo", "app")).toHaveLength(1);
    expect(github.count("pulls/create")).toBe(1);
    expect(github.pulls("octo", "app")[0]?.body).toContain("Added second.txt as asked.");
    expect(comment.reactions.map((r) => [r.content, r.login])).toEqual([["eyes", "git-codex-bot"]]);
    const first = (await tasks()).find((t) => t.id.startsWith("first-"));
    const status = await show(`comment-${comment.id}`);
    expect(status).toMatchObject({ state: "done", branch: "codex/first", comment: { id: comment.id, pull: 1, login: "ada", url: expect.stringContaining(`#issuecomment-${comment.id}`) } });
    expect(status.spec).toMatchObject({ followUp: { instruction: "add a second file", previousTask: first?.id }, requester: { name: "ada" } });
    expect(await remote(["log", "--format=%s", `refs/codex/tasks/comment-${comment.id}`])).toContain(`queued from pull request comment ${status.comment.url}`);
    expect((await remote(["for-each-ref", "--format=%(refname)", "refs/codex/pr-comments/"])).trim()).toBe("refs/codex/pr-comments/1");

    await runOnce();
    // Another machine, as a separate process, after the watermark was lost: the task id still says "recorded".
    await remote(["update-ref", "-d", "refs/codex/pr-comments/1"]);
    const other = await world.cloneAgain("other");
    await enable(other);
    const second = await spawnCli(["run", "--once"], { cwd: other, env }).done;
    expect(second.code, second.stderr).toBe(0);

    expect((await tasks()).filter((t) => t.id.startsWith("comment-"))).toEqual([expect.objectContaining({ id: `comment-${comment.id}`, status: "done" })]);
    expect(model.requestsFor("add a second file")).toBe(2);
    expect(comment.reactions).toHaveLength(1);
    expect((await remote(["log", "--format=%H", "main..codex/first"])).trim().split("\n")).toHaveLength(3);
  });

  it("records why it will not run a comment (no write access, a too-long instruction), and never runs it", async () => {
    await enable();
    await runOnce();
    github.grant("octo", "app", "eve", "read");
    github.grant("octo", "app", "ada", "write");
    const byReader = github.comment("octo", "app", 1, { login: "eve", body: "@codex add a second file" });
    const byStranger = github.comment("octo", "app", 1, { login: "mallory", body: "@codex add a second file" });
    const tooLong = github.comment("octo", "app", 1, { login: "ada", body: `@codex add a second file ${"and more ".repeat(500)}` });

    const run = await runOnce();
    await runOnce();

    expect(await show(`comment-${byReader.id}`)).toMatchObject({ state: "refused", reason: expect.stringMatching(/^@eve has read access to octo\/app; only users with write access may ask by pull request comment/) });
    expect(await show(`comment-${byStranger.id}`)).toMatchObject({ state: "refused", reason: expect.stringMatching(/^@mallory has no access to octo\/app/) });
    expect(await show(`comment-${tooLong.id}`)).toMatchObject({ state: "invalid", reason: expect.stringMatching(/is 4517 characters; the limit is 4000/) });
    expect(run.stderr).toMatch(/"msg":"refused: @eve has read access/);
    expect(model.requestsFor("add a second file")).toBe(0);
    expect([...byReader.reactions, ...byStranger.reactions, ...tooLong.reactions]).toEqual([]);
    expect(github.count("repos/get-collaborator-permission-level")).toBe(3);
  });

  it("reads no comment at all while codex.prComments is off (the default)", async () => {
    await runOnce();
    github.grant("octo", "app", "ada", "write");
    github.comment("octo", "app", 1, { login: "ada", body: "@codex add a second file" });

    await runOnce();
    await runOnce();

    expect(commentCalls()).toBe(0);
    expect((await tasks()).map((t) => t.id)).toEqual([expect.stringMatching(/^first-/)]);
  });

  it("ignores other comments, the bot's own, other bots', empty instructions, and old or edited ones", async () => {
    await enable();
    await runOnce();
    github.grant("octo", "app", "ada", "write");
    const chatter = github.comment("octo", "app", 1, { login: "ada", body: "Looks good, thanks @codex add a second file" });
    github.comment("octo", "app", 1, { login: "git-codex-bot", userId: 2, body: "@codex add a second file" });
    github.comment("octo", "app", 1, { login: "ci-helper[bot]", userType: "Bot", body: "@codex add a second file" });
    github.comment("octo", "app", 1, { login: "ada", body: "@codex   \n" });
    const last = github.comment("octo", "app", 1, { login: "ada", body: "@codexbot add a second file" });
    const old = github.comment("octo", "app", 1, { login: "ada", body: "@codex add a second file" });
    Object.assign(old, { createdAt: "2020-01-01T00:00:00Z" }); // written long before the PR, edited now

    await runOnce();
    Object.assign(chatter, { body: "@codex add a second file", updatedAt: new Date().toISOString().replace(/\.\d+Z$/, "Z") });
    await runOnce();

    expect((await tasks()).map((t) => t.id)).toEqual([expect.stringMatching(/^first-/)]);
    expect(model.requestsFor("add a second file")).toBe(0);
    expect(github.count("repos/get-collaborator-permission-level")).toBe(0);
    expect(github.count("reactions/create-for-issue-comment")).toBe(0);
    // One listing per open PR and run; the second starts where the first stopped.
    expect(github.requests.filter((r) => r.operation === "issues/list-comments").map((r) => r.query.since)).toEqual([expect.any(String), last.createdAt]);
    expect(JSON.parse(await remote(["show", "refs/codex/pr-comments/1:watermark.json"]))).toMatchObject({ pull: 1, lastId: last.id, since: last.createdAt });
  });

  it("in the daemon, reads comments once per poll and runs the follow-up", async () => {
    await enable();
    await runOnce();
    github.grant("octo", "app", "ada", "admin");
    const started = Date.now();
    daemon = startDaemon([world.clone, "--poll", "1s"], { cwd: world.root, env });
    await daemon.waitForLog((l) => l.msg === "watching");

    const comment = github.comment("octo", "app", 1, { login: "ada", body: "@codex add a second file" });
    await daemon.waitForLog(finished(new RegExp(`^comment-${comment.id}$`)), 30_000);

    expect(await remote(["show", "codex/first:second.txt"])).toBe("second\n");
    expect(comment.reactions.map((r) => r.content)).toEqual(["eyes"]);
    // The poller sleeps a whole interval before each read: never more reads than intervals.
    expect(github.count("issues/list-comments")).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000));
  });
});

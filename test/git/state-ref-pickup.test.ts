import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel, type ScriptedModel } from "../helpers/model.ts";

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

/** The git commands (subcommand and arguments) a traced run started itself, in order. */
async function gitCommands(trace: string): Promise<string[][]> {
  const events = (await readFile(trace, "utf8")).split("\n").filter(Boolean).map((line) => JSON.parse(line) as { event: string; sid: string; argv?: string[] });
  // Child processes of git (a push's pack-objects…) have a sid with a slash.
  const argvs = events.filter((e) => e.event === "start" && !e.sid.includes("/")).map((e) => e.argv ?? []);
  // Drop `git` and the runner's `-c key=value` pairs.
  return argvs.map((argv) => argv.slice(1).filter((arg, i, all) => arg !== "-c" && all[i - 1] !== "-c"));
}

describe("the records of a task", () => {
  it("are written without hash-object, mktree or ls-tree, the pickup's refs moving in one transaction", async () => {
    model = await startModel({ license: addFile("LICENSE", "MIT") });
    await world.commit({ "a.txt": "a\n" }, "Start\n\nCodex: add a license file\n");
    const trace = join(world.root, "trace.json");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env: { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test", GIT_TRACE2_EVENT: trace } });

    expect(result.exitCode, result.stderr).toBe(0);
    const commands = await gitCommands(trace);
    // The intake's own ls-tree reads the task file; none reads a record's tree.
    expect(commands.filter((argv) => argv[0] === "hash-object" || argv[0] === "mktree" || (argv[0] === "ls-tree" && !argv.includes(".codex-tasks.yml")))).toEqual([]);
    // The one commit-tree is the task's result, on the task's base.
    expect(commands.filter((argv) => argv[0] === "commit-tree")).toHaveLength(1);
    // Baseline, queued and running records in one transaction; the final record in one more.
    const moves = commands.filter((argv) => argv[0] === "update-ref" && argv.includes("git-codex"));
    expect(moves.map((argv) => (argv.includes("--stdin") ? "transaction" : argv[3]?.replace(/^refs\/codex\/tasks\/.*/, "record")))).toEqual(["transaction", "record"]);

    const [ref = ""] = (await world.git.run(["for-each-ref", "--format=%(refname)", "refs/codex/tasks/"], { cwd: world.remote })).split("\n");
    const states = await world.git.run(["log", "--format=%s", ref], { cwd: world.remote });
    expect(states.split("\n").filter(Boolean).map((line) => line.split(" ")[2])).toEqual(["done", "running", "queued"]);
    expect(await world.git.run(["cat-file", "-p", `${ref}:transcript.jsonl`], { cwd: world.remote })).toContain("LICENSE");
    const fsck = await world.git.probe(["fsck", "--strict", "--no-dangling"]);
    expect({ exitCode: fsck.exitCode, stderr: fsck.stderr }).toEqual({ exitCode: 0, stderr: "" });
  });
});

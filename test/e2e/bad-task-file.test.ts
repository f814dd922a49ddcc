import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel, type ScriptedModel } from "../helpers/model.ts";

let world: GitWorld;
let model: ScriptedModel;
let env: Record<string, string | undefined>;

beforeEach(async () => {
  world = await createGitWorld();
  model = await startModel({ "good task": addFile("good.txt", "good") });
  env = { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-key-for-bad-files" };
});
afterEach(async () => {
  await model.close();
  await world.dispose();
});

const GOOD = "  good:\n    prompt: Do the good task\n";

async function statuses() {
  const result = await runCli(["status", "--json"], { cwd: world.clone, env });
  return JSON.parse(result.stdout) as { id: string; status: string; reason?: string; key?: string }[];
}

async function showInvalid() {
  const invalid = (await statuses()).find((s) => s.status === "invalid");
  expect(invalid, "an invalid task is recorded").toBeDefined();
  return runCli(["show", invalid?.id ?? ""], { cwd: world.clone, env });
}

describe("a bad task file", () => {
  // Task-level problems: that task is recorded invalid, the good task still runs.
  it.each([
    ["an unknown key", `${GOOD}  typo:\n    promt: Hello\n`, /\.codex-tasks\.yml:6:5: unknown key "promt" in task "typo" \(did you mean "prompt"\?\)/],
    ["an empty prompt", `${GOOD}  empty:\n    prompt: "   "\n`, /\.codex-tasks\.yml:6:13: prompt in task "empty" is empty/],
    ["a non-string prompt", `${GOOD}  numeric:\n    prompt: 42\n`, /\.codex-tasks\.yml:6:13: prompt in task "numeric" must be a string, got 42/],
    ["a duplicate task key", `${GOOD}  twice:\n    prompt: one\n  twice:\n    prompt: two\n`, /\.codex-tasks\.yml:\d+:\d+: .*"twice".*twice/i],
  ])("with %s records that task as invalid, names the place, and still runs the others", async (_name, tasks, message) => {
    await world.commit({ ".codex-tasks.yml": `version: 1\ntasks:\n${tasks}` }, "Add tasks");

    const run = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toMatch(message);
    const all = await statuses();
    expect(all.find((s) => s.key === "good")?.status).toBe("done");
    expect(all.filter((s) => s.status === "invalid")).toHaveLength(1);
    expect((await showInvalid()).stdout).toMatch(message);
  });

  // File-level problems: the file is recorded invalid once; trailer tasks still run.
  it.each([
    ["malformed YAML", "version: 1\ntasks:\n  good:\n    prompt: [unclosed\n", /\.codex-tasks\.yml:\d+:\d+: /],
    ["a 5 MB file", `version: 1\ntasks:\n${GOOD}# ${"x".repeat(5 * 1024 * 1024)}\n`, /5242\d{3} bytes; the limit is 262144/],
    ["binary bytes", Buffer.concat([Buffer.from(`version: 1\ntasks:\n${GOOD}`), Buffer.from([0, 1, 2, 0xff, 0xfe])]), /binary|NUL/i],
  ])("with %s is recorded as one invalid record and trailer tasks still run", async (_name, content, message) => {
    await world.commit({ ".codex-tasks.yml": content }, "Add tasks\n\nCodex: do the good task from a trailer\n");

    const run = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toMatch(message);
    const all = await statuses();
    expect(all.filter((s) => s.status === "invalid").map((s) => s.id)).toEqual([expect.stringMatching(/^task-file-[0-9a-f]{8}$/)]);
    expect(all.find((s) => s.status !== "invalid")?.status).toBe("done");
    expect((await showInvalid()).stdout).toMatch(message);
  });

  it("is recorded once: a second run reports it again but writes nothing new", async () => {
    await world.commit({ ".codex-tasks.yml": `version: 1\ntasks:\n${GOOD}  typo:\n    promt: x\n` }, "Add tasks");
    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(2);
    const refs = await world.git.run(["ls-remote", "origin"]);

    const again = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(again.exitCode).toBe(2);
    expect(again.stdout).toMatch(/unknown key "promt"/);
    expect(await world.git.run(["ls-remote", "origin"])).toBe(refs);
  });
});

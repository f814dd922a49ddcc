import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel } from "../helpers/model.ts";
import { parseTaskFile } from "../../src/tasks/index.ts";

let world: GitWorld;

beforeEach(async () => {
  world = await createGitWorld();
});
afterEach(async () => {
  await world.dispose();
});

describe("the command line", () => {
  it("prints help listing the commands, exit 0", async () => {
    const result = await runCli(["--help"], { cwd: world.clone, env: world.env });
    expect(result.exitCode).toBe(0);
    for (const command of ["run", "status", "show", "log", "init", "doctor", "demo"]) expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  });

  it("exits 2 with a usage error for run without --once and for an unknown command", async () => {
    const run = await runCli(["run"], { cwd: world.clone, env: world.env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/--once/);
    expect((await runCli(["frobnicate"], { cwd: world.clone, env: world.env })).exitCode).toBe(2);
  });

  it("exits 2 outside a git repository, saying what to do", async () => {
    const result = await runCli(["status"], { cwd: tmpdir(), env: world.env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/not inside a git repository.*\n\s+To resolve: /);
  });

  it("exits 2 when no API key or endpoint is set, before claiming anything", async () => {
    await world.commit({ ".codex-tasks.yml": "version: 1\ntasks:\n  t:\n    prompt: anything\n" }, "Add a task");
    const result = await runCli(["run", "--once"], { cwd: world.clone, env: world.env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/OPENAI_API_KEY is not set/);
    const [task] = JSON.parse((await runCli(["status", "--json"], { cwd: world.clone, env: world.env })).stdout);
    expect(task.status).toBe("queued");
  });

  it("init writes a task file that parses, and refuses to overwrite it", async () => {
    const first = await runCli(["init"], { cwd: world.clone, env: world.env });
    expect(first.exitCode).toBe(0);
    const parsed = parseTaskFile(await readFile(`${world.clone}/.codex-tasks.yml`));
    expect(parsed.errors).toEqual([]);
    expect(Object.keys(parsed.file?.tasks ?? {}).length).toBeGreaterThan(0);
    const second = await runCli(["init"], { cwd: world.clone, env: world.env });
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(/already exists.*\n\s+To resolve: .*--force/);
  });

  it("doctor reports a reachable remote and a missing key", async () => {
    await world.commit({ "a.txt": "a" }, "First");
    const result = await runCli(["doctor"], { cwd: world.clone, env: world.env });
    expect(result.stdout).toMatch(/^ok\s+remote\s+origin is reachable/m);
    expect(result.stdout).toMatch(/^FAIL\s+model\s+OPENAI_API_KEY is not set/m);
    expect(result.exitCode).toBe(1);
  });

  it("show and log read a task's record and audit log from another clone", async () => {
    const model = await startModel({ audited: addFile("audit.txt", "a", "Wrote the audit file.") });
    try {
      const env = { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-show-key" };
      await world.commit({ ".codex-tasks.yml": "version: 1\ntasks:\n  audit:\n    prompt: An audited task\n" }, "Add a task");
      expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);
      const other = await world.cloneAgain("other");

      const show = await runCli(["show", "audit"], { cwd: other, env });
      const log = await runCli(["log", "audit"], { cwd: other, env });

      expect(show.exitCode).toBe(0);
      expect(show.stdout).toMatch(/^State\s+done/m);
      expect(show.stdout).toContain("Wrote the audit file.");
      expect(show.stdout).toMatch(/call apply_patch/);
      expect(log.stdout.trim().split("\n").map((line) => line.replace(/^\S+\s+/, ""))).toEqual([
        expect.stringMatching(/^codex: audit-\w+ queued$/),
        expect.stringMatching(/^codex: audit-\w+ running$/),
        expect.stringMatching(/^codex: audit-\w+ done$/),
      ]);
    } finally {
      await model.close();
    }
  });

  // Its duration is measured by `npm run bench`, not here.
  it("demo runs the whole pipeline offline with the scripted model and shows the result", async () => {
    const result = await runCli(["demo"], { cwd: tmpdir(), env: { PATH: process.env.PATH, HOME: world.env.HOME } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("SCRIPTED DEMO MODEL");
    expect(result.stdout).toMatch(/^Codex-Verify: passed$/m);
    expect(result.stdout).toMatch(/greet-by-name-\w+\s+done\s+codex\/greet-by-name/);
  });
});

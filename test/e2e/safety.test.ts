import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel, type ScriptedModel } from "../helpers/model.ts";

let world: GitWorld;
let model: ScriptedModel;
let env: Record<string, string | undefined>;
// Built at run time, so this repository holds no literal key.
const PRIVATE_KEY = ["-----BEGIN OPENSSH", "PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH", "PRIVATE KEY-----"].join(" ");

beforeEach(async () => {
  world = await createGitWorld();
  model = await startModel({
    "edit the workflow": addFile(".github/workflows/ci.yml", "on: push"),
    "commit a key": addFile("deploy/id_ed25519", PRIVATE_KEY),
    "a harmless request": addFile("ok.txt", "ok"),
  });
  env = { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-safety-key" };
});
afterEach(async () => {
  await model.close();
  await world.dispose();
});

async function task(id: RegExp) {
  const rows = JSON.parse((await runCli(["status", "--json"], { cwd: world.clone, env })).stdout) as { id: string; status: string; reason?: string; branch?: string }[];
  return rows.find((r) => id.test(r.id));
}

describe("what the bot refuses", () => {
  it("refuses a result that changes a workflow, records why, and pushes no branch", async () => {
    await world.commit({}, "Ask\n\nCodex: edit the workflow\n");

    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(1);

    const refused = await task(/^edit-the-workflow/);
    expect(refused?.status).toBe("failed");
    expect(refused?.reason).toMatch(/refused: .*\.github\/workflows\/ci\.yml.*allow: \["\.github\/workflows\/\*\*"\]/);
    expect(await world.git.run(["ls-remote", "origin", "refs/heads/codex/*"])).toBe("");
  });

  it("lets a task that allows the workflow path change it", async () => {
    await world.commit({ ".codex-tasks.yml": 'version: 1\ntasks:\n  ci:\n    prompt: Please edit the workflow\n    allow: [".github/workflows/**"]\n' }, "Add a task");

    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);

    expect(await world.git.run(["show", "codex/ci:.github/workflows/ci.yml"], { cwd: world.remote })).toBe("on: push\n");
  });

  it("refuses a result that commits a private key, without repeating the key anywhere", async () => {
    await world.commit({}, "Ask\n\nCodex: commit a key\n");

    expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(1);

    const refused = await task(/^commit-a-key/);
    expect(refused?.reason).toMatch(/possible secrets in the result, nothing pushed: "deploy\/id_ed25519" line 1: private key/i);
    expect(await world.git.run(["ls-remote", "origin", "refs/heads/codex/*"])).toBe("");
    const everything = await world.git.run(["log", "-p", "--all"], { cwd: world.remote });
    expect(everything).not.toContain("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ");
  });

  it("records a task from an author outside codex.trustAuthor as refused and never asks the model", async () => {
    await world.git.run(["config", "codex.trustAuthor", "*@trusted.example"]);
    await world.commit({}, "Ask\n\nCodex: a harmless request\n");

    const run = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(run.exitCode, run.stderr).toBe(0);
    const refused = await task(/^a-harmless-request/);
    expect(refused?.status).toBe("refused");
    expect(refused?.reason).toMatch(/ada@example\.com/);
    expect(model.requests).toHaveLength(0);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rename } from "node:fs/promises";
import { startScriptedServer, type ScriptedServer, type ScriptTurn } from "../../src/demo/scripted-server.ts";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile } from "../helpers/model.ts";

let world: GitWorld;
let server: ScriptedServer | undefined;

beforeEach(async () => {
  world = await createGitWorld();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await world.dispose();
});

describe("a dead remote", () => {
  it("at the start gives a clear error, exit 2, and changes nothing", async () => {
    await world.commit({ ".codex-tasks.yml": "version: 1\ntasks:\n  t:\n    prompt: anything\n" }, "Add a task");
    await world.git.run(["remote", "set-url", "origin", `${world.root}/gone.git`]);
    const before = await world.snapshot();

    const result = await runCli(["run", "--once"], { cwd: world.clone, env: { ...world.env, OPENAI_API_KEY: "sk-test-unused-key" } });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/cannot reach the remote "origin".*\n\s+To resolve: check the URL/);
    expect(await world.snapshot()).toBe(before);
  });

  it("at the final push keeps the result, and the next run pushes it without asking the model again", async () => {
    const remoteAway = `${world.remote}.away`;
    const [edit, finish] = addFile("kept.txt", "kept") as [ScriptTurn, ScriptTurn];
    let requests = 0;
    server = await startScriptedServer({
      script: async ({ body }) => {
        requests++;
        if (!JSON.stringify(body.input).includes("function_call_output")) return edit;
        await rename(world.remote, remoteAway); // the remote vanishes while the model answers
        return finish;
      },
    });
    const env = { ...world.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test-outbox-key" };
    await world.commit({ ".codex-tasks.yml": "version: 1\ntasks:\n  keep:\n    prompt: Keep the result\n" }, "Add a task");

    const first = await runCli(["run", "--once"], { cwd: world.clone, env });
    expect(first.exitCode).toBe(1);
    expect(first.stderr).toMatch(/saved locally and will be pushed by the next run/);
    await rename(remoteAway, world.remote);

    const second = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/pushed results saved by an earlier run/);
    expect(requests).toBe(2);
    const { status } = JSON.parse((await runCli(["show", "keep", "--json"], { cwd: world.clone, env })).stdout);
    expect(status).toMatchObject({ state: "done", attempts: 1, branch: "codex/keep" });
    expect(await world.git.run(["show", "codex/keep:kept.txt"], { cwd: world.remote })).toBe("kept\n");
    expect(await world.git.run(["for-each-ref", "refs/codex-outbox/"])).toBe("");
  });
});

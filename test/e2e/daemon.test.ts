import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer, type ScriptTurn } from "../../src/demo/scripted-server.ts";
import { runCli } from "../helpers/cli.ts";
import { startDaemon, finished, type Daemon } from "../helpers/daemon.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel } from "../helpers/model.ts";
import { deferred } from "../helpers/spawn-cli.ts";

let world: GitWorld;
let server: ScriptedServer | undefined;
let daemon: Daemon | undefined;

beforeEach(async () => {
  world = await createGitWorld();
  await world.commit({ "README.md": "# app\n" }, "Initial commit");
});
afterEach(async () => {
  await daemon?.stop("SIGKILL");
  daemon = undefined;
  await server?.close();
  server = undefined;
  await world.dispose();
});

const env = (url: string) => ({ ...world.env, OPENAI_BASE_URL: url, OPENAI_API_KEY: "sk-test-daemon-key" });

async function statusOf(id: RegExp, e: Record<string, string | undefined>) {
  const rows = JSON.parse((await runCli(["status", "--json"], { cwd: world.clone, env: e })).stdout) as { id: string; status: string; reason?: string }[];
  return rows.find((r) => id.test(r.id));
}

describe("git codex watch", () => {
  it("picks up a commit pushed from the watched clone without waiting for a poll", async () => {
    const model = await startModel({ "from the daemon": addFile("daemon.txt", "hi") });
    server = model;
    daemon = startDaemon([world.clone, "--poll", "1h"], { cwd: world.root, env: env(model.url) });
    await daemon.waitForLog((l) => l.msg === "watching");

    await world.commit({}, "Ask\n\nCodex: say hi from the daemon\n");
    await daemon.waitForLog(finished(/^say-hi-from-the-daemon-/));

    expect(await statusOf(/^say-hi/, env(model.url))).toMatchObject({ status: "done" });
    const status = await runCli(["status"], { cwd: world.clone, env: env(model.url) });
    expect(status.stdout).toMatch(/^Daemon: pid \d+/m);
  });

  it("stops a running task within seconds when it is cancelled from another clone", async () => {
    const started = deferred();
    server = await startScriptedServer({
      script: ({ body }): ScriptTurn | Promise<ScriptTurn> => {
        started.resolve();
        // The model keeps the agent busy with a slow command until it is cancelled.
        return JSON.stringify(body.input).includes("function_call_output") ? { text: "never reached" } : { toolCalls: [{ name: "shell", arguments: { command: ["sleep", "60"] } }] };
      },
    });
    daemon = startDaemon([world.clone, "--poll", "1h"], { cwd: world.root, env: env(server.url) });
    await daemon.waitForLog((l) => l.msg === "watching");
    await world.commit({}, "Ask\n\nCodex: take a long time\n");
    await started.promise;
    const other = await world.cloneAgain("other");

    const cancel = await runCli(["cancel", "take-a-long-time"], { cwd: other, env: env(server.url) });
    expect(cancel.exitCode, cancel.stderr).toBe(0);
    const t0 = performance.now();
    await daemon.waitForLog((l) => l.msg === "the task was cancelled or taken over while it ran; its result is dropped", 15_000);

    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(await statusOf(/^take-a-long-time/, env(server.url))).toMatchObject({ status: "cancelled", reason: "cancelled by Ada Lovelace" });
    expect(await world.git.run(["ls-remote", "origin", "refs/heads/codex/*"])).toBe("");
  });

  it("on SIGTERM lets the running task finish within the grace period, then exits 0", async () => {
    const gate = deferred<ScriptTurn>();
    const started = deferred();
    const [edit, done] = addFile("graceful.txt", "ok") as [ScriptTurn, ScriptTurn];
    server = await startScriptedServer({
      script: ({ body }) => {
        if (JSON.stringify(body.input).includes("function_call_output")) return done;
        started.resolve();
        return gate.promise;
      },
    });
    daemon = startDaemon([world.clone, "--poll", "1h", "--grace", "30s"], { cwd: world.root, env: env(server.url) });
    await daemon.waitForLog((l) => l.msg === "watching");
    await world.commit({}, "Ask\n\nCodex: finish gracefully\n");
    await started.promise;

    daemon.child.kill("SIGTERM");
    await daemon.waitForLog((l) => String(l.msg).startsWith("shutting down"));
    gate.resolve(edit);

    expect((await daemon.done).code).toBe(0);
    expect(await statusOf(/^finish-gracefully/, env(server.url))).toMatchObject({ status: "done" });
  });
});

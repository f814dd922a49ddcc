import { createServer, type Server } from "node:http";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer, type ScriptTurn } from "../../src/demo/scripted-server.ts";
import { runCli } from "../helpers/cli.ts";
import { finished, startDaemon, type Daemon } from "../helpers/daemon.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile } from "../helpers/model.ts";
import { deferred } from "../helpers/spawn-cli.ts";

let world: GitWorld;
let model: ScriptedServer | undefined;
let daemon: Daemon | undefined;
let gatekeeper: Server | undefined;

beforeEach(async () => {
  world = await createGitWorld();
  await world.commit({ "README.md": "# app\n" }, "Initial commit");
});
afterEach(async () => {
  await daemon?.stop("SIGKILL");
  daemon = undefined;
  gatekeeper?.closeAllConnections();
  await new Promise((resolve) => (gatekeeper ? gatekeeper.close(resolve) : resolve(undefined)));
  gatekeeper = undefined;
  await model?.close();
  model = undefined;
  await world.dispose();
});

/**
 * A pre-receive hook on the remote that holds every push of a `refs/heads/<branch>*` ref
 * until the test lets it go: it asks a server of the test and waits for the answer.
 */
async function holdPushesOf(branch: string): Promise<{ held: Promise<void>; release: () => void }> {
  const held = deferred();
  const released = deferred();
  gatekeeper = createServer((_req, res) => {
    held.resolve();
    void released.promise.then(() => res.end("go"));
  });
  await new Promise<void>((resolve) => gatekeeper?.listen(0, "127.0.0.1", resolve));
  const address = gatekeeper.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const script = join(world.root, "hold-hook.mjs");
  await writeFile(script, [
    `import { get } from "node:http";`,
    `let input = ""; for await (const chunk of process.stdin) input += chunk;`,
    `if (!input.split("\\n").some((line) => line.split(" ")[2]?.startsWith(${JSON.stringify(`refs/heads/${branch}`)}))) process.exit(0);`,
    `get("http://127.0.0.1:${port}/held", (res) => { res.resume(); res.on("end", () => process.exit(0)); }).on("error", () => process.exit(1));`,
  ].join("\n"));
  const hook = join(world.remote, "hooks", "pre-receive");
  await writeFile(hook, `#!/bin/sh\nexec "${process.execPath}" "${script}"\n`);
  await chmod(hook, 0o755);
  return { held: held.promise, release: () => released.resolve() };
}

describe("git codex watch with --concurrency 2", () => {
  it("records and pushes a second task's result while the first one's final push is still on its way", async () => {
    const hold = await holdPushesOf("codex/hold-the-push");
    // The quick task's agent waits until the slow task's result push is held by the remote.
    const gate = deferred<ScriptTurn>();
    const [quickEdit, quickDone] = addFile("quick.txt", "quick") as [ScriptTurn, ScriptTurn];
    const [holdEdit, holdDone] = addFile("held.txt", "held") as [ScriptTurn, ScriptTurn];
    model = await startScriptedServer({
      script: ({ body }) => {
        const input = JSON.stringify(body.input);
        const answered = input.includes("function_call_output");
        if (input.includes("quick one")) return answered ? quickDone : gate.promise;
        return answered ? holdDone : holdEdit;
      },
    });
    const env = { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-concurrency-key" };
    daemon = startDaemon([world.clone, "--poll", "1h", "--concurrency", "2", "--per-repo", "2"], { cwd: world.root, env });
    await daemon.waitForLog((l) => l.msg === "watching");

    await world.commit({}, "Two tasks\n\nCodex: hold the push\nCodex: quick one\n");
    await hold.held;
    gate.resolve(quickEdit);
    // Before, every task's record-and-push steps took the repository's one lock in turn:
    // this waited for the held push and timed out.
    await daemon.waitForLog(finished(/^quick-one-/), 60_000);
    expect(daemon.lines.filter(finished(/^hold-the-push-/)), "the held task is still pushing").toHaveLength(0);
    hold.release();
    await daemon.waitForLog(finished(/^hold-the-push-/), 60_000);

    const rows = JSON.parse((await runCli(["status", "--json"], { cwd: world.clone, env })).stdout) as { id: string; status: string }[];
    expect(rows.map((r) => [r.id.replace(/-[0-9a-f]{7}(-\d+)?$/, ""), r.status]).sort()).toEqual([["hold-the-push", "done"], ["quick-one", "done"]]);
    const branches = await world.git.run(["ls-remote", "origin", "refs/heads/codex/*"]);
    expect(branches).toMatch(/refs\/heads\/codex\/hold-the-push-/);
    expect(branches).toMatch(/refs\/heads\/codex\/quick-one-/);
  });
});

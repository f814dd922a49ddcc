import { spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBubblewrapExecutor } from "../../src/sandbox/bubblewrap.ts";
import { bwrapAsUnprivileged, createSandboxWorld, hasBwrap, NOBODY, processesWith, uniqueMarker, type SandboxWorld } from "./helpers.ts";
import { waitUntil } from "../unit/helpers.ts";

// RLIMIT_NPROC binds every uid but the host's 0, so on a root host these tests run bwrap
// as nobody over a world nobody owns: what a daemon run by a normal user gets.
describe.skipIf(!hasBwrap)("process limits and teardown (real bwrap)", () => {
  let world: SandboxWorld;
  let bwrap: string;
  // The bomb runs only once the limit is shown to hold: unbounded, it would take the host.
  let limitHolds = false;
  beforeAll(async () => {
    world = await createSandboxWorld(process.getuid?.() === 0 ? { owner: NOBODY } : {});
    bwrap = await bwrapAsUnprivileged(world.root);
  });
  afterAll(() => world[Symbol.asyncDispose]());

  it("refuses the fork past maxProcesses: a loop of background sleeps stops early", async () => {
    const marker = uniqueMarker();
    const executor = createBubblewrapExecutor(world.policy({ maxProcesses: 10 }), { bwrap });
    const script = `i=0; while [ $i -lt 50 ]; do sleep ${marker} & i=$((i+1)); echo $i; done`;
    const result = await executor.run({ argv: ["sh", "-c", script], cwd: world.worktree, timeoutMs: 20_000 });
    const started = Number(result.stdout.trim().split("\n").at(-1));
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/fork/i);
    // bwrap's init and the shell count too.
    expect(started).toBeLessThanOrEqual(8);
    expect(await waitUntil(() => processesWith(marker).length === 0)).toBe(true);
    limitHolds = true;
  });

  it("contains a fork bomb: it ends at the timeout, the host keeps going, nothing is left", async (context) => {
    if (!limitHolds) context.skip();
    const marker = uniqueMarker();
    const executor = createBubblewrapExecutor(world.policy({ maxProcesses: 64 }), { bwrap });
    const bomb = `bomb() { bomb | bomb & }; bomb; sleep ${marker}`;
    const started = performance.now();
    const result = await executor.run({ argv: ["sh", "-c", bomb], cwd: world.worktree, timeoutMs: 2000 });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.exitCode === null || result.exitCode !== 0).toBe(true);
    expect(await waitUntil(() => processesWith(marker).length === 0, 5000)).toBe(true);
    // The host can still start processes.
    const echo = spawn("true");
    expect((await once(echo, "exit"))[0]).toBe(0);
  });

  it("takes the sandbox down when the process running the executor is SIGKILLed (--die-with-parent)", async () => {
    const marker = uniqueMarker();
    const module = new URL("../../src/sandbox/bubblewrap.ts", import.meta.url).href;
    const policy = JSON.stringify(world.policy());
    const code = `const { createBubblewrapExecutor } = await import(${JSON.stringify(module)});
      await createBubblewrapExecutor(${policy}, { bwrap: ${JSON.stringify(bwrap)} }).run({ argv: ["sh", "-c", "sleep ${marker} & sleep ${marker}; wait"], cwd: ${JSON.stringify(world.worktree)}, timeoutMs: 60000 });`;
    const host = spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: "ignore" });
    try {
      expect(await waitUntil(() => processesWith(marker).length >= 5, 15_000)).toBe(true);
    } finally {
      host.kill("SIGKILL");
    }
    await once(host, "exit");
    expect(await waitUntil(() => processesWith(marker).length === 0, 5000)).toBe(true);
  });
});

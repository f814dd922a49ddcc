import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { preflightSandbox } from "../../src/sandbox/preflight.ts";
import { runProcess, type ProcessResult } from "../../src/util/process.ts";
import { bwrapAsUnprivileged, hasBwrap } from "./helpers.ts";

const ok: ProcessResult = { stdout: "", stderr: "", exitCode: 0, signal: null, timedOut: false, aborted: false, truncated: false, durationMs: 1 };
const failed = (stderr: string, exitCode = 1): ProcessResult => ({ ...ok, stderr, exitCode });

/** A fake runner answering bwrap --version, then the given results in order. */
function fakeRun(...answers: ProcessResult[]) {
  const calls: string[][] = [];
  const queue = [{ ...ok, stdout: "bubblewrap 0.8.0\n" }, ...answers];
  return {
    calls,
    run: (file: string, args: string[]) => {
      calls.push([file, ...args]);
      return Promise.resolve(queue.shift() ?? ok);
    },
  };
}

const realRun = (file: string, args: string[]) => runProcess(file, args, { cwd: tmpdir(), env: { PATH: process.env.PATH }, timeoutMs: 10_000 });

describe("preflightSandbox", () => {
  it("says how to install bubblewrap when it is missing", async () => {
    const result = await preflightSandbox({ platform: "linux", run: realRun, bwrap: "/nonexistent/git-codex/bwrap" });
    expect(result).toMatchObject({ kind: undefined, reason: expect.stringMatching(/bubblewrap is not installed/) });
    expect(result.kind === undefined && result.hint).toMatch(/apt-get install bubblewrap/);
  });

  it.each([
    ["bwrap: setting up uid map: Permission denied", /kernel\.apparmor_restrict_unprivileged_userns=0/],
    ["bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces.", /kernel\.unprivileged_userns_clone=1/],
    ["bwrap: Creating new namespace failed: No space left on device", /user\.max_user_namespaces/],
    ["bwrap: Creating new namespace failed: Operation not permitted", /seccomp=unconfined/],
  ])("turns %j into a hint a person can act on", async (stderr, hint) => {
    const { run } = fakeRun(failed(stderr), failed(stderr));
    const result = await preflightSandbox({ platform: "linux", run });
    expect(result.kind).toBeUndefined();
    if (result.kind !== undefined) return;
    expect(result.reason).toContain(JSON.stringify(stderr));
    expect(result.hint).toMatch(hint);
    expect(result.hint).toMatch(/sandbox: none/);
  });

  it("falls back to no --disable-userns when only that fails, and notes it", async () => {
    const { run, calls } = fakeRun(failed("bwrap: sysctl user.max_user_namespaces: Read-only file system"), ok, failed("timeout: fork system call failed: Resource temporarily unavailable", 125));
    const result = await preflightSandbox({ platform: "linux", run });
    expect(result).toMatchObject({ kind: "bubblewrap", disableUserns: false, processLimit: true });
    expect(calls[1]).toContain("--disable-userns");
    expect(calls[2]).not.toContain("--disable-userns");
    expect(result.kind && result.notes.join(" ")).toMatch(/cannot stop a command from making user namespaces/);
  });

  it("reports that the process limit does not hold when the probe's fork succeeds (root)", async () => {
    const { run } = fakeRun(ok, ok);
    const result = await preflightSandbox({ platform: "linux", run });
    expect(result).toMatchObject({ kind: "bubblewrap", processLimit: false, notes: [expect.stringMatching(/RLIMIT_NPROC to root/)] });
  });

  it("does not rely on a limit the kernel counts over all of the user's processes (Linux before 5.14)", async () => {
    const refused = failed("timeout: fork system call failed: Resource temporarily unavailable", 125);
    const { run } = fakeRun(ok, refused, refused);
    const result = await preflightSandbox({ platform: "linux", run });
    expect(result).toMatchObject({ kind: "bubblewrap", processLimit: false, notes: [expect.stringMatching(/before 5\.14/)] });
  });

  it("refuses on a platform without a sandbox", async () => {
    const result = await preflightSandbox({ platform: "win32", run: fakeRun().run });
    expect(result).toMatchObject({ kind: undefined, reason: expect.stringMatching(/no OS sandbox is available on win32/) });
  });

  it("probes sandbox-exec on macOS", async () => {
    const calls: string[][] = [];
    const result = await preflightSandbox({ platform: "darwin", run: (file, args) => (calls.push([file, ...args]), Promise.resolve(ok)) });
    expect(result).toMatchObject({ kind: "sandbox-exec", processLimit: false });
    expect(calls[0]?.[0]).toBe("/usr/bin/sandbox-exec");
  });

  describe.skipIf(!hasBwrap)("with the real bwrap", () => {
    it("finds bubblewrap working here and says whether the process limit holds for this user", async () => {
      const result = await preflightSandbox({ platform: "linux", run: realRun });
      expect(result).toMatchObject({ kind: "bubblewrap", processLimit: process.getuid?.() !== 0 });
    });

    it("finds the process limit enforced for an unprivileged user", async () => {
      const dir = await mkdtemp(join(tmpdir(), "git-codex-preflight-"));
      try {
        const result = await preflightSandbox({ platform: "linux", run: realRun, bwrap: await bwrapAsUnprivileged(dir) });
        expect(result).toMatchObject({ kind: "bubblewrap", processLimit: true });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});

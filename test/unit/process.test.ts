import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { runProcess, type RunOptions } from "../../src/util/process.ts";
import { processIsGone, waitUntil } from "./helpers.ts";

const options = (extra: Partial<RunOptions> = {}): RunOptions => ({
  cwd: tmpdir(),
  env: { PATH: process.env.PATH },
  // A bound so that a broken runner fails the test instead of hanging it.
  timeoutMs: 10_000,
  ...extra,
});

describe("runProcess", () => {
  it("captures stdout and stderr separately with exit code 0", async () => {
    const result = await runProcess("sh", ["-c", "echo out; echo err >&2"], options());
    expect(result).toMatchObject({ stdout: "out\n", stderr: "err\n", exitCode: 0, signal: null, timedOut: false, aborted: false, truncated: false });
  });

  it("returns a non-zero exit code instead of rejecting", async () => {
    const result = await runProcess("sh", ["-c", "exit 3"], options());
    expect(result.exitCode).toBe(3);
    expect(result.spawnError).toBeUndefined();
  });

  it("resolves with spawnError when the file does not exist", async () => {
    const result = await runProcess("/nonexistent/git-codex-no-such-binary", [], options({ input: "data" }));
    expect(result.spawnError).toMatch(/ENOENT/);
    expect(result.exitCode).toBeNull();
  });

  it("gives the child exactly the environment passed, dropping undefined values", async () => {
    const result = await runProcess("/usr/bin/env", [], { cwd: tmpdir(), env: { ONLY: "this", GONE: undefined } });
    expect(result.stdout).toBe("ONLY=this\n");
  });

  it("gives an empty, closed stdin when no input is passed, so cat ends at once", async () => {
    const result = await runProcess("cat", [], options());
    expect(result).toMatchObject({ stdout: "", exitCode: 0, timedOut: false });
  });

  it("delivers input on stdin, as text or bytes", async () => {
    expect((await runProcess("cat", [], options({ input: "hello\nworld" }))).stdout).toBe("hello\nworld");
    expect((await runProcess("cat", [], options({ input: Buffer.from("bytes") }))).stdout).toBe("bytes");
  });

  it("kills a command that outlives timeoutMs and reports timedOut", async () => {
    const result = await runProcess("sleep", ["30"], options({ timeoutMs: 100 }));
    expect(result).toMatchObject({ timedOut: true, aborted: false, exitCode: null, signal: "SIGTERM" });
    expect(result.durationMs).toBeLessThan(5000);
  });

  it("kills the whole process group on timeout, including a background grandchild", async () => {
    const result = await runProcess("sh", ["-c", "sleep 30 & echo $!; wait"], options({ timeoutMs: 200 }));
    expect(result.timedOut).toBe(true);
    const grandchild = Number(result.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    expect(await waitUntil(() => processIsGone(grandchild))).toBe(true);
  });

  it("returns when the command exits even if a background child still holds its output, and reaps that child", async () => {
    const result = await runProcess("sh", ["-c", "sleep 30 & echo $!"], options({ timeoutMs: 5_000 }));
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(result.durationMs).toBeLessThan(5_000);
    const child = Number(result.stdout.trim());
    expect(await waitUntil(() => processIsGone(child))).toBe(true);
  });

  it("keeps at most maxOutputBytes of each stream and reports truncated", async () => {
    const result = await runProcess("sh", ["-c", "head -c 100000 /dev/zero | tr '\\0' a; head -c 5000 /dev/zero | tr '\\0' b >&2"], options({ maxOutputBytes: 1000 }));
    expect(result.stdout).toBe("a".repeat(1000));
    expect(result.stderr).toBe("b".repeat(1000));
    expect(result.truncated).toBe(true);
    expect(result.exitCode).toBe(0);
  });

  it("does not report truncated when the output fits exactly in the cap", async () => {
    const result = await runProcess("printf", ["12345"], options({ maxOutputBytes: 5 }));
    expect(result).toMatchObject({ stdout: "12345", truncated: false });
  });

  it("kills the command when the signal aborts and reports aborted", async () => {
    const controller = new AbortController();
    const running = runProcess("sleep", ["30"], options({ signal: controller.signal }));
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ aborted: true, timedOut: false, exitCode: null, signal: "SIGTERM" });
  });

  it("kills the command at once when the signal was already aborted", async () => {
    const result = await runProcess("sleep", ["30"], options({ signal: AbortSignal.abort() }));
    expect(result).toMatchObject({ aborted: true, exitCode: null });
    expect(result.durationMs).toBeLessThan(5000);
  });

  it("returns the exact bytes of binary stdout with keepBytes", async () => {
    const result = await runProcess("printf", ["\\000\\377A"], options({ keepBytes: true }));
    expect(result.stdoutBytes).toEqual(Buffer.from([0x00, 0xff, 0x41]));
  });

  it("leaves stdoutBytes out without keepBytes", async () => {
    const result = await runProcess("printf", ["x"], options());
    expect(result.stdoutBytes).toBeUndefined();
  });
});

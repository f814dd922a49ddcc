import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

export interface SpawnedCli {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) and everything printed. */
  done: Promise<{ code: number | string; stdout: string; stderr: string }>;
}

/** Runs `git-codex args` as a real separate process on this Node (24). */
export function spawnCli(args: string[], options: { cwd: string; env: Record<string, string | undefined> }): SpawnedCli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...options.env, GIT_CODEX_LOG_FORMAT: "json" } as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | string; stdout: string; stderr: string }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code: code ?? signal ?? "unknown", stdout, stderr }));
  });
  return { child, done };
}

/** A promise with its resolve function, to wait on an event with a bound instead of sleeping. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

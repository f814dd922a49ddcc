import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { createGit } from "../../src/git/runner.ts";

export interface GitDaemon {
  readonly port: number;
  /** The git:// URL of a repository under the served root, e.g. url("remote.git"). */
  url(repo: string): string;
  /** Stops serving: connections to the port are refused until `start`. */
  stop(): Promise<void>;
  /** Serves again on the same port; resolves once the repository answers. */
  start(): Promise<void>;
  /** Everything `git daemon --verbose` printed, for failure messages. */
  readonly log: string;
}

const READY_TIMEOUT_MS = 10_000;
const PROBE_ATTEMPTS = 40;
const PROBE_GAP_MS = 50;

/** A port nobody listens on now: bind to 0, read it, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP port was assigned");
  return address.port;
}

/**
 * Serves the bare repositories under `root` over git:// on 127.0.0.1 (fetch and push), so
 * a clone of it sees a network remote: no file watcher can notice pushes, only polling.
 * `probe` names a repository under `root` used to check that the daemon answers.
 */
export async function startGitDaemon(root: string, options: { env: Record<string, string | undefined>; probe: string }): Promise<GitDaemon> {
  const port = await freePort();
  const git = createGit({ cwd: root, env: options.env });
  const url = (repo: string): string => `git://127.0.0.1:${port}/${repo}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = "";

  const start = async (): Promise<void> => {
    if (child) throw new Error("git daemon is already running");
    const args = ["daemon", "--reuseaddr", "--verbose", "--listen=127.0.0.1", `--port=${port}`, `--base-path=${root}`, "--export-all", "--enable=receive-pack", root];
    const proc = spawn("git", args, { cwd: root, env: options.env as NodeJS.ProcessEnv, stdio: ["ignore", "ignore", "pipe"] });
    child = proc;
    exited = new Promise((resolve) => proc.once("close", () => resolve()));
    // "Ready to rumble" is printed once the socket listens; an early exit means it could not.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`git daemon did not get ready within ${READY_TIMEOUT_MS} ms:\n${log}`)), READY_TIMEOUT_MS);
      const onData = (chunk: Buffer): void => {
        log += chunk.toString();
        if (log.includes("Ready to rumble")) done();
      };
      const onClose = (code: number | null): void => fail(new Error(`git daemon exited (${code}) before it was ready:\n${log}`));
      const cleanup = (): void => {
        clearTimeout(timer);
        proc.off("close", onClose);
      };
      const done = (): void => {
        cleanup();
        resolve();
      };
      const fail = (error: Error): void => {
        cleanup();
        child = undefined;
        proc.kill("SIGKILL");
        reject(error);
      };
      proc.stderr?.on("data", onData);
      proc.once("close", onClose);
    });
    await probe();
  };

  // Bounded re-check: the repository answers an ls-remote (no event tells that it does).
  const probe = async (): Promise<void> => {
    let last = "";
    for (let attempt = 1; attempt <= PROBE_ATTEMPTS; attempt++) {
      const result = await git.probe(["ls-remote", url(options.probe)]);
      if (result.exitCode === 0) return;
      last = result.stderr;
      await new Promise((resolve) => setTimeout(resolve, PROBE_GAP_MS));
    }
    throw new Error(`git daemon on port ${port} does not answer for ${options.probe}: ${last}\n${log}`);
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (!proc) return;
    child = undefined;
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
    await exited;
  };

  await start();
  return {
    port,
    url,
    stop,
    start,
    get log() {
      return log;
    },
  };
}

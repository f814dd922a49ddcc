/**
 * Remote pickup: the daemon's clone has a network remote (`git daemon` on 127.0.0.1), so
 * only polling can notice a push made from another clone.
 */
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { runProcess } from "../src/util/process.ts";
import { createBenchRepo } from "./fixture.ts";
import { must, sleep, startInstantModel, startWatch, type DaemonProcess } from "./daemon-process.ts";
import { cloneWithIdentity, daemonEnv, measurePickups, type PickupSample } from "./pickup.ts";

export interface GitDaemon {
  url(name: string): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `git daemon` serving every repository under `root`, pushes allowed; resolves once it answers. */
export async function startGitDaemon(root: string, env: Record<string, string | undefined>): Promise<GitDaemon> {
  const port = await freePort();
  const args = ["daemon", "--reuseaddr", "--listen=127.0.0.1", `--port=${port}`, `--base-path=${root}`, "--export-all", "--enable=receive-pack", root];
  const child = spawn("git", args, { cwd: root, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const url = (name: string): string => `git://127.0.0.1:${port}/${name}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await closed;
  };
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await runProcess("git", ["ls-remote", url("remote.git")], { cwd: root, env })).exitCode === 0) return { url, stop };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  await stop();
  throw new Error(`git daemon did not answer on port ${port}: ${stderr}`);
}

/**
 * The bench pushes from the fixture's clone (its origin switched to git://); the daemon
 * watches a second clone of git:// with `--poll <pollSeconds>s`. Each round first lets the
 * poll that sees the previous task's result go by, then waits a random part of one
 * interval, so pushes land at every phase of the poll.
 */
export async function remotePickup(runs: number, files: number, pollSeconds: number, cli: string): Promise<PickupSample[]> {
  const repo = await createBenchRepo(files);
  const model = await startInstantModel();
  let gitDaemon: GitDaemon | undefined;
  let daemon: DaemonProcess | undefined;
  try {
    gitDaemon = await startGitDaemon(repo.root, repo.env);
    const url = gitDaemon.url("remote.git");
    await must("git", ["remote", "set-url", "origin", url], { cwd: repo.clone, env: repo.env });
    const watched = join(repo.root, "watched");
    const floorClone = join(repo.root, "floor");
    await cloneWithIdentity(url, watched, repo.env);
    await cloneWithIdentity(url, floorClone, repo.env);
    daemon = startWatch([watched, "--poll", `${pollSeconds}s`], { cwd: repo.root, env: daemonEnv(repo.env, model.url), cli });
    await daemon.waitFor((l) => l.msg === "watching");
    return await measurePickups({ daemon, author: repo.clone, env: repo.env, floorClone, runs, settleMs: 1500 * pollSeconds + 1000, beforeCommitMs: () => Math.random() * pollSeconds * 1000 });
  } finally {
    await daemon?.stop();
    await gitDaemon?.stop();
    await model.close();
    await rm(repo.root, { recursive: true, force: true });
  }
}

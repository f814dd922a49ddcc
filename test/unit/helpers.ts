import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { appendFile, mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { createGit, type Git } from "../../src/git/runner.ts";

/** A temporary folder removed on dispose; `path` is real (no symlinks) so git's paths compare equal. */
export interface TempDir extends AsyncDisposable {
  readonly path: string;
  /** The minimal environment git runs with in these tests. */
  readonly env: Record<string, string | undefined>;
}

export async function createTempDir(): Promise<TempDir> {
  const path = await realpath(await mkdtemp(join(tmpdir(), "git-codex-unit-")));
  const home = join(path, "home");
  await mkdir(home);
  return {
    path,
    env: { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: "1" },
    [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }),
  };
}

export interface TempRepo extends AsyncDisposable {
  /** The temporary folder holding the repository (and anything else a test puts beside it). */
  readonly root: string;
  /** The repository's working tree. */
  readonly dir: string;
  readonly env: Record<string, string | undefined>;
  readonly git: Git;
  /** Writes files (null deletes), commits everything with `message` and returns the new sha. */
  commit(files: Record<string, string | null>, message: string, env?: Record<string, string>): Promise<string>;
}

/** A fresh non-bare repository on `main` with a person's identity configured. */
export async function createTempRepo(): Promise<TempRepo> {
  const tmp = await createTempDir();
  const dir = join(tmp.path, "repo");
  await createGit({ cwd: tmp.path, env: tmp.env }).run(["init", "--quiet", "--initial-branch=main", dir]);
  const git = createGit({ cwd: dir, env: tmp.env });
  await configurePerson(dir);
  return {
    root: tmp.path,
    dir,
    env: tmp.env,
    git,
    async commit(files, message, env) {
      for (const [name, content] of Object.entries(files)) {
        const path = join(dir, name);
        if (content === null) {
          await rm(path);
          continue;
        }
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, content);
      }
      if (Object.keys(files).length > 0) await git.run(["add", "--all"]);
      await git.run(["commit", "--quiet", "--allow-empty", "--cleanup=verbatim", "-F", "-"], { input: message, ...(env ? { env } : {}) });
      return (await git.run(["rev-parse", "HEAD"])).trim();
    },
    [Symbol.asyncDispose]: () => tmp[Symbol.asyncDispose](),
  };
}

export interface RemoteAndClone extends TempRepo {
  /** The bare remote's path, also the clone's `origin`. */
  readonly remote: string;
  /** A runner inside the bare remote, to check what it holds. */
  readonly remoteGit: Git;
  /** The sha of the clone's one commit, already pushed as the remote's main. */
  readonly first: string;
}

/** A bare remote beside a clone holding one commit, pushed as main. */
export async function createRemoteAndClone(): Promise<RemoteAndClone> {
  const repo = await createTempRepo();
  const remote = join(repo.root, "remote.git");
  await repo.git.run(["init", "--quiet", "--bare", "--initial-branch=main", remote]);
  await repo.git.run(["remote", "add", "origin", remote]);
  const first = await repo.commit({ "README.md": "hello\n" }, "first");
  await repo.git.run(["push", "--quiet", "origin", "main"]);
  return { ...repo, remote, remoteGit: createGit({ cwd: remote, env: repo.env }), first };
}

/** Sets user.name and user.email of the repository at `dir` (a file write: one git call less per key). */
export async function configurePerson(dir: string): Promise<void> {
  await appendFile(join(dir, ".git", "config"), "[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n");
}

/** Every ref of a repository with its value, to compare before and after. */
export async function refsOf(git: Git): Promise<string> {
  return git.run(["for-each-ref", "--format=%(objectname) %(refname)"]);
}

/**
 * Re-checks `condition` every `intervalMs` until it holds or `timeoutMs` passed; returns
 * whether it held. Waiting on an event with a bound, not sleeping for a guessed time.
 */
export async function waitUntil(condition: () => boolean, timeoutMs = 3000, intervalMs = 20): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    if (performance.now() >= deadline) return false;
    await delay(intervalMs);
  }
}

/**
 * True when no process `pid` runs any more: it does not exist (ESRCH), or it is a zombie
 * (dead, waiting for an init that reaps slowly, as in some containers).
 */
export function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
  try {
    // The state is the first field after the parenthesised command name.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

/** The pid of a process this test started and waited for: certainly not running. */
export async function deadPid(): Promise<number> {
  const child = spawn("true", [], { stdio: "ignore" });
  const pid = child.pid;
  await once(child, "exit");
  if (pid === undefined) throw new Error("could not start `true`");
  return pid;
}

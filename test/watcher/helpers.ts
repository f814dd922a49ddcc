import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGit, type Git } from "../../src/git/runner.ts";

/** A bare remote and a clone with one commit on main, pushed. */
export interface RemoteWorld extends AsyncDisposable {
  readonly root: string;
  readonly remote: string;
  readonly clone: string;
  readonly git: Git;
  /** Another clone of the remote, with the same identity. */
  cloneAgain(name: string): Promise<Git>;
  /** An empty commit in `git`'s repository; returns its sha. */
  commit(git: Git, message: string): Promise<string>;
}

export async function createRemoteWorld(): Promise<RemoteWorld> {
  const root = await realpath(await mkdtemp(join(tmpdir(), "git-codex-watcher-")));
  const env = { PATH: process.env.PATH, HOME: join(root, "home"), GIT_CONFIG_NOSYSTEM: "1" };
  await mkdir(env.HOME);
  const base = createGit({ cwd: root, env });
  const remote = join(root, "remote.git");
  const clone = join(root, "clone");
  await base.run(["init", "--quiet", "--bare", "--initial-branch=main", remote]);
  await base.run(["init", "--quiet", "--initial-branch=main", clone]);
  const git = base.at(clone);
  await configurePerson(git);
  await git.run(["remote", "add", "origin", remote]);
  const commit = async (at: Git, message: string): Promise<string> => {
    await at.run(["commit", "--quiet", "--allow-empty", "-m", message]);
    return (await at.run(["rev-parse", "HEAD"])).trim();
  };
  await commit(git, "first");
  await git.run(["push", "--quiet", "origin", "main"]);
  return {
    root, remote, clone, git, commit,
    async cloneAgain(name) {
      await base.run(["clone", "--quiet", remote, join(root, name)]);
      const other = base.at(join(root, name));
      await configurePerson(other);
      return other;
    },
    [Symbol.asyncDispose]: () => rm(root, { recursive: true, force: true }),
  };
}

async function configurePerson(git: Git): Promise<void> {
  await git.run(["config", "user.name", "Ada Lovelace"]);
  await git.run(["config", "user.email", "ada@example.com"]);
}

/** `promise`, or a failure naming `what` when it takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Records onChange calls and lets a test wait for one that matches. */
export interface Calls {
  readonly reasons: string[];
  readonly onChange: (reason: string) => void;
  /** The first reason (already seen or still to come) that `match` accepts, bounded by 5 s. */
  waitFor(match: (reason: string) => boolean, what: string): Promise<string>;
}

export function recordCalls(): Calls {
  const reasons: string[] = [];
  const listeners = new Set<() => void>();
  return {
    reasons,
    onChange(reason) {
      reasons.push(reason);
      for (const listener of listeners) listener();
    },
    waitFor(match, what) {
      return within(new Promise<string>((resolve) => {
        const check = (): void => {
          const found = reasons.find(match);
          if (found === undefined) return;
          listeners.delete(check);
          resolve(found);
        };
        listeners.add(check);
        check();
      }), what);
    },
  };
}

import { fileURLToPath } from "node:url";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createGit, type Git } from "../../src/git/runner.ts";

export interface GitWorld {
  root: string;
  remote: string;
  clone: string;
  git: Git;
  /** Environment for git-codex: private HOME and XDG dirs inside the world. */
  env: Record<string, string | undefined>;
  /** Writes files, commits them with `message` as the author and pushes main. Returns the sha. */
  commit(files: Record<string, string | Buffer>, message: string, options?: { push?: boolean }): Promise<string>;
  /** A second clone of the remote (another person, or a fresh machine). */
  cloneAgain(name: string): Promise<string>;
  /** HEAD, index, status, worktree list and local branches of a clone: equal before and after = untouched. */
  snapshot(dir?: string): Promise<string>;
  dispose(): Promise<void>;
}

const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

/** A bare remote and a clone in a temporary folder, with a person's identity configured. */
export async function createGitWorld(): Promise<GitWorld> {
  const root = await mkdtemp(join(tmpdir(), "git-codex-test-"));
  const remote = join(root, "remote.git");
  const clone = join(root, "clone");
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: join(root, "home"),
    XDG_CACHE_HOME: join(root, "cache"),
    XDG_STATE_HOME: join(root, "state"),
    XDG_CONFIG_HOME: join(root, "config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_DATE: undefined,
    // The project (its node and the test fixtures) may live under /tmp, which the sandbox
    // replaces: commands the tests run in the sandbox must still find them.
    GIT_CODEX_SANDBOX_READ: PROJECT_ROOT,
  };
  await mkdir(env.HOME as string, { recursive: true });
  const base = createGit({ cwd: root, env });
  await base.run(["init", "--quiet", "--bare", "--initial-branch=main", remote]);
  const cloneAgain = async (name: string): Promise<string> => {
    const dir = join(root, name);
    await base.run(["clone", "--quiet", remote, dir]);
    await configurePerson(base.at(dir));
    return dir;
  };
  await base.run(["init", "--quiet", "--initial-branch=main", clone]);
  const git = base.at(clone);
  await configurePerson(git);
  await git.run(["remote", "add", "origin", remote]);
  return {
    root, remote, clone, git, env, cloneAgain,
    async commit(files, message, options = {}) {
      for (const [name, content] of Object.entries(files)) {
        await mkdir(dirname(join(clone, name)), { recursive: true });
        await writeFile(join(clone, name), content);
      }
      await git.run(["add", "--all"]);
      await git.run(["commit", "--quiet", "--allow-empty", "-F", "-"], { input: message });
      if (options.push ?? true) await git.run(["push", "--quiet", "origin", "HEAD:refs/heads/main"]);
      return (await git.run(["rev-parse", "HEAD"])).trim();
    },
    async snapshot(dir = clone) {
      const at = git.at(dir);
      const parts = await Promise.all([
        at.run(["rev-parse", "HEAD"]),
        at.run(["symbolic-ref", "HEAD"]),
        at.run(["ls-files", "--stage"]),
        at.run(["status", "--porcelain=v2", "--untracked-files=all", "--ignored"]),
        // The bot's pooled worktrees (in its cache, reused by the next task) are its own.
        at.run(["worktree", "list", "--porcelain"]).then((text) => text.split("\n\n").filter((block) => !/^worktree .*\/git-codex\/worktrees\/[^/]+\/pool\//.test(block)).join("\n\n")),
        // A push updates remote-tracking refs of what it pushed (origin/codex/*), as every push does.
        at.run(["for-each-ref", "refs/heads", "refs/tags", "refs/remotes/origin/main"]),
      ]);
      return parts.join("\n---\n");
    },
    async dispose() {
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function configurePerson(git: Git): Promise<void> {
  await git.run(["config", "user.name", "Ada Lovelace"]);
  await git.run(["config", "user.email", "ada@example.com"]);
}

import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hiddenPaths, type SandboxPolicy } from "../../src/sandbox/policy.ts";

/** The real-bubblewrap tests run wherever bwrap is installed (CI installs it). */
export const hasBwrap = spawnSync("bwrap", ["--version"]).status === 0;

export const NOBODY = 65534;

/**
 * A user's machine in a temporary folder, laid out as in production: the user's home with
 * credentials, a repository in it, and a task slot (worktree, home, tmp) in its cache.
 */
export interface SandboxWorld extends AsyncDisposable {
  root: string;
  userHome: string;
  repo: string;
  commonDir: string;
  worktree: string;
  home: string;
  tmp: string;
  policy(overrides?: Partial<SandboxPolicy>): SandboxPolicy;
}

export async function createSandboxWorld(options: { owner?: number } = {}): Promise<SandboxWorld> {
  const root = await realpath(await mkdtemp(join(tmpdir(), "git-codex-sandbox-")));
  const userHome = join(root, "user-home");
  await mkdir(join(userHome, ".ssh"), { recursive: true });
  await writeFile(join(userHome, ".ssh", "id_rsa"), "PRIVATE KEY\n");
  await writeFile(join(userHome, ".netrc"), "machine example.com password hunter2\n");
  const repo = join(userHome, "projects", "repo");
  const slot = join(userHome, ".cache", "git-codex", "worktrees", "repo-key", "task-1");
  const [worktree, home, tmp] = [join(slot, "worktree"), join(slot, "home"), join(slot, "tmp")];
  await Promise.all([mkdir(repo, { recursive: true }), mkdir(home, { recursive: true }), mkdir(tmp, { recursive: true })]);
  git(root, ["init", "--quiet", "--initial-branch=main", repo]);
  await writeFile(join(repo, "README.md"), "hello\n");
  git(repo, ["add", "README.md"]);
  git(repo, ["-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "--quiet", "-m", "init"]);
  git(repo, ["worktree", "add", "--quiet", "--detach", worktree]);
  if (options.owner !== undefined) {
    execFileSync("chown", ["-R", `${options.owner}:${options.owner}`, root]);
    await chmod(root, 0o755);
  }
  const commonDir = join(repo, ".git");
  const env = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: home, TMPDIR: tmp, LANG: "C.UTF-8" };
  return {
    root, userHome, repo, commonDir, worktree, home, tmp,
    policy: (overrides = {}) => ({
      worktree, home, tmp,
      readOnly: [commonDir, join(worktree, ".git")],
      hide: hiddenPaths({ home: userHome, env: {} }),
      env,
      network: "none",
      ...overrides,
    }),
    [Symbol.asyncDispose]: () => rm(root, { recursive: true, force: true }),
  };
}

export function git(cwd: string, args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", env: { PATH: process.env.PATH, HOME: cwd, GIT_CONFIG_NOSYSTEM: "1" } });
}

/**
 * A bwrap that runs as nobody, for the tests a root host cannot show: the kernel does not
 * apply RLIMIT_NPROC to uid 0. A non-root host uses bwrap as it is.
 */
export async function bwrapAsUnprivileged(dir: string): Promise<string> {
  if (process.getuid?.() !== 0) return "bwrap";
  const path = join(dir, "bwrap-as-nobody");
  await writeFile(path, `#!/bin/sh\nexec setpriv --reuid=${NOBODY} --regid=${NOBODY} --clear-groups bwrap "$@"\n`, { mode: 0o755 });
  return path;
}

/** Live (not zombie) processes whose command line contains `marker`. */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8");
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (cmdline.includes(marker) && !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) found.push(Number(name));
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

/**
 * A string unique to one test that is also a valid `sleep` duration ("1000.48213977"), so
 * the sleeps a test starts carry it in their command line as well as their shell.
 */
export function uniqueMarker(): string {
  return `1000.${process.pid}${Math.floor(Math.random() * 1e9)}`;
}

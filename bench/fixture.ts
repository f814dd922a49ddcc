import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGit, type Git } from "../src/git/runner.ts";

export interface BenchRepo {
  root: string;
  remote: string;
  clone: string;
  git: Git;
  env: Record<string, string | undefined>;
}

/** A bare remote and a clone with `files` files spread over folders, built the same way every time. */
export async function createBenchRepo(files: number): Promise<BenchRepo> {
  const root = await mkdtemp(join(tmpdir(), "git-codex-bench-"));
  const remote = join(root, "remote.git");
  const clone = join(root, "clone");
  const env = { PATH: process.env.PATH, HOME: join(root, "home"), XDG_CACHE_HOME: join(root, "cache"), XDG_STATE_HOME: join(root, "state"), GIT_CONFIG_NOSYSTEM: "1" };
  await mkdir(env.HOME, { recursive: true });
  const git = createGit({ cwd: root, env });
  await git.run(["init", "-q", "--bare", "--initial-branch=main", remote]);
  await git.run(["init", "-q", "--initial-branch=main", clone]);
  const inClone = git.at(clone);
  await inClone.run(["config", "user.name", "Bench"]);
  await inClone.run(["config", "user.email", "bench@example.com"]);
  await inClone.run(["remote", "add", "origin", remote]);
  for (let i = 0; i < files; i++) {
    const dir = join(clone, `d${Math.floor(i / 500)}`);
    if (i % 500 === 0) await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `f${i}.txt`), `file ${i}\n`);
  }
  await inClone.run(["add", "-A"]);
  await inClone.run(["commit", "-q", "-m", "fixture"]);
  await inClone.run(["push", "-q", "origin", "main"]);
  return { root, remote, clone, git: inClone, env };
}

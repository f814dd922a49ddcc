import { existsSync } from "node:fs";
import { mkdir, symlink } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createWorktree, listWorktrees, removeStaleWorktrees } from "../../src/git/worktree.ts";
import { createTempRepo, deadPid } from "./helpers.ts";

describe("createWorktree", () => {
  it("adds a detached worktree at base, locked with this process's pid and host", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "a.txt": "a\n" }, "base");
    await using wt = await createWorktree(repo.git, join(repo.root, "wt"), base);
    const entry = (await listWorktrees(repo.git)).find((w) => w.path === wt.path);
    expect(entry).toEqual({ path: wt.path, head: base, locked: `git-codex pid=${process.pid} host=${hostname()}` });
    expect(existsSync(join(wt.path, "a.txt"))).toBe(true);
  });

  it("is removed by await using even when the body throws", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "a.txt": "a\n" }, "base");
    const path = join(repo.root, "wt");
    const body = async (): Promise<void> => {
      await using wt = await createWorktree(repo.git, path, base);
      expect(existsSync(wt.path)).toBe(true);
      throw new Error("agent failed");
    };
    await expect(body()).rejects.toThrow("agent failed");
    expect(existsSync(path)).toBe(false);
    expect((await listWorktrees(repo.git)).map((w) => w.path)).toEqual([repo.dir]);
  });
});

describe("removeStaleWorktrees", () => {
  it("removes a worktree locked by a dead pid of this host and keeps one locked by a live pid", async () => {
    await using repo = await createTempRepo();
    await repo.commit({}, "base");
    const root = join(repo.root, "worktrees");
    await mkdir(root);
    const dead = join(root, "dead");
    const live = join(root, "live");
    const lock = (path: string, pid: number) =>
      repo.git.run(["worktree", "add", "--detach", "--lock", "--reason", `git-codex pid=${pid} host=${hostname()}`, path, "HEAD"]);
    await lock(dead, await deadPid());
    await lock(live, process.pid);

    expect(await removeStaleWorktrees(repo.git, root)).toEqual([dead]);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect((await listWorktrees(repo.git)).map((w) => w.path).sort()).toEqual([repo.dir, live].sort());
  });

  it("keeps worktrees of another host and worktrees outside root, even with a dead pid", async () => {
    await using repo = await createTempRepo();
    await repo.commit({}, "base");
    const root = join(repo.root, "worktrees");
    await mkdir(root);
    const pid = await deadPid();
    const elsewhere = join(root, "elsewhere");
    const outside = join(repo.root, "outside");
    await repo.git.run(["worktree", "add", "--detach", "--lock", "--reason", `git-codex pid=${pid} host=not-${hostname()}`, elsewhere, "HEAD"]);
    await repo.git.run(["worktree", "add", "--detach", "--lock", "--reason", `git-codex pid=${pid} host=${hostname()}`, outside, "HEAD"]);

    expect(await removeStaleWorktrees(repo.git, root)).toEqual([]);
    expect(existsSync(elsewhere)).toBe(true);
    expect(existsSync(outside)).toBe(true);
  });

  // Bug: git lists worktrees by their real path, and root is compared as given, so a root
  // reached through a symlink (a symlinked HOME or XDG_CACHE_HOME) never matches and the
  // dead worktree stays registered and locked in .git/worktrees.
  it("removes a dead worktree when root is reached through a symlink", async () => {
    await using repo = await createTempRepo();
    await repo.commit({}, "base");
    await mkdir(join(repo.root, "real"));
    const root = join(repo.root, "link");
    await symlink(join(repo.root, "real"), root);
    const dead = join(root, "dead");
    await repo.git.run(["worktree", "add", "--detach", "--lock", "--reason", `git-codex pid=${await deadPid()} host=${hostname()}`, dead, "HEAD"]);

    expect(await removeStaleWorktrees(repo.git, root)).toHaveLength(1);
  });
});

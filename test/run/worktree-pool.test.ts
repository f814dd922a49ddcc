import { existsSync, lstatSync, readFileSync } from "node:fs";
import { chmod, mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadRepoSettings } from "../../src/cli/repo-settings.ts";
import { createGit, type Git } from "../../src/git/runner.ts";
import { listWorktrees, poolDir, removeStaleWorktrees } from "../../src/git/worktree.ts";
import type { RepoContext } from "../../src/run/context.ts";
import { acquireWorktree } from "../../src/run/worktree-pool.ts";
import { createMutex } from "../../src/util/mutex.ts";
import { silentLogger } from "../../src/util/logger.ts";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel } from "../helpers/model.ts";
import { createTempRepo, deadPid, waitUntil, type TempRepo } from "../unit/helpers.ts";

let repo: TempRepo;
let ctx: RepoContext;
let base: string;

beforeEach(async () => {
  repo = await createTempRepo();
  base = await repo.commit({ "README.md": "hello\n", "src/a.txt": "a\n", "src/b.txt": "b\n", ".gitignore": "build/\n" }, "base");
  ctx = { git: repo.git, settings: await loadRepoSettings(repo.git, repo.env), log: silentLogger(), exclusive: createMutex() };
});
afterEach(async () => {
  await repo[Symbol.asyncDispose]();
});

const task = (id = "t1", at = base) => ({ id, base: at });

/** Every path in the worktree but `.git`, as a fresh checkout of `rev` would have it, sorted. */
async function filesOf(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (rel === ".git") continue;
    if (entry.isDirectory()) out.push(...(await filesOf(dir, rel)));
    else out.push(entry.isSymbolicLink() ? `${rel}@` : rel);
  }
  return out.sort();
}

async function trackedAt(git: Git, rev: string): Promise<string[]> {
  return (await git.run(["ls-tree", "-r", "--name-only", rev])).split("\n").filter(Boolean).sort();
}

describe("acquireWorktree", () => {
  it("gives the next task the same worktree, reset to its base, instead of adding another", async () => {
    const first = await acquireWorktree(ctx, task("t1"));
    const inode = (await stat(first.path)).ino;
    await writeFile(join(first.path, "src/a.txt"), "changed\n");
    await first.release();
    const next = await acquireWorktree(ctx, task("t2"));

    expect(first.reused).toBe(false);
    expect(next.reused).toBe(true);
    expect(next.path).toBe(first.path);
    expect((await stat(next.path)).ino).toBe(inode);
    expect(readFileSync(join(next.path, "src/a.txt"), "utf8")).toBe("a\n");
    expect((await listWorktrees(repo.git)).find((w) => w.path === next.path)?.locked).toBe(`git-codex pid=${process.pid} host=${hostname()}`);
    await next.release();
    expect((await listWorktrees(repo.git)).find((w) => w.path === next.path)?.locked).toBeUndefined();
  });

  it("moves a reused worktree to another base: files of the old base go, the new one's arrive", async () => {
    const wt = await acquireWorktree(ctx, task("t1"));
    await wt.release();
    const newer = await repo.commit({ "src/a.txt": null, "docs/new.md": "new\n" }, "newer");

    const next = await acquireWorktree(ctx, task("t2", newer));

    expect(next.path).toBe(wt.path);
    expect(await filesOf(next.path)).toEqual(await trackedAt(repo.git, newer));
    expect((await next.git.run(["rev-parse", "HEAD"])).trim()).toBe(newer);
  });

  it("leaves nothing of a task behind: untracked, ignored, read-only, staged, nested repositories, symlinks, submodule folders", async () => {
    const outside = join(repo.root, "outside");
    await mkdir(outside);
    await writeFile(join(outside, "keep.txt"), "mine\n");
    await repo.git.run(["update-index", "--add", "--cacheinfo", `160000,${base},vendor/sub`, "--cacheinfo", `160000,${base},vendor/linked`]);
    const gitlinked = await repo.commit({}, "a submodule");
    const wt = await acquireWorktree(ctx, task("t1", gitlinked));
    const at = (p: string) => join(wt.path, p);
    // A tracked file changed with its size and mtime put back: only its ctime shows it, even
    // where the user's config tells git to look at less.
    await repo.git.run(["config", "core.checkStat", "minimal"]);
    await repo.git.run(["config", "core.trustctime", "false"]);
    const old = new Date(Date.now() - 3_600_000);
    await utimes(at("README.md"), old, old);
    await wt.git.run(["update-index", "--refresh"]); // the index now vouches for that mtime
    // git compares whole seconds of ctime: the change must land in a later second than the
    // ctime the index holds (with a margin: file times come from the kernel's coarse clock).
    const indexed = Math.floor((await stat(at("README.md"))).ctimeMs / 1000);
    expect(await waitUntil(() => Date.now() > (indexed + 1) * 1000 + 50, 3000)).toBe(true);
    await writeFile(at("README.md"), "HELLO\n");
    await utimes(at("README.md"), old, old);
    expect(Math.floor((await stat(at("README.md"))).ctimeMs / 1000)).toBeGreaterThan(indexed);
    await writeFile(at("untracked.txt"), "x\n");
    await mkdir(at("build/out"), { recursive: true });
    await writeFile(at("build/out/app.js"), "ignored\n");
    await mkdir(at("ro/deep"), { recursive: true });
    await writeFile(at("ro/deep/locked.txt"), "ro\n");
    await chmod(at("ro/deep/locked.txt"), 0o444);
    await chmod(at("ro/deep"), 0o555);
    await chmod(at("ro"), 0o500);
    await writeFile(at("staged.txt"), "staged\n");
    await wt.git.run(["add", "staged.txt"]);
    await createGit({ cwd: wt.path, env: repo.env }).run(["init", "--quiet", at("nested")]);
    await writeFile(at("nested/.git/config"), "[core]\n\tfsmonitor = touch /tmp/should-never-run\n", { flag: "a" });
    await symlink("/etc/passwd", at("link"));
    await mkdir(at("vendor/sub"), { recursive: true });
    await createGit({ cwd: wt.path, env: repo.env }).run(["init", "--quiet", at("vendor/sub")]);
    await rm(at("vendor/linked"), { recursive: true, force: true });
    await symlink(outside, at("vendor/linked")); // emptying this submodule folder must not empty `outside`
    // A tracked folder replaced by a symlink leaving the worktree: the reset must not write through it.
    await rm(at("src"), { recursive: true });
    await symlink(outside, at("src"));
    await wt.release();

    const next = await acquireWorktree(ctx, task("t2", gitlinked));

    expect(next.path).toBe(wt.path);
    expect(await filesOf(next.path)).toEqual((await trackedAt(repo.git, gitlinked)).filter((p) => !p.startsWith("vendor/")));
    expect(await readdir(join(next.path, "vendor/sub"))).toEqual([]);
    expect(lstatSync(join(next.path, "vendor/linked")).isDirectory()).toBe(true);
    expect(await readdir(join(next.path, "vendor/linked"))).toEqual([]);
    expect(lstatSync(join(next.path, "src")).isDirectory()).toBe(true);
    expect(readFileSync(join(next.path, "README.md"), "utf8")).toBe("hello\n");
    expect(await readdir(outside)).toEqual(["keep.txt"]);
    expect(existsSync("/tmp/should-never-run")).toBe(false);
    expect(await next.git.run(["status", "--porcelain", "--ignored", "--untracked-files=all"])).toBe("");
    await next.release();
  });

  it("gives tasks that run at the same time a worktree each, and keeps only as many as the pool holds", async () => {
    const held = await Promise.all(["a", "b", "c"].map((id) => acquireWorktree(ctx, task(id), { keep: 2 })));

    expect(new Set(held.map((w) => w.path)).size).toBe(3);
    const locks = (await listWorktrees(repo.git)).filter((w) => held.some((h) => h.path === w.path)).map((w) => w.locked);
    expect(locks).toEqual(Array(3).fill(`git-codex pid=${process.pid} host=${hostname()}`));
    for (const wt of held) await wt.release();
    expect(await readdir(poolDir(ctx.settings.worktreeRoot))).toHaveLength(2);
  });

  it("replaces a worktree whose reset fails", async () => {
    const wt = await acquireWorktree(ctx, task("t1"));
    await wt.release();
    // A git process killed mid-write leaves the index locked: checkout cannot proceed.
    const admin = readFileSync(join(wt.path, ".git"), "utf8").replace(/^gitdir: /, "").trim();
    await writeFile(join(admin, "index.lock"), "");

    const next = await acquireWorktree(ctx, task("t2"));

    expect(next.path).not.toBe(wt.path);
    expect(next.reused).toBe(false);
    expect(existsSync(wt.path)).toBe(false);
    expect((await listWorktrees(repo.git)).map((w) => w.path)).not.toContain(wt.path);
    await next.release();
  });

  it("recovers from a crash: a worktree locked by a dead process is removed, not shared", async () => {
    const wt = await acquireWorktree(ctx, task("t1"));
    const admin = readFileSync(join(wt.path, ".git"), "utf8").replace(/^gitdir: /, "").trim();
    await writeFile(join(admin, "locked"), `git-codex pid=${await deadPid()} host=${hostname()}\n`);

    const next = await acquireWorktree(ctx, task("t2"));

    expect(next.path).not.toBe(wt.path);
    expect(existsSync(wt.path)).toBe(false);
    await next.release();
    expect(await removeStaleWorktrees(repo.git, ctx.settings.worktreeRoot)).toEqual([]);
    expect((await listWorktrees(repo.git)).map((w) => w.path)).toContain(next.path);
  });
});

describe("acquireWorktree whileBusy", () => {
  /** ctx whose git notes when each checkout starts and ends, and when whileBusy runs. */
  function tracing(events: string[]): RepoContext {
    const traced = <T>(args: readonly string[], call: () => Promise<T>): Promise<T> => {
      if (!args.includes("checkout") && !(args.includes("worktree") && args.includes("add"))) return call();
      events.push("checkout started");
      return call().finally(() => events.push("checkout ended"));
    };
    const wrap = (git: Git): Git => ({
      ...git,
      probe: (args, call) => traced(args, () => git.probe(args, call)),
      run: (args, call) => traced(args, () => git.run(args, call)),
      at: (cwd) => wrap(git.at(cwd)),
    });
    return { ...ctx, git: wrap(repo.git) };
  }

  it("runs the caller's work once, while git checks out a new worktree and while it resets a pooled one", async () => {
    for (const reused of [false, true]) {
      const events: string[] = [];
      const held = await acquireWorktree(tracing(events), task(`t-${reused}`), { whileBusy: () => events.push("busy") });
      await held.release();
      expect(held.reused).toBe(reused);
      expect(events).toEqual(["checkout started", "busy", "checkout ended"]);
    }
  });

  it("gets the worktree even when that work throws: it was only a head start", async () => {
    const held = await acquireWorktree(ctx, task(), { whileBusy: () => { throw new Error("no key"); } });
    expect(await filesOf(held.path)).toEqual(await trackedAt(repo.git, base));
    await held.release();
  });
});

describe("run --once", () => {
  let world: GitWorld;
  beforeEach(async () => {
    world = await createGitWorld();
  });
  afterEach(async () => {
    await world.dispose();
  });

  it("reuses the same worktree for the next invocation", async () => {
    const model = await startModel({ first: addFile("one.txt", "1"), second: addFile("two.txt", "2") });
    try {
      const env = { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test" };
      await world.commit({ "a.txt": "a\n" }, "Start\n\nCodex: do the first thing\n");
      expect((await runCli(["run", "--once"], { cwd: world.clone, env })).exitCode).toBe(0);
      const pool = (await readdir(join(world.root, "cache/git-codex/worktrees"))).map((key) => join(world.root, "cache/git-codex/worktrees", key, "pool"));
      const [first] = (await readdir(pool[0] ?? "")).map((name) => join(pool[0] ?? "", name));
      const inode = (await stat(first ?? "")).ino;

      await world.commit({}, "More\n\nCodex: do the second thing\n");
      const again = await runCli(["run", "--once"], { cwd: world.clone, env });

      expect(again.exitCode, again.stderr).toBe(0);
      expect(await readdir(pool[0] ?? "")).toHaveLength(1);
      expect((await stat(first ?? "")).ino).toBe(inode);
      expect(await world.git.run(["ls-tree", "--name-only", "-r", `codex/do-the-second-thing-${(await world.git.run(["rev-parse", "HEAD"])).trim().slice(0, 7)}`], { cwd: world.remote })).toBe("a.txt\ntwo.txt\n");
      const entry = (await listWorktrees(world.git)).find((w) => w.path === first);
      expect(entry?.locked).toBeUndefined();
      expect(await readFile(join(first ?? "", ".git"), "utf8")).toMatch(/^gitdir: /);
    } finally {
      await model.close();
    }
  });
});

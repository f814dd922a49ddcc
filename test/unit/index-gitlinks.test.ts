import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { indexGitlinks } from "../../src/git/index-gitlinks.ts";
import { createGit, type Git } from "../../src/git/runner.ts";
import { createWorktree } from "../../src/git/worktree.ts";
import { gitlinkPaths, gitlinksOf } from "../../src/git/worktree-reset.ts";
import { createTempDir, createTempRepo } from "./helpers.ts";

// Names that would trip a careless reader: a long one (its length no longer fits the
// entry's 12 bits), non-ASCII, a tab, and text that looks like a gitlink line.
const LONG = `${"deep/".repeat(900)}sub`;
const NAMES = ["a.txt", "lib/é sub", "tab\there", "160000 x", "vendor/sub", LONG, "z/last"];
const LINKS = ["lib/é sub", "vendor/sub", LONG, "z/last"];

/** An index holding regular entries and gitlinks (no folders needed: the index takes any path). */
async function fillIndex(git: Git, commit: string): Promise<void> {
  const blob = (await git.run(["hash-object", "-w", "--stdin"], { input: "x\n" })).trim();
  const lines = NAMES.map((name) => (LINKS.includes(name) ? `160000 ${commit}\t${name}` : `100644 ${blob}\t${name}`));
  await git.run(["update-index", "-z", "--add", "--index-info"], { input: lines.join("\0") + "\0" });
}

async function indexBytes(git: Git): Promise<Buffer> {
  return readFile(join(git.cwd, ".git", "index"));
}

/** What git itself says the gitlinks are. */
async function gitSays(git: Git): Promise<string[]> {
  return gitlinkPaths((await git.probe(["ls-files", "--stage", "-z"], { keepBytes: true })).stdoutBytes ?? Buffer.alloc(0));
}

describe("indexGitlinks", () => {
  it("finds exactly the gitlinks git lists, in index versions 2, 3 and 4", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "README.md": "hi\n" }, "base");
    await fillIndex(repo.git, base);
    expect((await gitSays(repo.git)).sort()).toEqual([...LINKS].sort());
    expect(indexGitlinks(await indexBytes(repo.git))?.sort()).toEqual([...LINKS].sort());
    // Version 3: an intent-to-add entry carries the extended flags.
    await writeFile(join(repo.dir, "later.txt"), "x\n");
    await repo.git.run(["add", "-N", "later.txt"]);
    expect((await indexBytes(repo.git)).readUInt32BE(4)).toBe(3);
    expect(indexGitlinks(await indexBytes(repo.git))?.sort()).toEqual((await gitSays(repo.git)).sort());
    await repo.git.run(["update-index", "--index-version", "4"]);
    expect((await indexBytes(repo.git)).readUInt32BE(4)).toBe(4);
    expect(indexGitlinks(await indexBytes(repo.git))?.sort()).toEqual([...LINKS].sort());
  });

  it("reads a SHA-256 repository's index, and one without any gitlink", async () => {
    await using tmp = await createTempDir();
    const git = createGit({ cwd: join(tmp.path, "repo"), env: tmp.env });
    await createGit({ cwd: tmp.path, env: tmp.env }).run(["init", "--quiet", "--object-format=sha256", git.cwd]);
    await writeFile(join(git.cwd, "a.txt"), "a\n");
    await git.run(["add", "a.txt"]);
    expect(indexGitlinks(await indexBytes(git))).toEqual([]);
    await fillIndex(git, (await git.run(["hash-object", "-w", "--stdin"], { input: "c\n" })).trim());
    expect(indexGitlinks(await indexBytes(git))?.sort()).toEqual([...LINKS].sort());
  });

  it("leaves a split index, a sparse index and damaged bytes to git instead of guessing", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "README.md": "hi\n", "docs/a.md": "a\n", "src/b.ts": "b\n" }, "base");
    const plain = await indexBytes(repo.git);
    expect(indexGitlinks(plain)).toEqual([]);
    expect(indexGitlinks(plain.subarray(0, plain.length - 30))).toBeUndefined();
    const cut = Buffer.from(plain);
    cut[12 + 62 + 2] = 0; // a NUL inside the first name: it no longer matches its length
    expect(indexGitlinks(cut)).toBeUndefined();
    expect(indexGitlinks(Buffer.from("DIRC\0\0\0\x05\0\0\0\0"))).toBeUndefined();
    expect(indexGitlinks(Buffer.alloc(0))).toBeUndefined();
    await repo.git.run(["sparse-checkout", "set", "--cone", "--sparse-index", "docs"]);
    expect(await repo.git.run(["ls-files", "--sparse"])).toContain("src/\n");
    expect(indexGitlinks(await indexBytes(repo.git))).toBeUndefined();
    await repo.git.run(["sparse-checkout", "disable"]);
    await fillIndex(repo.git, base);
    await repo.git.run(["update-index", "--split-index"]);
    expect(indexGitlinks(await indexBytes(repo.git))).toBeUndefined();
  });
});

describe("gitlinksOf", () => {
  it("reads a linked worktree's own index, and asks git when the file is one it does not read", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "README.md": "hi\n" }, "base");
    await using wt = await createWorktree(repo.git, join(repo.root, "wt"), base);
    expect(await gitlinksOf(wt.git)).toEqual([]);
    await fillIndex(wt.git, base);
    expect((await gitlinksOf(wt.git)).sort()).toEqual([...LINKS].sort());
    expect(await gitlinksOf(repo.git)).toEqual([]); // the main worktree's index is another
    await wt.git.run(["update-index", "--split-index"]);
    expect((await gitlinksOf(wt.git)).sort()).toEqual([...LINKS].sort());
  });
});

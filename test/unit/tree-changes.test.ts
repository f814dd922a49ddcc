import { chmod, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffResult } from "../../src/git/tree-changes.ts";
import type { Git } from "../../src/git/runner.ts";
import { checkWriteScope } from "../../src/run/write-scope.ts";
import { createTempRepo } from "./helpers.ts";

const treeChanges = async (git: Git, from: string, to: string) => (await diffResult(git, from, to)).changes;

describe("diffResult's changes", () => {
  it("lists status, path and new mode of every change, with symlink targets", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "a.txt": "a\n", "gone.txt": "bye\n", "was-file": "x\n", "src/old.ts": "x\n" }, "base");
    await mkdir(join(repo.dir, "docs/deep"), { recursive: true });
    await symlink("/etc/passwd", join(repo.dir, "passwd"));
    await symlink("../../../outside", join(repo.dir, "docs/deep/escape"));
    await symlink("../a.txt", join(repo.dir, "docs/readme"));
    await rm(join(repo.dir, "was-file"));
    await symlink("a.txt", join(repo.dir, "was-file"));
    await repo.commit({ ".github/workflows/ci.yml": "on: push\n", "a.txt": "changed\n", "gone.txt": null, "src/new.ts": "x\n", "src/old.ts": null }, "agent");
    const head = (await repo.git.run(["rev-parse", "HEAD"])).trim();

    const changes = await treeChanges(repo.git, base, head);

    expect(changes).toEqual([
      { status: "A", path: ".github/workflows/ci.yml", mode: "100644" },
      { status: "M", path: "a.txt", mode: "100644" },
      { status: "A", path: "docs/deep/escape", mode: "120000", linkTarget: "../../../outside" },
      { status: "A", path: "docs/readme", mode: "120000", linkTarget: "../a.txt" },
      { status: "D", path: "gone.txt", mode: "000000" },
      { status: "A", path: "passwd", mode: "120000", linkTarget: "/etc/passwd" },
      { status: "A", path: "src/new.ts", mode: "100644" },
      { status: "D", path: "src/old.ts", mode: "000000" },
      { status: "T", path: "was-file", mode: "120000", linkTarget: "a.txt" },
    ]);
    const verdict = checkWriteScope(changes, []);
    expect(verdict.ok).toBe(false);
    const problems = verdict.ok ? [] : verdict.problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^adds ".github\/workflows\/ci.yml": protected/);
    expect(problems[1]).toMatch(/^symlink "docs\/deep\/escape" → "..\/..\/..\/outside": points outside the repository/);
    expect(problems[2]).toMatch(/^symlink "passwd" → "\/etc\/passwd": points to an absolute path/);
    expect(checkWriteScope(changes, [".github/workflows/**"])).toMatchObject({ ok: false, problems: { length: 2 } });
  });

  it("reads paths with spaces, tabs, quotes and non-ASCII letters exactly", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "a.txt": "a\n" }, "base");
    const names = ["with space.txt", 'tab\tand"quote.txt', "café/naïve.md", "back\\slash"];
    const head = await repo.commit(Object.fromEntries(names.map((name) => [name, "x\n"])), "names");
    expect((await treeChanges(repo.git, base, head)).map((c) => c.path).sort()).toEqual([...names].sort());
  });

  it("returns nothing for identical commits and rejects a revision that looks like an option", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "a.txt": "a\n" }, "base");
    expect(await treeChanges(repo.git, base, base)).toEqual([]);
    await expect(treeChanges(repo.git, "--output=/tmp/x", base)).rejects.toThrow(/must not start with "-"/);
  });
});

describe("diffResult", () => {
  it("reads the listing and the patch from one output, whatever the names and bytes in between", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "a.txt": "a\n", "run.sh": "echo\n" }, "base");
    await writeFile(join(repo.dir, "bin.dat"), Buffer.from([0, 10, 58, 49, 0, 0, 10]));
    await chmod(join(repo.dir, "run.sh"), 0o755);
    const head = await repo.commit({ "new\nline.txt": "first\n", "a.txt": "a\nb\n" }, "agent");
    const diff = await diffResult(repo.git, base, head);
    expect(diff.changes).toEqual([
      { status: "M", path: "a.txt", mode: "100644" },
      { status: "A", path: "bin.dat", mode: "100644" },
      { status: "A", path: "new\nline.txt", mode: "100644" },
      { status: "M", path: "run.sh", mode: "100755" },
    ]);
    expect(diff.added).toEqual([
      { path: "a.txt", addedLines: ["b"], lineNumbers: [2] },
      { path: "bin.dat", addedLines: [], lineNumbers: [], binary: true },
      { path: "new\nline.txt", addedLines: ["first"], lineNumbers: [1] },
    ]);
    expect(await diffResult(repo.git, base, base)).toEqual({ changes: [], added: [] });
  });

  it("reads no index when given one that does not exist (the repository's may be large, or broken)", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "a.txt": "a\n" }, "base");
    const head = await repo.commit({ "a.txt": "b\n" }, "agent");
    await writeFile(join(repo.dir, ".git", "index"), "not an index");
    await expect(diffResult(repo.git, base, head)).rejects.toThrow(/index/);
    const diff = await diffResult(repo.git, base, head, { indexFile: join(repo.root, "no-index") });
    expect(diff).toEqual({ changes: [{ status: "M", path: "a.txt", mode: "100644" }], added: [{ path: "a.txt", addedLines: ["b"], lineNumbers: [1] }] });
  });
});

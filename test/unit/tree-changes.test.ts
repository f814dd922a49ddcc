import { mkdir, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { treeChanges } from "../../src/git/tree-changes.ts";
import { checkWriteScope } from "../../src/run/write-scope.ts";
import { createTempRepo } from "./helpers.ts";

describe("treeChanges", () => {
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

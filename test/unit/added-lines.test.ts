import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_ADDED_BYTES, parsePatch } from "../../src/git/added-lines.ts";
import type { Git } from "../../src/git/runner.ts";
import { diffResult } from "../../src/git/tree-changes.ts";
import { scanForSecrets } from "../../src/run/secret-scan.ts";
import { createTempRepo } from "./helpers.ts";

const PEM = `-----BEGIN ${"OPENSSH "}PRIVATE KEY-----`;
const addedLines = async (git: Git, from: string, to: string) => (await diffResult(git, from, to)).added;

describe("diffResult's added lines", () => {
  it("gives each file's added lines with their line numbers in the new file", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "a.txt": "one\ntwo\nthree\n", "gone.txt": "x\n", "keep.txt": "same\n" }, "base");
    const head = await repo.commit({ "a.txt": "one\nTWO\nthree\nfour\n", "gone.txt": null, "new.txt": "n1\nn2" }, "agent");
    expect(await addedLines(repo.git, base, head)).toEqual([
      { path: "a.txt", addedLines: ["TWO", "four"], lineNumbers: [2, 4] },
      { path: "new.txt", addedLines: ["n1", "n2"], lineNumbers: [1, 2] },
    ]);
  });

  it("never reads added text as a header, and finds the secret on its real line", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "x.md": "a\n" }, "base");
    const text = ["a", "++ b/fake.txt", "@@ -1 +1,500 @@", "diff --git a/y b/y", `+++ b/${PEM}`, PEM, ""].join("\n");
    const head = await repo.commit({ "x.md": text }, "tricky");
    const files = await addedLines(repo.git, base, head);
    expect(files).toEqual([{ path: "x.md", addedLines: ["++ b/fake.txt", "@@ -1 +1,500 @@", "diff --git a/y b/y", `+++ b/${PEM}`, PEM], lineNumbers: [2, 3, 4, 5, 6] }]);
    expect(scanForSecrets(files)).toEqual([
      { path: "x.md", line: 5, kind: "private key" },
      { path: "x.md", line: 6, kind: "private key" },
    ]);
  });

  it("reads unusual file names exactly", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "a": "a\n" }, "base");
    const names = ["with space.txt", 'tab\tand"quote.txt', "café/naïve.md", "back\\slash"];
    const head = await repo.commit(Object.fromEntries(names.map((name) => [name, "line\n"])), "names");
    expect((await addedLines(repo.git, base, head)).map((f) => f.path).sort()).toEqual([...names].sort());
  });

  it("marks binary files and keeps none of their bytes, whatever .gitattributes says of text", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ ".gitattributes": "*.lock -diff\n" }, "base");
    await writeFile(join(repo.dir, "blob.bin"), Buffer.from([0, 1, 2, 10, 65, 0, 10]));
    const head = await repo.commit({ "deps.lock": `${PEM}\n` }, "agent");
    const files = await addedLines(repo.git, base, head);
    expect(files).toEqual([
      { path: "blob.bin", addedLines: [], lineNumbers: [], binary: true },
      { path: "deps.lock", addedLines: [PEM], lineNumbers: [1] },
    ]);
  });

  it("keeps at most MAX_ADDED_BYTES of a file and says so", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "a": "a\n" }, "base");
    const line = "x".repeat(1023);
    const head = await repo.commit({ "big.txt": `${line}\n`.repeat(MAX_ADDED_BYTES / 1024 + 10) }, "big");
    const [big] = await addedLines(repo.git, base, head);
    expect(big?.truncated).toBe(true);
    expect(big?.addedLines).toHaveLength(MAX_ADDED_BYTES / 1024);
  });
});

describe("parsePatch", () => {
  it("handles hunks without counts, context lines and missing final newlines", () => {
    const patch = [
      "diff --git a/f b/f",
      "--- a/f",
      "+++ b/f",
      "@@ -1 +1 @@",
      "-old",
      "\\ No newline at end of file",
      "+new",
      "\\ No newline at end of file",
      "@@ -5,2 +5,2 @@",
      " same",
      "-gone",
      "+here",
      "diff --git a/d b/d",
      "deleted file mode 100644",
      "--- a/d",
      "+++ /dev/null",
      "@@ -1 +0,0 @@",
      "-bye",
      "",
    ].join("\n");
    expect(parsePatch(patch)).toEqual([{ path: "f", addedLines: ["new", "here"], lineNumbers: [1, 6] }]);
  });
});

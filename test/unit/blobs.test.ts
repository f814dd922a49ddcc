import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readFileAtRev } from "../../src/git/blobs.ts";
import { createGit } from "../../src/git/runner.ts";
import { createTempRepo } from "./helpers.ts";

describe("reading a committed file", () => {
  it("gives its content, blob and size in one git process", async () => {
    await using repo = await createTempRepo();
    const tip = await repo.commit({ ".codex-tasks.yml": "version: 1\n" }, "tasks");
    const trace = join(repo.root, "trace.json");

    const found = await readFileAtRev(createGit({ cwd: repo.dir, env: { ...repo.env, GIT_TRACE2_EVENT: trace } }), tip, ".codex-tasks.yml", 100);

    expect(found).toEqual({ kind: "file", blobSha: (await repo.git.run(["rev-parse", `${tip}:.codex-tasks.yml`])).trim(), size: 11, content: Buffer.from("version: 1\n") });
    const starts = (await readFile(trace, "utf8")).split("\n").filter((line) => line.includes('"event":"start"'));
    expect(starts).toHaveLength(1);
  });

  it("keeps binary bytes as they are, and takes a file of exactly the limit", async () => {
    await using repo = await createTempRepo();
    const bytes = Buffer.from([0x76, 0, 1, 2, 0xff, 0xfe, 10, 13]);
    await writeFile(join(repo.dir, "bin.yml"), bytes);
    await repo.git.run(["add", "bin.yml"]);
    await repo.git.run(["commit", "--quiet", "-m", "binary"]);

    const found = await readFileAtRev(repo.git, "HEAD", "bin.yml", bytes.length);

    expect(found).toMatchObject({ kind: "file", size: bytes.length, content: bytes });
  });

  it("refuses a file over the limit with its size, without its content", async () => {
    await using repo = await createTempRepo();
    const tip = await repo.commit({ "big.yml": "x".repeat(5000) }, "big");

    const found = await readFileAtRev(repo.git, tip, "big.yml", 4999);

    expect(found).toEqual({ kind: "too-large", blobSha: (await repo.git.run(["rev-parse", `${tip}:big.yml`])).trim(), size: 5000 });
  });

  it("finds nothing where there is no file: no such path, a folder, an unknown revision", async () => {
    await using repo = await createTempRepo();
    const tip = await repo.commit({ "dir/.codex-tasks.yml": "version: 1\n" }, "nested");

    expect(await readFileAtRev(repo.git, tip, ".codex-tasks.yml", 100)).toEqual({ kind: "missing" });
    expect(await readFileAtRev(repo.git, tip, "dir", 100)).toEqual({ kind: "missing" });
    expect(await readFileAtRev(repo.git, "refs/heads/nothing-here", ".codex-tasks.yml", 100)).toEqual({ kind: "missing" });
  });

  it("refuses a revision that git would read as an option", async () => {
    await using repo = await createTempRepo();

    await expect(readFileAtRev(repo.git, "--output=x", "a", 100)).rejects.toThrow(/revision must not start with "-"/);
  });
});

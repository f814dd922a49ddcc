import { existsSync } from "node:fs";
import { chmod, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commitTree, commitWorktree, formatCommitMessage, readTaskBase } from "../../src/git/commit.ts";
import { listCommits } from "../../src/git/commits.ts";
import { createWorktree } from "../../src/git/worktree.ts";
import { createTempRepo, type TempRepo } from "./helpers.ts";

const BOT = { name: "Codex Bot", email: "codex@example.com" };

/** Hooks that would fail a commit, and leave a marker file if they ran at all. */
async function installHooks(repo: TempRepo): Promise<string> {
  const marker = join(repo.root, "hook-ran");
  const hooks = join(repo.dir, ".git", "hooks");
  await writeFile(join(hooks, "pre-commit"), `#!/bin/sh\necho pre >> "${marker}"\nexit 1\n`);
  await writeFile(join(hooks, "post-commit"), `#!/bin/sh\necho post >> "${marker}"\n`);
  await writeFile(join(hooks, "commit-msg"), `#!/bin/sh\necho msg >> "${marker}"\nexit 1\n`);
  await Promise.all(["pre-commit", "post-commit", "commit-msg"].map((hook) => chmod(join(hooks, hook), 0o755)));
  return marker;
}

describe("commitWorktree", () => {
  it("returns undefined when the worktree has no change", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "a.txt": "a\n" }, "base");
    await using wt = await createWorktree(repo.git, join(repo.root, "wt"), base);
    expect(await commitWorktree(wt.git, base, "nothing", BOT)).toBeUndefined();
  });

  it("commits every change on top of the parent without moving any HEAD and without running hooks", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "a.txt": "a\n", "gone.txt": "bye\n" }, "base");
    const marker = await installHooks(repo);
    await using wt = await createWorktree(repo.git, join(repo.root, "wt"), base);
    await writeFile(join(wt.path, "a.txt"), "changed\n");
    await writeFile(join(wt.path, "new.txt"), "new\n");
    await rm(join(wt.path, "gone.txt"));

    const sha = await commitWorktree(wt.git, base, "Agent work\n\nCodex-Task: t1\n", BOT);

    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect((await wt.git.run(["rev-parse", "HEAD"])).trim()).toBe(base);
    expect((await repo.git.run(["rev-parse", "HEAD"])).trim()).toBe(base);
    expect((await repo.git.run(["symbolic-ref", "HEAD"])).trim()).toBe("refs/heads/main");
    expect(existsSync(marker)).toBe(false);
    const [commit] = await listCommits(repo.git, { tip: sha ?? "", exclude: base });
    expect(commit).toMatchObject({ parents: [base], authorName: BOT.name, authorEmail: BOT.email, subject: "Agent work", hasTaskTrailer: true });
    expect(await repo.git.run(["ls-tree", "--name-only", sha ?? ""])).toBe("a.txt\nnew.txt\n");
    expect(await repo.git.run(["show", `${sha}:a.txt`])).toBe("changed\n");
  });
});

describe("readTaskBase", () => {
  it("gives the common git dir and the base's tree in one call; with that tree, commitWorktree reads no other", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({ "a.txt": "a\n" }, "base");
    await using wt = await createWorktree(repo.git, join(repo.root, "wt"), base);
    const taskBase = await readTaskBase(wt.git, base);
    expect(taskBase).toEqual({ commonDir: join(repo.dir, ".git"), tree: (await repo.git.run(["rev-parse", `${base}^{tree}`])).trim() });
    expect(await commitWorktree(wt.git, base, "nothing", BOT, taskBase.tree)).toBeUndefined();
    // A tree said to be the parent's is taken at its word: the same tree is no change.
    await writeFile(join(wt.path, "a.txt"), "changed\n");
    const changed = (await commitWorktree(wt.git, base, "changed", BOT, taskBase.tree)) ?? "";
    expect(await commitWorktree(wt.git, base, "again", BOT, (await repo.git.run(["rev-parse", `${changed}^{tree}`])).trim())).toBeUndefined();
    await expect(readTaskBase(wt.git, "--output=x")).rejects.toThrow(/must not start with "-"/);
  });
});

describe("a formatted message committed with commitTree", () => {
  it("keeps its trailers visible to git log when the body has a --- rule", async () => {
    // `git interpret-trailers --parse` stops at a "---" line; `git log %(trailers)` does not.
    await using repo = await createTempRepo();
    const base = await repo.commit({}, "base");
    const tree = (await repo.git.run(["rev-parse", `${base}^{tree}`])).trim();
    const message = formatCommitMessage("Result", "Intro.\n\n---\n\nDetails.", [["Codex-Task", "t1"], ["Codex", "follow-up"]]);
    const sha = await commitTree(repo.git, tree, [base], message, BOT);
    const [commit] = await listCommits(repo.git, { tip: sha, exclude: base });
    expect(commit).toMatchObject({ hasTaskTrailer: true, codexTrailers: ["follow-up"] });
  });
});

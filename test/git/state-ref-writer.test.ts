import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GitError } from "../../src/git/git-error.ts";
import { timeZone } from "../../src/git/loose-objects.ts";
import { resolveRef, updateRefs } from "../../src/git/refs.ts";
import { createGit, type Git } from "../../src/git/runner.ts";
import { createRecordWriter, readRecordFile, taskRef } from "../../src/git/state-ref.ts";
import { createRemoteAndClone, createTempRepo } from "../unit/helpers.ts";

const BOT = { name: "Codex Bot", email: "codex@example.com" };
const AT_MS = 1_700_000_000_000;
const status = (state: string): Record<string, string> => ({ "status.json": `${JSON.stringify({ state })}\n` });

/** The runner with a list of the git commands run through it. */
function counted(git: Git): { git: Git; calls: string[] } {
  const calls: string[] = [];
  const wrap = (inner: Git): Git => ({
    cwd: inner.cwd,
    run: (args, options) => (calls.push(args[0] ?? ""), inner.run(args, options)),
    probe: (args, options) => (calls.push(args[0] ?? ""), inner.probe(args, options)),
    at: (cwd) => wrap(inner.at(cwd)),
  });
  return { git: wrap(git), calls };
}

describe("a record writer", () => {
  it("writes a record on top of its own with one git process, the ref's move", async () => {
    await using repo = await createTempRepo();
    const { git, calls } = counted(repo.git);
    const writer = createRecordWriter(git);
    const queued = await writer.write(taskRef("t"), status("queued"), "queued\n", BOT, undefined);
    // Finding the object store costs two processes, once.
    expect(calls.sort()).toEqual(["config", "rev-parse", "update-ref"]);
    calls.length = 0;
    const running = await writer.write(taskRef("t"), { ...status("running"), "transcript.jsonl": "{}\n" }, "running\n", BOT, queued);
    const done = await writer.write(taskRef("t"), status("done"), "done\n", BOT, running);
    expect(calls).toEqual(["update-ref", "update-ref"]);
    expect(await resolveRef(repo.git, taskRef("t"))).toBe(done);
    // The transcript carried over from the remembered tree.
    expect(await readRecordFile(repo.git, done, "transcript.jsonl")).toBe("{}\n");
    expect(await repo.git.run(["log", "--format=%s", taskRef("t")])).toBe("done\nrunning\nqueued\n");
  });

  it("reads the parent's files with ls-tree when another process wrote the parent", async () => {
    await using repo = await createTempRepo();
    const other = await createRecordWriter(repo.git).write(taskRef("t"), { ...status("running"), "transcript.jsonl": "[1]\n", "odd name\twith tab": "x\n" }, "running\n", BOT, undefined);
    const { git, calls } = counted(repo.git);
    const writer = createRecordWriter(git);
    const done = await writer.write(taskRef("t"), status("done"), "done\n", BOT, other);
    expect(calls.filter((call) => call === "ls-tree")).toHaveLength(1);
    expect(await readRecordFile(repo.git, done, "transcript.jsonl")).toBe("[1]\n");
    expect(await readRecordFile(repo.git, done, "odd name\twith tab")).toBe("x\n");
  });

  it("forgets the oldest trees beyond its bound", async () => {
    await using repo = await createTempRepo();
    const { git, calls } = counted(repo.git);
    const writer = createRecordWriter(git, { keep: 2 });
    const first = await writer.write(taskRef("a"), status("queued"), "a\n", BOT, undefined);
    const second = await writer.write(taskRef("b"), status("queued"), "b\n", BOT, undefined);
    await writer.write(taskRef("c"), status("queued"), "c\n", BOT, undefined);
    calls.length = 0;
    await writer.write(taskRef("b"), status("running"), "b\n", BOT, second);
    expect(calls).toEqual(["update-ref"]);
    await writer.write(taskRef("a"), status("running"), "a\n", BOT, first);
    expect(calls).toEqual(["update-ref", "ls-tree", "update-ref"]);
  });

  it("keeps the compare-and-swap: a stale parent or an existing ref throws GitError and moves nothing", async () => {
    await using repo = await createTempRepo();
    const writer = createRecordWriter(repo.git);
    const first = await writer.write(taskRef("t"), status("queued"), "queued\n", BOT, undefined);
    const second = await writer.write(taskRef("t"), status("running"), "running\n", BOT, first);
    await expect(writer.write(taskRef("t"), status("late"), "late\n", BOT, first)).rejects.toThrow(GitError);
    await expect(writer.write(taskRef("t"), status("again"), "again\n", BOT, undefined)).rejects.toThrow(GitError);
    expect(await resolveRef(repo.git, taskRef("t"))).toBe(second);
  });

  it("writes the same commits as the git processes do for the same second", async () => {
    await using repo = await createTempRepo();
    const shared = join(repo.root, "shared");
    await repo.git.run(["init", "--quiet", "--shared=group", shared]);
    // core.sharedRepository makes the writer use hash-object, mktree and commit-tree.
    const date = `${AT_MS / 1000} ${timeZone(AT_MS)}`;
    const byGit = createGit({ cwd: shared, env: { ...repo.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
    const results: string[][] = [];
    for (const target of [repo.git, byGit]) {
      const { git, calls } = counted(target);
      const writer = createRecordWriter(git, { now: () => AT_MS });
      const a = await writer.build({ ...status("queued"), "transcript.jsonl": "ü\n" }, "codex: t queued\n", BOT, undefined);
      const b = await writer.build(status("running"), "codex: t running\n", BOT, a);
      results.push([a, b, calls.includes("commit-tree") ? "git" : "in process"]);
    }
    expect(results[0]).toEqual([results[1]![0], results[1]![1], "in process"]);
    expect(results[1]![2]).toBe("git");
  });

  it("writes records with git processes in a SHA-256 repository", async () => {
    await using repo = await createTempRepo();
    const dir = join(repo.root, "sha256");
    await repo.git.run(["init", "--quiet", "--object-format=sha256", dir]);
    const git = repo.git.at(dir);
    const writer = createRecordWriter(git);
    const queued = await writer.write(taskRef("t"), { ...status("queued"), "transcript.jsonl": "{}\n" }, "queued\n", BOT, undefined);
    const running = await writer.write(taskRef("t"), status("running"), "running\n", BOT, queued);
    expect(running).toMatch(/^[0-9a-f]{64}$/);
    expect(await readRecordFile(git, running, "transcript.jsonl")).toBe("{}\n");
    // Another writer reads the parent's tree with ls-tree.
    const done = await createRecordWriter(git).write(taskRef("t"), status("done"), "done\n", BOT, running);
    expect(await readRecordFile(git, done, "transcript.jsonl")).toBe("{}\n");
    await expect(writer.write(taskRef("t"), status("again"), "again\n", BOT, undefined)).rejects.toThrow(GitError);
    expect((await git.probe(["fsck", "--strict", "--no-dangling"])).exitCode).toBe(0);
  });

  it("leaves a repository that fsck --strict finds clean, that pushes and that gc keeps", async () => {
    await using repo = await createRemoteAndClone();
    const writer = createRecordWriter(repo.git);
    const refs: string[] = [];
    for (let task = 0; task < 20; task++) {
      let parent: string | undefined;
      for (const state of ["queued", "running", "done"]) {
        const transcript: Record<string, string> = state === "running" ? { "transcript.jsonl": `${JSON.stringify({ task, text: "x".repeat(task * 100) })}\n` } : {};
        parent = await writer.write(taskRef(`t${task}`), { ...status(state), ...transcript }, `codex: t${task} ${state}\n`, BOT, parent);
      }
      refs.push(taskRef(`t${task}`));
    }
    const fsck = await repo.git.probe(["fsck", "--strict", "--no-dangling"]);
    expect({ exitCode: fsck.exitCode, stderr: fsck.stderr }).toEqual({ exitCode: 0, stderr: "" });
    await repo.git.run(["push", "--quiet", "origin", ...refs.map((ref) => `${ref}:${ref}`)]);
    expect((await repo.remoteGit.probe(["fsck", "--strict", "--no-dangling"])).exitCode).toBe(0);
    await repo.git.run(["gc", "--quiet", "--prune=now"]);
    expect(await repo.git.run(["cat-file", "-p", `${taskRef("t7")}:transcript.jsonl`])).toContain('"task":7');
    expect(await repo.git.run(["log", "--format=%s", taskRef("t3")])).toBe("codex: t3 done\ncodex: t3 running\ncodex: t3 queued\n");
  });
});

describe("updateRefs", () => {
  it("moves several refs in one git process", async () => {
    await using repo = await createTempRepo();
    const a = await repo.commit({ "a.txt": "a\n" }, "a");
    const b = await repo.commit({ "b.txt": "b\n" }, "b");
    await updateRefs(repo.git, [{ ref: "refs/codex/x", value: a, expected: undefined }]);
    const { git, calls } = counted(repo.git);
    await updateRefs(git, [{ ref: "refs/codex/x", value: b, expected: a }, { ref: "refs/codex/y", value: a, expected: undefined }]);
    expect(calls).toEqual(["update-ref"]);
    expect([await resolveRef(repo.git, "refs/codex/x"), await resolveRef(repo.git, "refs/codex/y")]).toEqual([b, a]);
  });

  it("moves none when one compare-and-swap fails", async () => {
    await using repo = await createTempRepo();
    const a = await repo.commit({ "a.txt": "a\n" }, "a");
    const b = await repo.commit({ "b.txt": "b\n" }, "b");
    await updateRefs(repo.git, [{ ref: "refs/codex/x", value: a, expected: undefined }]);
    await expect(updateRefs(repo.git, [{ ref: "refs/codex/new", value: b, expected: undefined }, { ref: "refs/codex/x", value: b, expected: b }])).rejects.toThrow(GitError);
    await expect(updateRefs(repo.git, [{ ref: "refs/codex/new", value: b, expected: undefined }, { ref: "refs/codex/x", value: b, expected: undefined }])).rejects.toThrow(GitError);
    expect(await resolveRef(repo.git, "refs/codex/new")).toBeUndefined();
    expect(await resolveRef(repo.git, "refs/codex/x")).toBe(a);
  });

  it("refuses a ref that would break the transaction's lines", async () => {
    await using repo = await createTempRepo();
    const a = await repo.commit({ "a.txt": "a\n" }, "a");
    await expect(updateRefs(repo.git, [{ ref: "refs/codex/a b", value: a, expected: undefined }, { ref: "refs/codex/c", value: a, expected: undefined }])).rejects.toThrow(/must not hold whitespace/);
    expect(await resolveRef(repo.git, "refs/codex/c")).toBeUndefined();
  });
});

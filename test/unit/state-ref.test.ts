import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitError } from "../../src/git/git-error.ts";
import { resolveRef } from "../../src/git/refs.ts";
import { readAllRecords, readRecordFile, taskRef, writeRecord } from "../../src/git/state-ref.ts";
import { createTempRepo, type TempRepo } from "./helpers.ts";

const BOT = { name: "Codex Bot", email: "codex@example.com" };
const status = (state: string): string => `${JSON.stringify({ state, note: "ünïcode ✓\nsecond line" })}\n`;

describe("readAllRecords in a fresh repository", () => {
  it("returns no record when there is no task ref", async () => {
    await using repo = await createTempRepo();
    expect((await readAllRecords(repo.git)).size).toBe(0);
  });
});

describe("task records under refs/codex/tasks/", () => {
  // One repository for these tests, in order: the first reads all records, the others use ids of their own.
  let repo: TempRepo;
  beforeAll(async () => {
    repo = await createTempRepo();
  });
  afterAll(() => repo[Symbol.asyncDispose]());

  it("reads back every record written, with its commit and status.json", async () => {
    const a = await writeRecord(repo.git, taskRef("a"), { "status.json": status("running"), "transcript.jsonl": "{}\n" }, "task a", BOT, undefined);
    const b = await writeRecord(repo.git, taskRef("b"), { "status.json": status("done") }, "task b", BOT, undefined);
    const records = await readAllRecords(repo.git);
    expect(records).toEqual(new Map([
      ["a", { commit: a, content: status("running") }],
      ["b", { commit: b, content: status("done") }],
    ]));
    expect(await readRecordFile(repo.git, a, "transcript.jsonl")).toBe("{}\n");
  });

  it("reports a record without the asked file as undefined content", async () => {
    const c = await writeRecord(repo.git, taskRef("no-status"), { "other.txt": "x" }, "task c", BOT, undefined);
    expect((await readAllRecords(repo.git)).get("no-status")).toEqual({ commit: c, content: undefined });
  });

  it("moves the ref when the parent is its current value, keeping history", async () => {
    const first = await writeRecord(repo.git, taskRef("moved"), { "status.json": status("running") }, "start", BOT, undefined);
    const second = await writeRecord(repo.git, taskRef("moved"), { "status.json": status("done") }, "finish", BOT, first);
    expect(await resolveRef(repo.git, taskRef("moved"))).toBe(second);
    expect((await repo.git.run(["rev-parse", `${second}^`])).trim()).toBe(first);
    expect((await readAllRecords(repo.git)).get("moved")?.content).toBe(status("done"));
  });

  it("throws GitError and leaves the ref alone when the parent is stale", async () => {
    const first = await writeRecord(repo.git, taskRef("stale"), { "status.json": status("running") }, "start", BOT, undefined);
    const second = await writeRecord(repo.git, taskRef("stale"), { "status.json": status("done") }, "finish", BOT, first);
    await expect(writeRecord(repo.git, taskRef("stale"), { "status.json": status("lost") }, "late", BOT, first)).rejects.toThrow(GitError);
    expect(await resolveRef(repo.git, taskRef("stale"))).toBe(second);
  });

  it("throws GitError when creating a record that already exists", async () => {
    const first = await writeRecord(repo.git, taskRef("exists"), { "status.json": status("running") }, "start", BOT, undefined);
    await expect(writeRecord(repo.git, taskRef("exists"), { "status.json": status("again") }, "again", BOT, undefined)).rejects.toThrow(GitError);
    expect(await resolveRef(repo.git, taskRef("exists"))).toBe(first);
  });
});

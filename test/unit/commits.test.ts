import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCommits, TRAILER_WORD } from "../../src/git/commits.ts";
import type { CommitRecord } from "../../src/tasks/types.ts";
import { createTempRepo, type TempRepo } from "./helpers.ts";

describe("listCommits", () => {
  it("lists commits oldest first with every Codex trailer as git reads it", async () => {
    await using repo = await createTempRepo();
    const one = await repo.commit({ a: "1" }, "one\n\nWhy this change.\n\nCodex: fix the bug\nCodex: add tests\n");
    const two = await repo.commit({ a: "2" }, "two\n");
    const commits = await listCommits(repo.git, { tip: "HEAD" });
    expect(commits.map((c) => [c.sha, c.subject])).toEqual([[one, "one"], [two, "two"]]);
    expect(commits[0]).toMatchObject({ parents: [], authorName: "Ada Lovelace", authorEmail: "ada@example.com", codexTrailers: ["fix the bug", "add tests"], hasTaskTrailer: false });
    expect(commits[1]).toMatchObject({ parents: [one], codexTrailers: [] });
  });
});

describe("listCommits trailers of one commit", () => {
  // One repository for these tests; each reads only the commit it made.
  let repo: TempRepo;
  beforeAll(async () => {
    repo = await createTempRepo();
    await repo.commit({}, "root\n");
  });
  afterAll(() => repo[Symbol.asyncDispose]());

  const commitAndRead = async (message: string): Promise<CommitRecord> => {
    const sha = await repo.commit({}, message);
    const commits = await listCommits(repo.git, { tip: sha, exclude: `${sha}^` });
    expect(commits.map((c) => c.sha)).toEqual([sha]);
    return commits[0] as CommitRecord;
  };

  it("unfolds a trailer continued on indented lines", async () => {
    const commit = await commitAndRead("folded\n\nCodex: rename the module\n  and update its callers\n");
    expect(commit.codexTrailers).toEqual(["rename the module and update its callers"]);
  });

  it("matches the trailer key whatever its case", async () => {
    const commit = await commitAndRead("lower\n\ncodex: lower-case key\nCODEX: upper-case key\n");
    expect(commit.codexTrailers).toEqual(["lower-case key", "upper-case key"]);
  });

  it("does not read a Codex: subject line as a trailer", async () => {
    const commit = await commitAndRead("Codex: do everything\n");
    expect(commit).toMatchObject({ subject: "Codex: do everything", codexTrailers: [] });
  });

  it("does not read a Codex: line in a body paragraph that is not the last as a trailer", async () => {
    const commit = await commitAndRead("body\n\nCodex: not a trailer here\n\nJust prose at the end.\n");
    expect(commit.codexTrailers).toEqual([]);
  });

  it("sets hasTaskTrailer for Codex-Task and keeps it out of the Codex trailers", async () => {
    const commit = await commitAndRead("result\n\nCodex-Task: abc123\nCodex-Run: r1\n");
    expect(commit).toMatchObject({ hasTaskTrailer: true, codexTrailers: [] });
  });

  it("treats Codex-Retry as neither a Codex trailer nor a task trailer", async () => {
    const commit = await commitAndRead("retry\n\nCodex-Retry: 2\n");
    expect(commit).toMatchObject({ hasTaskTrailer: false, codexTrailers: [] });
  });
});

describe("listCommits ranges", () => {
  const OLD = 1_000_000_000; // 2001
  const NEW = 1_600_000_000; // 2020
  const dated = (seconds: number): Record<string, string> => ({ GIT_COMMITTER_DATE: `@${seconds} +0000`, GIT_AUTHOR_DATE: `@${seconds} +0000` });

  it("leaves out commits reachable from exclude", async () => {
    await using repo = await createTempRepo();
    await repo.commit({}, "one\n");
    const two = await repo.commit({}, "two\n");
    const three = await repo.commit({}, "three\n");
    const four = await repo.commit({}, "four\n");
    const commits = await listCommits(repo.git, { tip: four, exclude: two });
    expect(commits.map((c) => c.sha)).toEqual([three, four]);
  });

  it("returns only commits committed at or after sinceSeconds", async () => {
    await using repo = await createTempRepo();
    await repo.commit({}, "old one\n", dated(OLD));
    await repo.commit({}, "old two\n", dated(OLD + 60));
    const recent = await repo.commit({}, "recent\n", dated(NEW));
    const latest = await repo.commit({}, "latest\n", dated(NEW + 60));
    const commits = await listCommits(repo.git, { tip: "HEAD", sinceSeconds: NEW });
    expect(commits.map((c) => c.sha)).toEqual([recent, latest]);
    expect(commits.map((c) => c.committedAt)).toEqual([NEW, NEW + 60]);
  });

  it("returns nothing when the tip is excluded", async () => {
    await using repo = await createTempRepo();
    const one = await repo.commit({}, "one\n");
    expect(await listCommits(repo.git, { tip: one, exclude: one })).toEqual([]);
  });
});

describe("listCommits mentioning (intake's pre-filter)", () => {
  it("keeps every commit whose message holds the word in any case, trailers of every key, and drops the rest", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({}, "base\n");
    const lower = await repo.commit({}, "lower\n\ncodex: lower-case key\n");
    await repo.commit({}, "plain\n\nNothing to ask.\n");
    const retry = await repo.commit({}, "again\n\nCODEX-RETRY: abc\n");
    const task = await repo.commit({}, "result\n\nCodex-Task: t1\n");
    const prose = await repo.commit({}, "mentions Codex in prose only\n");
    await repo.commit({ a: "1" }, "codec, not the word\n");
    const all = await listCommits(repo.git, { tip: "HEAD", exclude: base });
    const some = await listCommits(repo.git, { tip: "HEAD", exclude: base, mentioning: TRAILER_WORD });
    expect(some.map((c) => c.sha)).toEqual([lower, retry, task, prose]);
    // Nothing the pre-filter drops carries a trailer the intake reads.
    const dropped = all.filter((c) => !some.some((s) => s.sha === c.sha));
    expect(dropped).toHaveLength(2);
    expect(dropped.every((c) => c.codexTrailers.length === 0 && !c.hasTaskTrailer && !c.control)).toBe(true);
    expect(some.find((c) => c.sha === lower)?.codexTrailers).toEqual(["lower-case key"]);
    expect(some.find((c) => c.sha === retry)?.control).toEqual({ retry: ["abc"], cancel: [] });
  });

  it("is a fixed string, not a pattern: a message of regex characters is matched literally", async () => {
    await using repo = await createTempRepo();
    const base = await repo.commit({}, "base\n");
    const dots = await repo.commit({}, "a.b\n");
    await repo.commit({}, "axb\n");
    expect((await listCommits(repo.git, { tip: "HEAD", exclude: base, mentioning: "a.b" })).map((c) => c.sha)).toEqual([dots]);
  });
});

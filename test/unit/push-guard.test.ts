import { describe, expect, it } from "vitest";
import { guardRefUpdate, parsePorcelain, RefGuardError, type RefUpdate } from "../../src/git/push.ts";

const SHA = "a".repeat(40);
const OTHER = "b".repeat(40);
const update = (ref: string, extra: Partial<RefUpdate> = {}): RefUpdate => ({ ref, sha: SHA, expect: null, ...extra });

describe("guardRefUpdate", () => {
  it("allows a branch under the prefix and a task ref under refs/codex/", () => {
    expect(() => guardRefUpdate(update("refs/heads/codex/x"), "codex/")).not.toThrow();
    expect(() => guardRefUpdate(update("refs/codex/tasks/x", { expect: OTHER }), "codex/")).not.toThrow();
    expect(() => guardRefUpdate(update("refs/heads/codex/x", { expect: "fast-forward" }), "codex/")).not.toThrow();
  });

  it("allows a 64-hex (sha256) commit and lease", () => {
    expect(() => guardRefUpdate(update("refs/codex/tasks/x", { sha: "c".repeat(64), expect: "d".repeat(64) }), "codex/")).not.toThrow();
  });

  it.each([
    ["the default branch", "refs/heads/main"],
    ["a branch that only starts with the prefix's letters", "refs/heads/codexx"],
    ["a branch named like the prefix itself", "refs/heads/codex"],
    ["a tag", "refs/tags/v1"],
    ["a path that climbs out of refs/codex/", "refs/codex/../heads/main"],
    ["a ref ending in a slash", "refs/codex/tasks/"],
    ["a ref with a space", "refs/codex/tasks/a b"],
    ["a ref with a tilde", "refs/codex/tasks/a~1"],
    ["a ref with a caret", "refs/codex/tasks/a^"],
    ["a ref with a colon", "refs/codex/tasks/a:refs/heads/main"],
    ["a ref with a question mark", "refs/codex/tasks/a?"],
    ["a ref with a star", "refs/codex/tasks/*"],
    ["a ref with a bracket", "refs/codex/tasks/[a]"],
    ["a ref with a backslash", "refs/codex/tasks/a\\b"],
    ["a ref with @{", "refs/codex/tasks/a@{1}"],
    ["a ref with a newline", "refs/codex/tasks/a\nrefs/heads/main"],
    ["a short ref name", "main"],
  ])("rejects %s", (_what, ref) => {
    expect(() => guardRefUpdate(update(ref), "codex/")).toThrow(RefGuardError);
  });

  it.each([
    ["a branch name", "main"],
    ["an abbreviated sha", "abc1234"],
    ["an upper-case sha", "A".repeat(40)],
    ["a sha with an option glued on", `--force${"a".repeat(33)}`],
  ])("rejects %s as the value to push", (_what, sha) => {
    expect(() => guardRefUpdate(update("refs/codex/tasks/x", { sha }), "codex/")).toThrow(RefGuardError);
  });

  it.each([
    ["a branch name", "main"],
    ["an abbreviated sha", "abc1234"],
    ["an empty string", ""],
  ])("rejects %s as the lease", (_what, expect_) => {
    expect(() => guardRefUpdate(update("refs/codex/tasks/x", { expect: expect_ }), "codex/")).toThrow(RefGuardError);
  });

  it.each([
    ["empty", ""],
    ["without a trailing slash", "codex"],
    ["starting with -", "-codex/"],
    ["climbing with ..", "../codex/"],
  ])("rejects a branch prefix that is %s", (_what, prefix) => {
    expect(() => guardRefUpdate(update(`refs/heads/${prefix}x`), prefix)).toThrow(RefGuardError);
  });
});

describe("parsePorcelain", () => {
  it("reads created, rejected and up-to-date refs from git push --porcelain", () => {
    const stdout = [
      "To /tmp/remote.git",
      `*\t${SHA}:refs/codex/tasks/a\t[new reference]`,
      `!\t${SHA}:refs/codex/tasks/b\t[rejected] (stale info)`,
      `=\t${OTHER}:refs/heads/codex/c\t[up to date]`,
      ` \t${SHA}:refs/heads/codex/d\t${OTHER.slice(0, 7)}..${SHA.slice(0, 7)}`,
      `+\t${SHA}:refs/heads/codex/e\t+${OTHER.slice(0, 7)}...${SHA.slice(0, 7)} (forced update)`,
      "Done",
    ].join("\n");
    expect(parsePorcelain(stdout)).toEqual([
      { ref: "refs/codex/tasks/a", ok: true, detail: "[new reference]" },
      { ref: "refs/codex/tasks/b", ok: false, detail: "[rejected] (stale info)" },
      { ref: "refs/heads/codex/c", ok: true, detail: "[up to date]" },
      { ref: "refs/heads/codex/d", ok: true, detail: `${OTHER.slice(0, 7)}..${SHA.slice(0, 7)}` },
      { ref: "refs/heads/codex/e", ok: true, detail: `+${OTHER.slice(0, 7)}...${SHA.slice(0, 7)} (forced update)` },
    ]);
  });

  it("returns nothing for output without ref lines", () => {
    expect(parsePorcelain("To /tmp/remote.git\nDone\n")).toEqual([]);
    expect(parsePorcelain("")).toEqual([]);
  });
});

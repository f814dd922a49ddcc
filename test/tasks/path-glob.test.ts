import { describe, expect, it } from "vitest";
import { isGitFolderName, pathLeadsTo, pathMatches } from "../../src/tasks/index.ts";

describe("pathMatches", () => {
  it.each([
    [".github/workflows/**", ".github/workflows/ci.yml", true],
    [".github/workflows/**", ".github/workflows/a/b/c.yml", true],
    [".github/workflows/**", ".github/workflows", true],
    [".github/workflows/**", ".github/workflows-old/ci.yml", false],
    [".github/workflows/**", "src/.github/workflows/ci.yml", false],
    ["**/.gitattributes", ".gitattributes", true],
    ["**/.gitattributes", "a/b/.gitattributes", true],
    ["**/.gitattributes", "a/b/.gitattributes.bak", false],
    [".gitattributes", "a/.gitattributes", false],
    ["docs", "docs/a/b.md", true],
    ["docs/*.md", "docs/a.md", true],
    ["docs/*.md", "docs/sub/a.md", false],
    ["docs/*.md", "docs/.hidden.md", true],
    ["src/**/test/*.ts", "src/test/a.ts", true],
    ["src/**/test/*.ts", "src/x/y/test/a.ts", true],
    ["a?c", "abc", true],
    ["a?c", "a/c", false],
    ["a.c", "abc", false],
    ["a+(b)", "a+(b)", true],
    ["DOCS/readme.MD", "docs/README.md", true],
  ])("%s matches %s: %s", (pattern, path, expected) => {
    expect(pathMatches(pattern, path)).toBe(expected);
  });
});

describe("pathLeadsTo", () => {
  it("is true for folders above what a pattern names", () => {
    expect(pathLeadsTo(".github/workflows/**", ".github")).toBe(true);
    expect(pathLeadsTo(".github/workflows/**", ".GitHub")).toBe(true);
    expect(pathLeadsTo(".github/workflows/**", ".github/workflows")).toBe(false);
    expect(pathLeadsTo(".github/workflows/**", ".gitlab")).toBe(false);
    expect(pathLeadsTo("**/.gitattributes", "anything")).toBe(false);
    expect(pathLeadsTo(".codex-tasks.yml", "src")).toBe(false);
  });
});

describe("isGitFolderName", () => {
  it("knows the spellings filesystems read as .git", () => {
    for (const name of [".git", ".GIT", ".Git", ".git.", ".git ", ".git. .", "git~1", "GIT~1", ".g\u200cit", "\ufeff.git"]) expect(isGitFolderName(name), name).toBe(true);
    for (const name of [".github", "git", ".gitkeep", "a.git", ".git~1"]) expect(isGitFolderName(name), name).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { checkWriteScope, PROTECTED_PATHS, type ScopeChange } from "../../src/run/write-scope.ts";

const file = (path: string, status = "M"): ScopeChange => ({ status, path, mode: status === "D" ? "000000" : "100644" });
const link = (path: string, linkTarget: string): ScopeChange => ({ status: "A", path, mode: "120000", linkTarget });
const problems = (changes: ScopeChange[], allow: string[] = []): string[] => {
  const verdict = checkWriteScope(changes, allow);
  return verdict.ok ? [] : verdict.problems;
};

describe("checkWriteScope", () => {
  it("accepts ordinary changes, .gitignore and AGENTS.md included", () => {
    const changes = [file("src/a.ts"), file("README.md", "A"), file(".gitignore"), file("AGENTS.md"), file("docs/old.md", "D"), file(".github/CODEOWNERS")];
    expect(checkWriteScope(changes, [])).toEqual({ ok: true });
  });

  it("refuses a workflow change and says which glob protects it and how to allow it", () => {
    expect(problems([file(".github/workflows/ci.yml")])).toEqual([
      `changes ".github/workflows/ci.yml": protected by ".github/workflows/**" (CI workflows run with the repository's secrets as soon as the branch is pushed); to allow it, add allow: [".github/workflows/**"] to the task in .codex-tasks.yml (or under defaults:)`,
    ]);
  });

  it("refuses adding, deleting and retyping protected files alike", () => {
    const changes = [file(".github/actions/setup/action.yml", "A"), file(".gitmodules", "D"), { status: "T", path: ".husky/pre-commit", mode: "100755" }];
    const found = problems(changes);
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/^adds ".github\/actions\/setup\/action.yml"/);
    expect(found[1]).toMatch(/^deletes ".gitmodules"/);
    expect(found[2]).toMatch(/^changes the type of ".husky\/pre-commit"/);
  });

  it("protects .gitattributes and .gitmodules in every folder, and the task file at the root", () => {
    for (const path of [".gitattributes", "vendor/lib/.gitattributes", "sub/.gitmodules", ".codex-tasks.yml", ".lfsconfig", ".githooks/pre-push", ".gitlab-ci.yml", ".circleci/config.yml"]) {
      expect(problems([file(path)]), path).toHaveLength(1);
    }
    expect(problems([file("docs/.codex-tasks.yml")])).toEqual([]);
  });

  it("ignores case, as macOS and Windows checkouts do", () => {
    expect(problems([file(".GitHub/Workflows/CI.yml")])).toHaveLength(1);
    expect(problems([file(".GITATTRIBUTES")])).toHaveLength(1);
  });

  it("matches dot files inside protected folders", () => {
    expect(problems([file(".github/workflows/.hidden.yml")])).toHaveLength(1);
  });

  it("lets a glob of allow through, and only what it covers", () => {
    const changes = [file(".github/workflows/ci.yml"), file(".github/workflows/nested/x.yml"), file(".gitattributes")];
    expect(problems(changes, [".github/workflows/**"])).toEqual([expect.stringMatching(/^changes ".gitattributes": protected by "\*\*\/.gitattributes"/)]);
    expect(problems(changes, [".github/workflows/ci.yml", "**/.gitattributes"])).toHaveLength(1);
    expect(checkWriteScope(changes, [".github", ".gitattributes"])).toEqual({ ok: true });
  });

  it("never lets anything under a .git folder through, in any spelling, whatever allow says", () => {
    for (const path of [".git/config", "sub/.git/hooks/post-checkout", ".GIT/config", ".git./config", "GIT~1/config", ".g\u200cit/config"]) {
      const found = problems([file(path, "A")], ["**"]);
      expect(found, path).toHaveLength(1);
      expect(found[0]).toContain("never written");
    }
    expect(problems([file(".github/x"), file("a.git/x"), file(".gitkeep")])).toEqual([]);
  });

  it("refuses symlinks that are absolute or leave the tree, whatever allow says", () => {
    const found = problems([link("etc", "/etc/passwd"), link("a/up", "../../outside"), link("win", "C:\\Windows"), link("back", "..\\..\\x"), link("top", "..")], ["**"]);
    expect(found).toHaveLength(5);
    expect(found[0]).toBe(`symlink "etc" → "/etc/passwd": points to an absolute path; symlinks must stay inside the repository, and allow: cannot change that`);
    expect(found[1]).toContain("points outside the repository");
  });

  it("accepts symlinks that stay inside, even through ..", () => {
    expect(checkWriteScope([link("docs/readme", "../README.md"), link("a/b/c", "../../src/x.ts"), link("self", ".")], [])).toEqual({ ok: true });
  });

  it("refuses a symlink into .git, and a symlink that stands for a protected folder", () => {
    expect(problems([link("cfg", "sub/../.git/config")], ["**"])[0]).toContain("points into a .git folder");
    const found = problems([link(".github", "elsewhere")]);
    expect(found).toEqual([expect.stringContaining(`protected by ".github/workflows/**"`)]);
    expect(problems([link(".github", "elsewhere")], [".github"])).toEqual([]);
  });

  it("refuses a nested repository unless allowed by its path", () => {
    const gitlink: ScopeChange = { status: "A", path: "vendor/lib", mode: "160000" };
    expect(problems([gitlink])).toEqual([expect.stringContaining(`adds a nested repository (a submodule entry); remove it, or add allow: ["vendor/lib"]`)]);
    expect(problems([gitlink], ["vendor/*"])).toEqual([]);
  });

  it("keeps the list of problems short", () => {
    const many = Array.from({ length: 30 }, (_, i) => file(`.github/workflows/w${i}.yml`));
    const found = problems(many);
    expect(found).toHaveLength(21);
    expect(found.at(-1)).toBe("… and 10 more");
  });

  it("gives every protected pattern a reason", () => {
    for (const entry of PROTECTED_PATHS) expect(entry.why.length).toBeGreaterThan(10);
  });
});

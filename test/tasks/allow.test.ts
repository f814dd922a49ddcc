import { describe, expect, it } from "vitest";
import { definitionHash, parseTaskFile, resolveSettings } from "../../src/tasks/index.ts";

const withAllow = (defaults: string, task: string): string =>
  ["version: 1", ...(defaults ? ["defaults:", `  allow: ${defaults}`] : []), "tasks:", "  t:", "    prompt: go", ...(task ? [`    allow: ${task}`] : []), ""].join("\n");

describe("allow: in the task file", () => {
  it("is read per task and under defaults", () => {
    const result = parseTaskFile(withAllow(`["**/.gitattributes"]`, `[".github/workflows/**", " .husky "]`));
    expect(result.errors).toEqual([]);
    expect(result.file?.defaults.allow).toEqual(["**/.gitattributes"]);
    expect(result.file?.tasks.t?.allow).toEqual([".github/workflows/**", ".husky"]);
  });

  it("rejects a task's bad entries, quoting them, while the other tasks still run", () => {
    const text = ["version: 1", "tasks:", "  t:", "    prompt: go", `    allow: ["/abs", "a\\\\b", "!x", "../up", ".git/config", "", 3]`, "  fine:", "    prompt: ok", ""].join("\n");
    const result = parseTaskFile(text);
    expect(Object.keys(result.file?.tasks ?? {})).toEqual(["fine"]);
    expect(result.invalidTasks.t?.map((p) => p.message)).toEqual([
      'allow entry 1 in task "t" must be relative to the repository root, without a leading /: "/abs"',
      'allow entry 2 in task "t" must use / between folders: "a\\\\b"',
      'allow entry 3 in task "t" cannot be a negation; list only what is allowed: "!x"',
      'allow entry 4 in task "t" must not contain "." or ".." folders: "../up"',
      'allow entry 5 in task "t" names a .git folder, which is never written: ".git/config"',
      'allow entry 6 in task "t" is not a path glob: ""',
      'allow entry 7 in task "t" is not a path glob: 3',
    ]);
    expect(result.invalidTasks.t?.[0]).toMatchObject({ path: "tasks.t.allow.0", line: 5, hint: `paths from the repository root, e.g. allow: [".github/workflows/**"]` });
  });

  it("must be a list; a bad default makes the whole file invalid", () => {
    const result = parseTaskFile(withAllow(`".github/workflows/**"`, ""));
    expect(result.file).toBeUndefined();
    expect(result.errors.map((p) => p.message)).toEqual([`allow in defaults must be a list of path globs, got ".github/workflows/**"`]);
  });

  it("is not a top-level key", () => {
    const result = parseTaskFile("version: 1\nallow: []\ntasks:\n  t:\n    prompt: go\n");
    expect(result.errors[0]).toMatchObject({ message: 'unknown key "allow" in .codex-tasks.yml', hint: "settings for every task go under defaults:" });
  });
});

describe("allow in settings and identity", () => {
  it("resolves to the task's own list, else the defaults', else nothing", () => {
    expect(resolveSettings({}, {}, {}).allow).toEqual([]);
    expect(resolveSettings({}, { allow: ["a/**"] }, {}).allow).toEqual(["a/**"]);
    expect(resolveSettings({ allow: ["b"] }, { allow: ["a/**"] }, {}).allow).toEqual(["b"]);
  });

  it("changes a task's version when it changes, and keeps old hashes when empty", () => {
    const plain = definitionHash({ prompt: "p" }, {});
    expect(definitionHash({ prompt: "p", allow: [] }, {})).toBe(plain);
    expect(definitionHash({ prompt: "p" }, { allow: [] })).toBe(plain);
    const allowed = definitionHash({ prompt: "p", allow: [".github/workflows/**"] }, {});
    expect(allowed).not.toBe(plain);
    expect(definitionHash({ prompt: "p" }, { allow: [".github/workflows/**"] })).toBe(allowed);
    expect(definitionHash({ prompt: "p", allow: ["b", "a", "b"] }, {})).toBe(definitionHash({ prompt: "p", allow: ["a", "b"] }, {}));
  });
});

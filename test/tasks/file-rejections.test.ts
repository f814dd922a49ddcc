import { describe, expect, it } from "vitest";
import { parseTaskFile } from "../../src/tasks/index.ts";

const yaml = (lines: string[]): string => `${lines.join("\n")}\n`;

describe("parseTaskFile: malformed YAML", () => {
  it("reports a syntax error with its line and column and no file", () => {
    const result = parseTaskFile(yaml(["version: 1", "tasks:", "  a: b: c"]));
    expect(result.file).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ line: 3, column: 6 });
    expect(result.errors[0]?.message).toMatch(/^invalid YAML: Nested mappings/);
    expect(result.errors[0]?.message).not.toContain("\n");
  });

  it("rejects an empty file and a root that is not a mapping", () => {
    expect(parseTaskFile("").errors[0]?.message).toBe(".codex-tasks.yml is empty");
    expect(parseTaskFile("- a\n").errors[0]?.message).toBe('.codex-tasks.yml must be a mapping with version: 1 and tasks:, got a list ["a"]');
  });
});

describe("parseTaskFile: whole-file rejections", () => {
  it("rejects a 5 MB file, saying its size and the limit", () => {
    const result = parseTaskFile(`version: 1\ntasks: {}\n# ${"x".repeat(5 * 1024 * 1024)}\n`);
    expect(result.file).toBeUndefined();
    expect(result.errors[0]?.message).toMatch(/is 5\.0 MiB \(\d+ bytes\), over the limit of 256 KiB$/);
  });

  it("rejects bytes with NUL as binary", () => {
    const result = parseTaskFile(new Uint8Array([0x76, 0x00, 0x31]));
    expect(result.file).toBeUndefined();
    expect(result.errors[0]?.message).toBe(".codex-tasks.yml looks binary: it contains NUL bytes");
  });

  it("rejects invalid UTF-8", () => {
    const result = parseTaskFile(new Uint8Array([0x76, 0x3a, 0x20, 0xc3, 0x28]), "tasks.yml");
    expect(result.errors[0]?.message).toBe("tasks.yml looks binary: it is not valid UTF-8");
  });

  it("rejects a missing version, a quoted version and version 2", () => {
    expect(parseTaskFile("tasks: {}\n").errors.map((p) => p.message)).toEqual([".codex-tasks.yml has no version"]);
    expect(parseTaskFile("version: '1'\ntasks: {}\n").errors[0]).toMatchObject({
      message: 'version must be 1, got "1"',
      hint: "write version: 1 without quotes",
      line: 1,
      column: 10,
    });
    expect(parseTaskFile("version: 2\ntasks: {}\n").errors[0]?.message).toBe("version must be 1, got 2");
  });

  it("rejects a missing tasks mapping, and a tasks list", () => {
    expect(parseTaskFile("version: 1\n").errors[0]?.message).toBe(".codex-tasks.yml has no tasks");
    expect(parseTaskFile("version: 1\ntasks: [a]\n").errors[0]?.message).toBe('tasks must be a mapping of task keys to tasks, got a list ["a"]');
  });

  it("rejects the file for a bad default", () => {
    const result = parseTaskFile(yaml(["version: 1", "defaults:", "  api: chatt", "tasks:", "  a:", "    prompt: x"]));
    expect(result.file).toBeUndefined();
    expect(result.errors).toEqual([
      { message: 'api in defaults must be "responses" or "chat", got "chatt"', path: "defaults.api", line: 3, column: 8, hint: 'did you mean "chat"?' },
    ]);
  });
});

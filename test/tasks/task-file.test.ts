import { describe, expect, it } from "vitest";
import { formatProblem, parseTaskFile } from "../../src/tasks/index.ts";
import type { Problem } from "../../src/tasks/index.ts";

const yaml = (lines: string[]): string => `${lines.join("\n")}\n`;

/** The problems of one invalid task, failing loudly when the task is not invalid. */
function taskProblems(text: string, key: string): Problem[] {
  const result = parseTaskFile(text);
  expect(result.errors).toEqual([]);
  expect(result.file?.tasks[key]).toBeUndefined();
  const problems = result.invalidTasks[key];
  expect(problems, `task ${key} should be invalid`).toBeDefined();
  return problems ?? [];
}

describe("parseTaskFile: valid files", () => {
  it("returns defaults and every task of a valid file, with no problems", () => {
    const result = parseTaskFile(
      yaml([
        "version: 1",
        "defaults:",
        "  model: m1",
        "  budget: { turns: 10 }",
        "tasks:",
        "  fix-bug:",
        "    prompt: Fix the bug.",
        "  nightly:",
        "    prompt: |",
        "      Update deps.",
        '    schedule: "0 2 * * *"',
        "    pr: false",
      ]),
    );
    expect(result.errors).toEqual([]);
    expect(result.invalidTasks).toEqual({});
    expect(result.warnings).toEqual([]);
    expect(result.file).toEqual({
      version: 1,
      defaults: { model: "m1", budget: { turns: 10 } },
      tasks: {
        "fix-bug": { prompt: "Fix the bug." },
        nightly: { prompt: "Update deps.\n", schedule: "0 2 * * *", pr: false },
      },
    });
  });

  it("accepts bytes as well as a string", () => {
    const result = parseTaskFile(new TextEncoder().encode("version: 1\ntasks:\n  a:\n    prompt: héllo\n"));
    expect(result.file?.tasks.a?.prompt).toBe("héllo");
  });
});

describe("parseTaskFile: unknown keys", () => {
  it("places an unknown task key at its line and column and suggests the right one", () => {
    const text = yaml(["version: 1", "tasks:", "  fix-bug:", "    prompt: Fix it.", "    promt: typo"]);
    const [problem, ...rest] = taskProblems(text, "fix-bug");
    expect(rest).toEqual([]);
    expect(problem).toEqual({
      message: 'unknown key "promt" in task "fix-bug"',
      path: "tasks.fix-bug.promt",
      line: 5,
      column: 5,
      hint: 'did you mean "prompt"?',
    });
    expect(formatProblem(".codex-tasks.yml", problem as Problem)).toBe(
      '.codex-tasks.yml:5:5: unknown key "promt" in task "fix-bug" (did you mean "prompt"?)',
    );
  });

  it("rejects the file for an unknown top-level key, suggesting by prefix too", () => {
    const result = parseTaskFile(yaml(["version: 1", "task: {}", "sched: x", "tasks: {}"]));
    expect(result.file).toBeUndefined();
    expect(result.errors.map((p) => [p.message, p.line, p.column, p.hint])).toEqual([
      ['unknown key "task" in .codex-tasks.yml', 2, 1, 'did you mean "tasks"?'],
      ['unknown key "sched" in .codex-tasks.yml', 3, 1, 'did you mean "schedule"?; prompt and schedule belong to one task under tasks:'],
    ]);
  });

  it("rejects the file for an unknown key in defaults", () => {
    const result = parseTaskFile(yaml(["version: 1", "defaults:", "  modle: x", "tasks: {}"]));
    expect(result.file).toBeUndefined();
    expect(result.errors).toEqual([
      { message: 'unknown key "modle" in defaults', path: "defaults.modle", line: 3, column: 3, hint: 'did you mean "model"?' },
    ]);
  });
});

describe("parseTaskFile: prompts", () => {
  const withPrompt = (value: string): string => yaml(["version: 1", "tasks:", "  t:", `    prompt: ${value}`, "  other:", "    prompt: fine"]);

  it("makes a task with an empty prompt invalid and keeps the others", () => {
    const result = parseTaskFile(withPrompt('""'));
    expect(result.invalidTasks.t?.map((p) => p.message)).toEqual(['prompt in task "t" is empty: ""']);
    expect(result.invalidTasks.t?.[0]).toMatchObject({ line: 4, column: 13, path: "tasks.t.prompt" });
    expect(Object.keys(result.file?.tasks ?? {})).toEqual(["other"]);
  });

  it("treats a whitespace-only prompt as empty", () => {
    expect(taskProblems(withPrompt('"  \\t  "'), "t").map((p) => p.message)).toEqual(['prompt in task "t" is empty: "  \\t  "']);
  });

  it("treats a prompt key with no value as empty", () => {
    expect(taskProblems(withPrompt(""), "t").map((p) => p.message)).toEqual(['prompt in task "t" is empty']);
  });

  it("rejects a numeric prompt as not a string, quoting the number", () => {
    const [problem] = taskProblems(withPrompt("42"), "t");
    expect(problem?.message).toBe('prompt in task "t" must be a string, got 42');
  });

  it("rejects a list prompt as not a string", () => {
    const [problem] = taskProblems(withPrompt("[a, b]"), "t");
    expect(problem?.message).toBe('prompt in task "t" must be a string, got a list ["a","b"]');
  });

  it("rejects a task without a prompt and a task that is just a string", () => {
    const text = yaml(["version: 1", "tasks:", "  a:", "    model: m", "  b: do it"]);
    const result = parseTaskFile(text);
    expect(result.invalidTasks.a?.map((p) => p.message)).toEqual(['task "a" has no prompt']);
    expect(result.invalidTasks.b?.[0]?.message).toBe('task "b" must be a mapping with a prompt, got "do it"');
  });

  it("truncates a huge offending value in the message", () => {
    const [problem] = taskProblems(withPrompt(`[${"x".repeat(10_000)}]`), "t");
    expect(problem?.message.length).toBeLessThan(150);
  });
});

describe("parseTaskFile: duplicate keys", () => {
  it("makes a task key defined twice invalid while other tasks stay valid", () => {
    const text = yaml(["version: 1", "tasks:", "  x:", "    prompt: one", "  ok:", "    prompt: fine", "  x:", "    prompt: two"]);
    const result = parseTaskFile(text);
    expect(result.errors).toEqual([]);
    expect(result.file?.tasks).toEqual({ ok: { prompt: "fine" } });
    expect(result.invalidTasks.x).toEqual([
      {
        message: 'task key "x" is defined twice (lines 3 and 7)',
        path: "tasks.x",
        line: 7,
        column: 3,
        hint: "keep one of them; until then none of them counts",
      },
    ]);
  });

  it("rejects the file for a key defined twice in defaults", () => {
    const result = parseTaskFile(yaml(["version: 1", "defaults:", "  model: a", "  model: b", "tasks: {}"]));
    expect(result.file).toBeUndefined();
    expect(result.errors.map((p) => [p.message, p.line])).toEqual([['key "model" in defaults is defined twice (lines 3 and 4)', 4]]);
  });

  it("makes a task invalid when a key inside it is defined twice", () => {
    const text = yaml(["version: 1", "tasks:", "  a:", "    prompt: x", "    prompt: y", "  b:", "    prompt: z"]);
    const result = parseTaskFile(text);
    expect(result.invalidTasks.a?.map((p) => p.message)).toEqual(['key "prompt" in task "a" is defined twice (lines 4 and 5)']);
    expect(Object.keys(result.file?.tasks ?? {})).toEqual(["b"]);
  });
});

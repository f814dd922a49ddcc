import { describe, expect, it } from "vitest";
import { parseTaskFile } from "../../src/tasks/index.ts";

const oneTask = (key: string, ...lines: string[]): string =>
  ["version: 1", "tasks:", `  ${key}:`, "    prompt: go", ...lines.map((l) => `    ${l}`), "  fine:", "    prompt: ok", ""].join("\n");

function messages(text: string, key: string): string[] {
  const result = parseTaskFile(text);
  expect(result.errors).toEqual([]);
  expect(Object.keys(result.file?.tasks ?? {})).toEqual(["fine"]);
  return (result.invalidTasks[key] ?? []).map((p) => p.message);
}

describe("parseTaskFile: schedule", () => {
  it("rejects a cron expression with an out-of-range field, quoting it", () => {
    const result = parseTaskFile(oneTask("t", 'schedule: "61 * * * *"'));
    expect(result.invalidTasks.t).toEqual([
      {
        message: 'schedule "61 * * * *" in task "t" is not a valid cron expression: invalid value for minute: 61',
        path: "tasks.t.schedule",
        line: 5,
        column: 15,
        hint: 'use 5 fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * *"',
      },
    ]);
  });

  it("rejects six fields and nicknames, which are not 5-field cron", () => {
    expect(messages(oneTask("t", 'schedule: "0 0 2 * * *"'), "t")).toEqual([
      'schedule "0 0 2 * * *" in task "t" is not a valid cron expression: it has 6 fields, not 5',
    ]);
    expect(messages(oneTask("t", "schedule: '@daily'"), "t")).toEqual([
      'schedule "@daily" in task "t" is not a valid cron expression: it has 1 field, not 5',
    ]);
  });
});

describe("parseTaskFile: task keys", () => {
  it.each(["../x", "a.lock", "a..b", "x.", "-x", "a/b", "x".repeat(64)])("makes the task keyed %j invalid", (key) => {
    const result = parseTaskFile(oneTask(JSON.stringify(key)));
    expect(Object.keys(result.file?.tasks ?? {})).toEqual(["fine"]);
    expect(result.invalidTasks[key]?.[0]).toMatchObject({ line: 3, column: 3 });
    expect(result.invalidTasks[key]?.[0]?.message).toMatch(/^task key ".*" must/);
  });

  it("accepts keys with dots, underscores and digits", () => {
    const result = parseTaskFile(oneTask("v1.2_fix-x"));
    expect(Object.keys(result.file?.tasks ?? {})).toEqual(["v1.2_fix-x", "fine"]);
  });
});

describe("parseTaskFile: settings", () => {
  it("rejects budget values out of range, each at its own column", () => {
    const result = parseTaskFile(oneTask("t", "budget: { turns: 5000, minutes: 0, tokens: 1.5, usd: -1 }"));
    expect(result.invalidTasks.t?.map((p) => [p.path, p.column, p.message])).toEqual([
      ["tasks.t.budget.turns", 22, 'budget.turns in task "t" must be a whole number from 1 to 1000, got 5000'],
      ["tasks.t.budget.minutes", 37, 'budget.minutes in task "t" must be a number of minutes above 0, at most 1440 (a day), got 0'],
      ["tasks.t.budget.tokens", 48, 'budget.tokens in task "t" must be a whole number above 0, got 1.5'],
      ["tasks.t.budget.usd", 58, 'budget.usd in task "t" must be an amount of US dollars above 0, got -1'],
    ]);
  });

  it("accepts budget limits at their maximum", () => {
    const result = parseTaskFile(oneTask("t", "budget: { turns: 1000, minutes: 1440, tokens: 1, usd: 0.01 }"));
    expect(result.file?.tasks.t?.budget).toEqual({ turns: 1000, minutes: 1440, tokens: 1, usd: 0.01 });
  });

  it("suggests the budget field for a misspelt one", () => {
    const result = parseTaskFile(oneTask("t", "budget: { turn: 3 }"));
    expect(result.invalidTasks.t?.[0]).toMatchObject({ message: 'unknown key "turn" in the budget of task "t"', hint: 'did you mean "turns"?' });
  });

  it("rejects network entries that are not host names", () => {
    const text = oneTask("t", 'network: ["https://x.com", "*.ok.com", "localhost:80", "*", 42]');
    expect(messages(text, "t")).toEqual([
      'network entry 1 in task "t" is not a host name: "https://x.com"',
      'network entry 3 in task "t" is not a host name: "localhost:80"',
      'network entry 4 in task "t" is not a host name: "*"',
      'network entry 5 in task "t" is not a host name: 42',
    ]);
  });

  it("rejects pr values other than true, false and draft, and an empty model", () => {
    expect(messages(oneTask("t", "pr: yes", 'model: " "'), "t")).toEqual([
      'pr in task "t" must be true, false or "draft", got "yes"',
      'model in task "t" must be a non-empty string, got " "',
    ]);
    expect(parseTaskFile(oneTask("t", "pr: yes")).invalidTasks.t?.[0]?.hint).toBe("yes, no, on and off are text in YAML 1.2; write true or false");
  });
});

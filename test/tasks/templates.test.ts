import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { INIT_TEMPLATE, parseTaskFile } from "../../src/tasks/index.ts";
import { TASK_KEYS } from "../../src/tasks/validate-task.ts";

const example = readFileSync(new URL("../../.codex-tasks.example.yml", import.meta.url));

describe("task file templates", () => {
  it("the init template parses without problems and has one example task", () => {
    const result = parseTaskFile(INIT_TEMPLATE);
    expect(result.errors).toEqual([]);
    expect(result.invalidTasks).toEqual({});
    expect(result.warnings).toEqual([]);
    expect(Object.keys(result.file?.tasks ?? {})).toHaveLength(1);
  });

  it("the init template shows the defaults commented out", () => {
    expect(INIT_TEMPLATE).toMatch(/^version: 1$/m);
    expect(INIT_TEMPLATE).toMatch(/^# defaults:$/m);
    expect(parseTaskFile(INIT_TEMPLATE).file?.defaults).toEqual({});
  });

  it("the example file parses without problems and uses every key", () => {
    const result = parseTaskFile(example, ".codex-tasks.example.yml");
    expect(result.errors).toEqual([]);
    expect(result.invalidTasks).toEqual({});
    expect(result.warnings).toEqual([]);
    const file = result.file;
    expect(file?.defaults).toEqual({
      model: "gpt-5.1-codex",
      api: "responses",
      verify: "npm test",
      pr: "draft",
      budget: { turns: 60, minutes: 30, tokens: 2_000_000, usd: 2 },
      network: ["registry.npmjs.org", "*.githubusercontent.com"],
      allow: [],
      memory: true,
    });
    const taskKeys = new Set(Object.values(file?.tasks ?? {}).flatMap((t) => Object.keys(t)));
    expect([...taskKeys].sort()).toEqual(["allow", "api", "budget", "model", "network", "pr", "prompt", "schedule", "verify", "workdir"]);
  });

  it("the example file documents every key a task may have, set or commented out", () => {
    const text = example.toString("utf8");
    const missing = TASK_KEYS.filter((key) => !new RegExp(`^\\s*(#\\s*)?${key}:`, "m").test(text));
    expect(missing).toEqual([]);
  });

  it("the example file documents ids, branches and the environment overrides", () => {
    const text = example.toString("utf8");
    for (const words of ["editing the prompt makes a new version that runs again", "codex/<key>", "OPENAI_API_KEY", "OPENAI_BASE_URL", "GIT_CODEX_MODEL", "GIT_CODEX_API"]) {
      expect(text.toLowerCase()).toContain(words.toLowerCase());
    }
  });
});

import { describe, expect, it } from "vitest";
import { isBotCommit, taskInstructions } from "../../src/tasks/index.ts";
import type { CommitRecord } from "../../src/tasks/index.ts";

import { commitRecord } from "./commit-record.ts";

const commit = (overrides: Partial<CommitRecord>): CommitRecord => commitRecord("a", overrides);

describe("taskInstructions", () => {
  it("trims trailer values and drops empty ones", () => {
    expect(taskInstructions(commit({ codexTrailers: ["  fix it  ", "", "   ", "add tests"] }))).toEqual(["fix it", "add tests"]);
  });
});

describe("isBotCommit", () => {
  it("recognises the bot's author email whatever its case", () => {
    expect(isBotCommit(commit({ authorEmail: "Codex@Example.COM" }), "codex@example.com")).toBe(true);
    expect(isBotCommit(commit({}), "codex@example.com")).toBe(false);
  });

  it("recognises a person-authored commit that carries Codex-Task", () => {
    expect(isBotCommit(commit({ hasTaskTrailer: true }), "codex@example.com")).toBe(true);
  });

  it("does not treat commits without an author email as the bot's when no bot email is set", () => {
    expect(isBotCommit(commit({ authorEmail: "" }), "")).toBe(false);
  });
});

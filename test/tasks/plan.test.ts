import { describe, expect, it } from "vitest";
import { definitionHash, parseTaskFile, planTasks } from "../../src/tasks/index.ts";
import type { PlanInput } from "../../src/tasks/index.ts";

import { BOT, TIP, commitRecord as commit } from "./commit-record.ts";

const input = (overrides: Partial<PlanInput> = {}): PlanInput => ({
  baseRef: "main",
  tip: TIP,
  prefix: "codex/",
  botEmail: BOT,
  commits: [],
  envSettings: {},
  ...overrides,
});

const FILE = "version: 1\ndefaults:\n  model: file-model\ntasks:\n  b-task:\n    prompt: B\n  a-task:\n    prompt: A\n    pr: false\n  broken:\n    promt: x\n";

describe("planTasks", () => {
  it("plans file tasks in file order with ids, branches, base and requester", () => {
    const parse = parseTaskFile(FILE);
    const plan = planTasks(input({ taskFile: { parse, blobSha: "b".repeat(40), lastCommit: commit("c") } }));
    expect(plan.tasks.map((t) => t.key)).toEqual(["b-task", "a-task"]);
    const [b] = plan.tasks;
    const hash = definitionHash({ prompt: "B" }, { model: "file-model" });
    expect(b).toMatchObject({ id: `b-task-${hash.slice(0, 8)}`, kind: "file", hash, branch: "codex/b-task", baseRef: "main", base: TIP, prompt: "B" });
    expect(b?.requester).toEqual({ sha: "c".repeat(40), name: "Ada", email: "ada@example.com" });
    expect(b?.settings.model).toBe("file-model");
    expect(plan.tasks[1]?.settings.pr).toBe(false);
  });

  it("records an invalid task with a stable id that changes when the entry changes", () => {
    const once = planTasks(input({ taskFile: { parse: parseTaskFile(FILE), blobSha: "b" } })).invalid;
    const again = planTasks(input({ taskFile: { parse: parseTaskFile(FILE), blobSha: "b" } })).invalid;
    const edited = planTasks(input({ taskFile: { parse: parseTaskFile(FILE.replace("promt: x", "promt: y")), blobSha: "b" } })).invalid;
    expect(once).toHaveLength(1);
    expect(once[0]).toMatchObject({ key: "broken", baseRef: "main", base: TIP });
    expect(once[0]?.id).toMatch(/^broken-[0-9a-f]{8}$/);
    expect(again[0]?.id).toBe(once[0]?.id);
    expect(edited[0]?.id).not.toBe(once[0]?.id);
  });

  it("gives an invalid key an id that is a valid ref component", () => {
    const parse = parseTaskFile("version: 1\ntasks:\n  ../x:\n    prompt: p\n");
    expect(planTasks(input({ taskFile: { parse, blobSha: "b" } })).invalid[0]?.id).toMatch(/^invalid-[0-9a-f]{8}$/);
  });

  it("records a broken task file as one invalid task named after its blob", () => {
    const parse = parseTaskFile("version: 2\ntasks: {}\n");
    const plan = planTasks(input({ taskFile: { parse, blobSha: "0123456789abcdef" } }));
    expect(plan.tasks).toEqual([]);
    expect(plan.invalid).toEqual([{ id: "task-file-01234567", baseRef: "main", base: TIP, problems: parse.errors }]);
  });

  it("falls back to an unknown requester at the tip when the file's last commit is not known", () => {
    const plan = planTasks(input({ taskFile: { parse: parseTaskFile(FILE), blobSha: "b" } }));
    expect(plan.tasks[0]?.requester).toEqual({ sha: TIP, name: "unknown", email: "" });
  });

  it("still plans file tasks when the bot made the file's last commit", () => {
    const plan = planTasks(input({ taskFile: { parse: parseTaskFile(FILE), blobSha: "b", lastCommit: commit("d", { authorEmail: BOT }) } }));
    expect(plan.tasks.map((t) => t.key)).toEqual(["b-task", "a-task"]);
  });

  it("plans one trailer task per instruction, from the commit that asked, oldest commit first", () => {
    const commits = [commit("1", { codexTrailers: ["Fix the tests", "Add docs"] }), commit("2", { codexTrailers: ["Fix the tests"] })];
    const plan = planTasks(input({ commits, taskFile: { parse: parseTaskFile(FILE), blobSha: "b" }, envSettings: { api: "chat" } }));
    const trailers = plan.tasks.filter((t) => t.kind === "trailer");
    expect(trailers.map((t) => [t.id, t.branch, t.base, t.hash, t.prompt])).toEqual([
      ["fix-the-tests-1111111", "codex/fix-the-tests-1111111", "1".repeat(40), `${"1".repeat(40)}:0`, "Fix the tests"],
      ["add-docs-1111111-2", "codex/add-docs-1111111-2", "1".repeat(40), `${"1".repeat(40)}:1`, "Add docs"],
      ["fix-the-tests-2222222", "codex/fix-the-tests-2222222", "2".repeat(40), `${"2".repeat(40)}:0`, "Fix the tests"],
    ]);
    expect(trailers[0]?.settings).toMatchObject({ model: "file-model", api: "chat" });
    expect(trailers[0]?.requester).toEqual({ sha: "1".repeat(40), name: "Ada", email: "ada@example.com" });
    expect(plan.tasks.slice(0, 2).map((t) => t.kind)).toEqual(["file", "file"]);
  });

  it("skips the bot's commits, by author or by Codex-Task trailer", () => {
    const commits = [
      commit("1", { authorEmail: "CODEX@bot.invalid", codexTrailers: ["loop"] }),
      commit("2", { hasTaskTrailer: true, codexTrailers: ["loop again"] }),
      commit("3", { codexTrailers: ["real"] }),
    ];
    expect(planTasks(input({ commits })).tasks.map((t) => t.prompt)).toEqual(["real"]);
  });

  it("uses built-in settings for trailer tasks when there is no task file", () => {
    const plan = planTasks(input({ commits: [commit("1", { codexTrailers: ["x"] })], envSettings: { model: "env-model" } }));
    expect(plan.tasks[0]?.settings).toEqual({ model: "env-model", api: "responses", pr: "draft", budget: { turns: 60, minutes: 30 }, network: [], allow: [] });
    expect(plan.invalid).toEqual([]);
  });
});

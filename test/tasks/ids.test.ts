import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { definitionHash, fileTaskId, invalidKeyTaskId, slugify, taskFileErrorId, trailerTaskId } from "../../src/tasks/index.ts";

const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("slugify", () => {
  it.each([
    ["Fix the Login bug!", "fix-the-login-bug"],
    ["  --Hello__World--  ", "hello-world"],
    ["Café crème brûlée", "cafe-creme-brulee"],
    ["日本語だけ", "task"],
    ["", "task"],
    ["!!!", "task"],
    ["ﬁle ①", "file-1"],
  ])("turns %j into %j", (text, slug) => {
    expect(slugify(text)).toBe(slug);
  });

  it("cuts to the maximum length without a trailing dash", () => {
    expect(slugify("abcd efgh", 5)).toBe("abcd");
    expect(slugify("x".repeat(100))).toHaveLength(40);
    expect(slugify("a b c", 0)).toBe("task");
  });
});

describe("definitionHash", () => {
  it("is the same whatever the order of keys", () => {
    const a = definitionHash({ prompt: "p", model: "m", budget: { turns: 1, minutes: 2 } }, { api: "chat", network: ["x.org"] });
    const b = definitionHash({ budget: { minutes: 2, turns: 1 }, model: "m", prompt: "p" }, { network: ["x.org"], api: "chat" });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(b);
  });

  it("changes when the prompt changes", () => {
    expect(definitionHash({ prompt: "p" }, {})).not.toBe(definitionHash({ prompt: "p2" }, {}));
  });

  it("does not change when only pr or schedule change", () => {
    const base = definitionHash({ prompt: "p" }, {});
    expect(definitionHash({ prompt: "p", pr: false, schedule: "0 2 * * *" }, { pr: true })).toBe(base);
  });

  it("changes when a default that applies to the task changes, but not when the task overrides it", () => {
    expect(definitionHash({ prompt: "p" }, { model: "a" })).not.toBe(definitionHash({ prompt: "p" }, { model: "b" }));
    expect(definitionHash({ prompt: "p", model: "t" }, { model: "a" })).toBe(definitionHash({ prompt: "p", model: "t" }, { model: "b" }));
    expect(definitionHash({ prompt: "p", budget: { usd: 1 } }, { budget: { turns: 5 } })).toBe(
      definitionHash({ prompt: "p", budget: { turns: 5, usd: 1 } }, {}),
    );
  });
});

describe("definitionHash and the later optional settings", () => {
  const base = definitionHash({ prompt: "p" }, {});

  it("keeps the hash of a task that sets none of them, or sets them to their defaults", () => {
    expect(definitionHash({ prompt: "p", agent: "builtin", attempts: 1, tools: [], mcp: {}, workdir: "" }, {})).toBe(base);
  });

  it.each([
    ["agent", { agent: "codex" as const }],
    ["attempts", { attempts: 3 }],
    ["tools", { tools: ["web_fetch" as const] }],
    ["imageModel", { imageModel: "gpt-image-1" }],
    ["mcp", { mcp: { docs: { command: ["node", "server.js"] } } }],
    ["workdir", { workdir: "packages/api" }],
  ])("makes a new version when %s is set, in the task or in the defaults", (_name, setting) => {
    expect(definitionHash({ prompt: "p", ...setting }, {})).not.toBe(base);
    expect(definitionHash({ prompt: "p" }, setting)).toBe(definitionHash({ prompt: "p", ...setting }, {}));
  });

  it("merges mcp servers by name, so adding one to the defaults changes the version", () => {
    const one = { a: { command: ["a"] } };
    expect(definitionHash({ prompt: "p", mcp: one }, { mcp: { b: { command: ["b"] } } })).not.toBe(definitionHash({ prompt: "p", mcp: one }, {}));
  });
});

describe("task ids", () => {
  it("gives two trailers of one commit different ids", () => {
    const first = trailerTaskId("Fix the tests", SHA, 0);
    const second = trailerTaskId("Fix the tests", SHA, 1);
    expect(first).toBe("fix-the-tests-0123456");
    expect(second).toBe("fix-the-tests-0123456-2");
  });

  it("names file tasks by key and hash prefix", () => {
    expect(fileTaskId("fix-bug", "deadbeefcafe")).toBe("fix-bug-deadbeef");
    expect(invalidKeyTaskId("../x")).toMatch(/^invalid-[0-9a-f]{8}$/);
    expect(taskFileErrorId(SHA)).toBe("task-file-01234567");
  });

  it("makes ids that git accepts as ref names", () => {
    const ids = [
      trailerTaskId("Ünïcödé ../x.lock", SHA, 3),
      trailerTaskId("", SHA, 0),
      fileTaskId("a.b_c-d", "f".repeat(64)),
      invalidKeyTaskId("a..b"),
      taskFileErrorId(SHA),
    ];
    for (const id of ids) {
      expect(() => execFileSync("git", ["check-ref-format", `refs/codex/tasks/${id}`], { stdio: "ignore" }), id).not.toThrow();
    }
  });
});

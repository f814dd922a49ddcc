import { describe, expect, it } from "vitest";
import { BUILTIN_SETTINGS, resolveSettings } from "../../src/tasks/index.ts";

describe("resolveSettings", () => {
  it("uses the built-ins when nothing is set", () => {
    expect(resolveSettings({}, {}, {})).toEqual({ model: "gpt-5.1-codex", api: "responses", pr: "draft", budget: { turns: 60, minutes: 30 }, network: [], allow: [] });
  });

  it("lets the task win over the environment, the environment over defaults", () => {
    const resolved = resolveSettings({ model: "task" }, { model: "defaults", api: "chat", verify: "make" }, { model: "env", api: "responses" });
    expect(resolved.model).toBe("task");
    expect(resolved.api).toBe("responses");
    expect(resolved.verify).toBe("make");
    expect(resolveSettings({}, { model: "defaults" }, { model: "env" }).model).toBe("env");
  });

  it("merges the budget field by field", () => {
    const resolved = resolveSettings({ budget: { usd: 1 } }, { budget: { turns: 5, tokens: 100 } }, { budget: { tokens: 50 } });
    expect(resolved.budget).toEqual({ turns: 5, minutes: 30, tokens: 50, usd: 1 });
  });

  it("keeps an explicit false pr and an empty network from the task", () => {
    const resolved = resolveSettings({ pr: false, network: [] }, { pr: true, network: ["x.org"] }, {});
    expect(resolved.pr).toBe(false);
    expect(resolved.network).toEqual([]);
  });

  it("returns fresh objects and keeps the built-ins frozen", () => {
    const resolved = resolveSettings({}, {}, {});
    resolved.network.push("x.org");
    resolved.budget.turns = 1;
    expect(BUILTIN_SETTINGS.network).toEqual([]);
    expect(BUILTIN_SETTINGS.budget.turns).toBe(60);
    expect(Object.isFrozen(BUILTIN_SETTINGS.budget)).toBe(true);
  });
});

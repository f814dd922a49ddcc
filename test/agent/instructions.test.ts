import { describe, expect, it } from "vitest";
import { buildInstructions, type InstructionsInput } from "../../src/agent/instructions.ts";

const remember = { name: "remember", description: "Proposes a short note for the repository's memory. More words.", parameters: {} };

describe("buildInstructions", () => {
  it("tells the agent where it works, its tools, the sandbox, the rules, verify and how to finish", () => {
    const text = buildInstructions({ workdir: "/w/task", sandbox: "bubblewrap", verify: "npm test" });
    expect(text).toContain("/w/task");
    for (const tool of ["shell", "apply_patch", "update_plan"]) expect(text).toContain(`- ${tool}:`);
    expect(text).toMatch(/never run git commit, git push/);
    expect(text).toContain("`npm test`");
    expect(text).toMatch(/OS sandbox \(bubblewrap\)[\s\S]*network is off/);
    expect(text).toMatch(/summary of what you changed and why/);
  });

  it("says when nothing verifies the work, and when nothing sandboxes it", () => {
    const text = buildInstructions({ workdir: "/w", sandbox: "none" });
    expect(text).toContain("No verification command is configured");
    expect(text).toContain("without an OS sandbox");
  });

  it("names extra tools by name with their first sentence", () => {
    const text = buildInstructions({ workdir: "/w", sandbox: "none", tools: [{ name: "mcp__db__query", description: "Runs a read-only SQL query. Details follow.", parameters: {} }] });
    expect(text).toContain("- mcp__db__query: Runs a read-only SQL query.");
    expect(text).not.toContain("Details follow");
  });

  it("labels each AGENTS.md file of the chain with its path, root first", () => {
    const text = buildInstructions({ workdir: "/w", sandbox: "none", agents: [{ path: "AGENTS.md", text: "Use tabs." }, { path: "pkg/AGENTS.override.md", text: "Use spaces here." }] });
    expect(text).toMatch(/--- AGENTS\.md ---\nUse tabs\.\n\n--- pkg\/AGENTS\.override\.md ---\nUse spaces here\./);
  });

  it("includes the memory with its branch, and how to add to it only when remember is offered", () => {
    const memory = { branch: "codex/memory", text: "- Tests need TZ=UTC." };
    const withTool = buildInstructions({ workdir: "/w", sandbox: "none", memory, tools: [remember] });
    expect(withTool).toMatch(/MEMORY\.md on branch codex\/memory[\s\S]*call remember[\s\S]*- Tests need TZ=UTC\./);
    const without = buildInstructions({ workdir: "/w", sandbox: "none", memory });
    expect(without).toContain("- Tests need TZ=UTC.");
    expect(without).not.toContain("call remember");
    expect(buildInstructions({ workdir: "/w", sandbox: "none" })).not.toContain("MEMORY.md");
  });

  it("names the task's working directory", () => {
    expect(buildInstructions({ workdir: "/w", sandbox: "none", taskDir: "packages/api" })).toContain('pass workdir "packages/api" to shell');
  });

  it("keeps a stable prefix: two tasks of a repository differ only after the repository's part", () => {
    const repoPart: InstructionsInput = { workdir: "", sandbox: "bubblewrap", agents: [{ path: "AGENTS.md", text: "Use tabs." }], memory: { branch: "codex/memory", text: "- a note" }, tools: [remember] };
    const one = buildInstructions({ ...repoPart, workdir: "/cache/worktrees/task-one", verify: "npm test" });
    const two = buildInstructions({ ...repoPart, workdir: "/cache/worktrees/task-two", verify: "make check", taskDir: "pkg" });
    let common = 0;
    while (one[common] === two[common]) common++;
    expect(one.slice(0, common)).toContain("- a note");
    expect(one.slice(common)).not.toMatch(/Use tabs|a note|remember/);
  });
});

import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildInstructions, readAgentsMd } from "../../src/agent/instructions.ts";

describe("buildInstructions", () => {
  it("tells the agent where it works, its tools, the rules and how to finish", () => {
    const text = buildInstructions({ workdir: "/w/task", sandbox: "bubblewrap", verify: "npm test", agentsMd: "Use tabs." });
    expect(text).toContain("/w/task");
    for (const tool of ["shell", "apply_patch", "update_plan"]) expect(text).toContain(tool);
    expect(text).toMatch(/never run git commit, git push/);
    expect(text).toContain("`npm test`");
    expect(text).toContain("bubblewrap");
    expect(text).toMatch(/summary of what you changed and why/);
    expect(text).toMatch(/AGENTS\.md[\s\S]*Use tabs\.$/);
  });

  it("says when nothing verifies the work", () => {
    expect(buildInstructions({ workdir: "/w", sandbox: "none" })).toContain("No verification command is configured");
  });
});

describe("readAgentsMd", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "git-codex-agents-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads AGENTS.md at the worktree root, or nothing when there is none", async () => {
    expect(await readAgentsMd(dir)).toBeUndefined();
    await writeFile(join(dir, "AGENTS.md"), "# Rules\n");
    expect(await readAgentsMd(dir)).toBe("# Rules\n");
  });

  it("caps it at 32 KiB", async () => {
    await writeFile(join(dir, "AGENTS.md"), "x".repeat(40_000));
    const text = await readAgentsMd(dir);
    expect(text?.startsWith("x".repeat(32 * 1024))).toBe(true);
    expect(text).toMatch(/truncated at 32 KiB\]$/);
  });

  it("ignores a symlink, which could point anywhere on the machine", async () => {
    await writeFile(join(dir, "secret"), "private");
    await symlink(join(dir, "secret"), join(dir, "AGENTS.md"));
    expect(await readAgentsMd(dir)).toBeUndefined();
  });
});

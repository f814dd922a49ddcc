import { readFile, symlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { call, startHarness, toolOutputs } from "../helpers/agent-harness.ts";
import type { AgentTool } from "../../src/agent/types.ts";

const done = { text: "Done." };

const echoTool: AgentTool = {
  spec: { name: "echo", description: "Echoes its text.", parameters: { type: "object", properties: { text: { type: "string" } }, required: ["text"] } },
  run: async (args) => {
    if (args.text === "boom") throw new Error("echo broke");
    return { output: `echo: ${String(args.text)}`, summary: "echo" };
  },
};

describe("runAgent tool calls", () => {
  it("offers extra tools after the built-in ones and runs them; a throwing tool becomes text", async () => {
    await using h = await startHarness({ script: [call("echo", { text: "hi" }), call("echo", { text: "boom" }), done] });
    const result = await h.run({ tools: [echoTool] });

    expect(result.outcome).toBe("completed");
    const offered = (h.server.requests[0]?.body.tools as { name: string }[]).map((tool) => tool.name);
    expect(offered).toEqual(["shell", "apply_patch", "update_plan", "echo"]);
    expect(toolOutputs(h.server)).toEqual(["echo: hi", "echo failed: echo broke"]);
  });

  it("refuses extra tools whose names collide with another tool", async () => {
    await using h = await startHarness({ script: [done] });
    const shadow = { ...echoTool, spec: { ...echoTool.spec, name: "shell" } };
    await expect(h.run({ tools: [shadow] })).rejects.toThrow('two agent tools are named "shell"');
    expect(h.server.requests).toHaveLength(0);
  });

  it("answers an unknown tool with an error the model can read, and continues", async () => {
    await using h = await startHarness({ script: [call("browse_web", { url: "https://example.com" }), done] });
    const result = await h.run();

    expect(result).toMatchObject({ outcome: "completed", turns: 2 });
    expect(toolOutputs(h.server)).toEqual(['unknown tool "browse_web"; the tools are: shell, apply_patch, update_plan']);
  });

  it("answers invalid JSON arguments with an error, and continues", async () => {
    await using h = await startHarness({ script: [call("shell", '{"command": ["ls"'), done] });
    const result = await h.run();

    expect(result.outcome).toBe("completed");
    expect(toolOutputs(h.server)[0]).toMatch(/^shell: invalid JSON arguments \(.+\); the arguments must be a JSON object$/);
  });

  it("answers bad shell arguments with an error", async () => {
    await using h = await startHarness({ script: [call("shell", { command: [] }), call("update_plan", { plan: [{ step: "x", status: "done" }] }), done] });
    const result = await h.run();

    expect(result.outcome).toBe("completed");
    expect(toolOutputs(h.server, 1)[0]).toContain('"command" must be a non-empty array of strings');
    expect(toolOutputs(h.server, 2)[1]).toContain("plan[0].status must be one of pending, in_progress, completed");
    expect(result.plan).toEqual([]);
  });

  it("rejects a workdir outside the worktree, by path or through a symlink", async () => {
    await using h = await startHarness({
      script: [
        call("shell", { command: ["ls"], workdir: "../" }),
        call("shell", { command: ["ls"], workdir: "/etc" }),
        call("shell", { command: ["ls"], workdir: "escape" }),
        call("shell", { command: ["pwd"], workdir: "inner" }),
        done,
      ],
      files: { "inner/file.txt": "x" },
    });
    await symlink("/tmp", join(h.workdir, "escape"));
    const result = await h.run();

    expect(result.outcome).toBe("completed");
    const outputs = toolOutputs(h.server);
    for (const output of outputs.slice(0, 3)) expect(output).toMatch(/^shell: workdir ".+" is outside the worktree/);
    expect(outputs[3]).toMatch(/Exit code: 0\n.*\nOutput:\n\/.*\/inner\n$/s);
  });

  it("truncates long tool output in the middle, with a marker", async () => {
    const big = `${"a".repeat(5000)}MIDDLE${"z".repeat(5000)}`;
    await using h = await startHarness({ script: [call("shell", { command: ["cat", "big.txt"] }), done], files: { "big.txt": big } });
    await h.run({ maxToolOutputChars: 1000 });

    const [output = ""] = toolOutputs(h.server);
    expect(output).toMatch(/\[… \d+ characters truncated …\]/);
    expect(output).not.toContain("MIDDLE");
    expect(output).toContain("aaaa");
    expect(output).toMatch(/zzzz$/);
    expect(output.length).toBeLessThan(1200);
  });

  it("routes a shell call of apply_patch to the patch tool, as Codex does", async () => {
    const patch = ["*** Begin Patch", "*** Add File: via-shell.txt", "+ok", "*** End Patch"].join("\n");
    await using h = await startHarness({ script: [call("shell", { command: ["apply_patch", patch] }), done] });
    await h.run();

    expect(await readFile(join(h.workdir, "via-shell.txt"), "utf8")).toBe("ok\n");
    expect(toolOutputs(h.server)[0]).toContain("A via-shell.txt");
  });

  it("hands a failed patch back to the model without changing anything", async () => {
    const patch = ["*** Begin Patch", "*** Update File: missing.txt", "@@", "-a", "+b", "*** End Patch"].join("\n");
    await using h = await startHarness({ script: [call("apply_patch", { input: patch }), done] });
    const result = await h.run();

    expect(result.outcome).toBe("completed");
    expect(toolOutputs(h.server)[0]).toMatch(/^apply_patch failed: /);
  });

  it("redacts secrets from the transcript and from what the model is sent", async () => {
    const secret = "sk-live-0123456789abcdef";
    await using h = await startHarness({
      script: [call("shell", { command: ["cat", "config.txt"] }), { text: `I saw ${secret} in the config.` }],
      files: { "config.txt": `token=${secret}\n` },
    });
    const result = await h.run({ redact: (text) => text.replaceAll(secret, "[REDACTED]"), prompt: `Do not leak ${secret}.` });

    const transcript = JSON.stringify(result.transcript);
    expect(transcript).not.toContain(secret);
    expect(transcript).toContain("token=[REDACTED]");
    expect(toolOutputs(h.server)[0]).toContain("token=[REDACTED]");
    expect(result.finalMessage).toBe("I saw [REDACTED] in the config.");
  });
});

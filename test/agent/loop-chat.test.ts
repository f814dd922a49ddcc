import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { call, startHarness, toolOutputs, type Input } from "../helpers/agent-harness.ts";

const PATCH = ["*** Begin Patch", "*** Add File: src/greeting.txt", "+hi", "*** End Patch"].join("\n");

describe("runAgent over Chat Completions", () => {
  it("runs shell commands, applies a patch and finishes", async () => {
    await using h = await startHarness({
      api: "chat",
      files: { "src/main.txt": "main\n" },
      script: [
        { reasoning: "ignored by chat", ...call("shell", { command: ["ls"], workdir: "src" }), usage: { input: 50, output: 5, cached: 10 } },
        { text: "Reading the file.", ...call("shell", { command: ["cat", "main.txt"], workdir: "src" }), usage: { input: 60, output: 5, cached: 0 } },
        { ...call("apply_patch", { input: PATCH }), usage: { input: 70, output: 5, cached: 0 } },
        { text: "Added src/greeting.txt.", usage: { input: 80, output: 5, cached: 40 } },
      ],
    });
    const result = await h.run();

    expect(result).toMatchObject({ outcome: "completed", finalMessage: "Added src/greeting.txt.", turns: 4 });
    expect(result.usage).toEqual({ inputTokens: 260, outputTokens: 20, cachedTokens: 50 });
    expect(await readFile(join(h.workdir, "src/greeting.txt"), "utf8")).toBe("hi\n");
    const [listing, contents, patched] = toolOutputs(h.server);
    expect(listing).toContain("main.txt");
    expect(contents).toContain("Output:\nmain\n");
    expect(patched).toContain("A src/greeting.txt");
  });

  it("sends instructions as the system message and calls as assistant tool_calls", async () => {
    await using h = await startHarness({
      api: "chat",
      script: [{ text: "Let me look.", ...call("shell", { command: ["true"] }) }, { text: "Done." }],
    });
    await h.run({ instructions: "System rules." });

    const messages = h.server.requests[1]?.body.messages as Input;
    expect(messages).toEqual([
      { role: "system", content: "System rules." },
      { role: "user", content: "Do the task." },
      {
        role: "assistant",
        content: "Let me look.",
        tool_calls: [{ id: "call_1_0", type: "function", function: { name: "shell", arguments: '{"command":["true"]}' } }],
      },
      { role: "tool", tool_call_id: "call_1_0", content: expect.stringContaining("Exit code: 0") },
    ]);
    const tools = h.server.requests[0]?.body.tools as { type: string; function: { name: string } }[];
    expect(tools.map((tool) => [tool.type, tool.function.name])).toEqual([
      ["function", "shell"],
      ["function", "apply_patch"],
      ["function", "update_plan"],
    ]);
  });
});

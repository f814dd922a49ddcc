import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/types.ts";
import { call, inputOf, startHarness, toolOutputs } from "../helpers/agent-harness.ts";

const PATCH = [
  "*** Begin Patch",
  "*** Add File: hello.txt",
  "+hello from the agent",
  "*** Update File: notes.txt",
  "@@",
  " first line",
  "-second line",
  "+second line, edited",
  "*** End Patch",
].join("\n");

describe("runAgent over the Responses API", () => {
  it("runs shell commands, applies a patch and finishes with the model's summary", async () => {
    await using h = await startHarness({
      files: { "notes.txt": "first line\nsecond line\n" },
      script: [
        { reasoning: "Look at the files first.", ...call("shell", { command: ["ls"] }), usage: { input: 100, output: 10, cached: 0 } },
        { ...call("shell", { command: ["cat", "notes.txt"] }), usage: { input: 200, output: 10, cached: 50 } },
        { ...call("apply_patch", { input: PATCH }), usage: { input: 300, output: 40, cached: 100 } },
        { text: "Added hello.txt and edited notes.txt.", usage: { input: 400, output: 20, cached: 200 } },
      ],
    });
    const events: AgentEvent[] = [];
    const result = await h.run({ onEvent: (event) => events.push(event) });

    expect(result).toMatchObject({ outcome: "completed", finalMessage: "Added hello.txt and edited notes.txt.", turns: 4, verify: "skipped" });
    expect(result.usage).toEqual({ inputTokens: 1000, outputTokens: 80, cachedTokens: 350 });
    expect(await readFile(join(h.workdir, "hello.txt"), "utf8")).toBe("hello from the agent\n");
    expect(await readFile(join(h.workdir, "notes.txt"), "utf8")).toBe("first line\nsecond line, edited\n");

    const outputs = toolOutputs(h.server);
    expect(outputs[0]).toMatch(/^Exit code: 0\nWall time: [\d.]+ seconds\nOutput:\nnotes.txt\n$/);
    expect(outputs[1]).toContain("first line\nsecond line\n");
    expect(outputs[2]).toContain("A hello.txt");
    expect(events.filter((event) => event.type === "turn")).toHaveLength(4);
    expect(events).toContainEqual({ type: "tool", name: "shell", summary: "shell: ls → 0" });
  });

  it("replays reasoning with its encrypted content and never uses previous_response_id", async () => {
    await using h = await startHarness({
      script: [{ reasoning: "Plan: list files.", ...call("shell", { command: ["true"] }) }, { text: "Done." }],
    });
    await h.run();

    expect(h.server.requests).toHaveLength(2);
    for (const { body } of h.server.requests) {
      expect(body).not.toHaveProperty("previous_response_id");
      expect(body).toMatchObject({ store: false, include: ["reasoning.encrypted_content"], parallel_tool_calls: false, model: "gpt-5.1-codex" });
    }
    const second = inputOf(h.server, 1);
    expect(second[0]).toEqual({ type: "message", role: "user", content: "Do the task." });
    expect(second[1]).toEqual({
      type: "reasoning",
      id: "rs_1",
      summary: [{ type: "summary_text", text: "Plan: list files." }],
      encrypted_content: `scripted:${Buffer.from("Plan: list files.").toString("base64")}`,
    });
    expect(second[2]).toEqual({ type: "function_call", call_id: "call_1_0", name: "shell", arguments: '{"command":["true"]}' });
    expect(second[3]).toMatchObject({ type: "function_call_output", call_id: "call_1_0" });
  });

  it("sends the tools in Codex's shapes, the instructions and the API key", async () => {
    await using h = await startHarness({ script: [{ text: "Nothing to do." }] });
    await h.run({ instructions: "You are a test." });

    const [request] = h.server.requests;
    expect(request?.headers.authorization).toBe("Bearer sk-test-key");
    expect(request?.body.instructions).toBe("You are a test.");
    const tools = request?.body.tools as { name: string; type: string; strict: boolean; parameters: { properties: object } }[];
    expect(tools.map((tool) => tool.name)).toEqual(["shell", "apply_patch", "update_plan"]);
    expect(tools.every((tool) => tool.type === "function" && tool.strict === false)).toBe(true);
    expect(Object.keys(tools[0]?.parameters.properties ?? {})).toEqual(["command", "workdir", "timeout_ms"]);
    expect(Object.keys(tools[1]?.parameters.properties ?? {})).toEqual(["input"]);
    expect(Object.keys(tools[2]?.parameters.properties ?? {})).toEqual(["explanation", "plan"]);
  });

  it("keeps the plan the model sends with update_plan", async () => {
    const plan = [{ step: "Read", status: "completed" }, { step: "Write", status: "in_progress" }];
    await using h = await startHarness({ script: [call("update_plan", { explanation: "Start", plan }), { text: "Done." }] });
    const result = await h.run();

    expect(result.plan).toEqual(plan);
    expect(toolOutputs(h.server)).toEqual(["Plan updated"]);
    expect(result.transcript.some((entry) => entry.type === "plan" && entry.explanation === "Start")).toBe(true);
  });
});

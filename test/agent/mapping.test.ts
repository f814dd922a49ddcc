import { describe, expect, it } from "vitest";
import type { ChatCompletion } from "openai/resources/chat/completions/completions";
import { fromChatCompletion, toChatMessages } from "../../src/agent/chat-mapping.ts";
import { toResponsesInput } from "../../src/agent/responses-mapping.ts";
import type { Item } from "../../src/agent/types.ts";

const items: Item[] = [
  { type: "message", role: "user", text: "task" },
  { type: "reasoning", id: "rs_1", summary: ["thinking"] },
  { type: "reasoning", id: "rs_2", summary: [], encryptedContent: "enc" },
  { type: "message", role: "assistant", text: "Looking." },
  { type: "function_call", callId: "c1", name: "shell", arguments: "{}" },
  { type: "function_call", callId: "c2", name: "shell", arguments: "{}" },
  { type: "function_call_output", callId: "c1", output: "one" },
  { type: "function_call_output", callId: "c2", output: "two" },
];

describe("item mappings", () => {
  it("replays only reasoning that carries its encrypted content", () => {
    const input = toResponsesInput(items);
    expect(input.filter((item) => item.type === "reasoning")).toEqual([{ type: "reasoning", id: "rs_2", summary: [], encrypted_content: "enc" }]);
  });

  it("gives Chat one assistant message with the turn's text and all its calls", () => {
    expect(toChatMessages("sys", items)).toEqual([
      { role: "system", content: "sys" },
      { role: "user", content: "task" },
      {
        role: "assistant",
        content: "Looking.",
        tool_calls: [
          { id: "c1", type: "function", function: { name: "shell", arguments: "{}" } },
          { id: "c2", type: "function", function: { name: "shell", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "c1", content: "one" },
      { role: "tool", tool_call_id: "c2", content: "two" },
    ]);
  });

  it("invents a call id when a local server leaves it empty", () => {
    const completion = {
      id: "cmpl-9",
      choices: [{ message: { role: "assistant", content: null, tool_calls: [{ id: "", type: "function", function: { name: "shell", arguments: "" } }] } }],
    } as unknown as ChatCompletion;
    expect(fromChatCompletion(completion)).toEqual([{ type: "function_call", callId: "cmpl-9-0", name: "shell", arguments: "" }]);
  });
});

import { describe, expect, it } from "vitest";
import { specErrors } from "../helpers/openai-spec.ts";

// The request validation only proves something if it can fail.
describe("OpenAI spec validation (test helper)", () => {
  it("rejects a Responses request with a malformed reasoning item", () => {
    const body = { model: "gpt-5.1-codex", input: [{ type: "reasoning", id: 5, summary: "not an array" }] };
    expect(specErrors("CreateResponse", body)).not.toEqual([]);
  });

  it("rejects a Responses function tool without a name", () => {
    const body = { model: "gpt-5.1-codex", input: "hi", tools: [{ type: "function", parameters: {}, strict: false }] };
    expect(specErrors("CreateResponse", body)).not.toEqual([]);
  });

  it("rejects a chat request whose tool message lacks tool_call_id", () => {
    const body = { model: "gpt-4.1", messages: [{ role: "user", content: "hi" }, { role: "tool", content: "out" }] };
    expect(specErrors("CreateChatCompletionRequest", body)).not.toEqual([]);
  });

  it("accepts minimal valid requests", () => {
    expect(specErrors("CreateResponse", { model: "gpt-5.1-codex", input: "hi", store: false })).toEqual([]);
    expect(specErrors("CreateChatCompletionRequest", { model: "gpt-4.1", messages: [{ role: "user", content: "hi" }] })).toEqual([]);
  });
});

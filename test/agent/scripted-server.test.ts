import { describe, expect, it } from "vitest";
import { startScriptedServer } from "../../src/demo/scripted-server.ts";

describe("startScriptedServer", () => {
  it("answers unknown routes with a JSON 404 and records nothing", async () => {
    const server = await startScriptedServer({ script: [{ text: "hi" }] });
    try {
      const res = await fetch(`${server.url}/models`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { message: expect.stringContaining("GET /v1/models") } });
      expect(server.requests).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("plays turns in order, echoes the model and fails loudly when the script runs out", async () => {
    const server = await startScriptedServer({ script: [{ text: "one", usage: { input: 5, output: 1, cached: 2 } }] });
    try {
      const post = (body: object) => fetch(`${server.url}/chat/completions`, { method: "POST", body: JSON.stringify(body) });
      const first = await post({ model: "tiny", messages: [] });
      expect(await first.json()).toMatchObject({
        object: "chat.completion",
        model: "tiny",
        choices: [{ message: { role: "assistant", content: "one" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 5, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 2 } },
      });
      const second = await post({ model: "tiny", messages: [] });
      expect(second.status).toBe(500);
      expect(server.requests.map((request) => request.api)).toEqual(["chat", "chat"]);
    } finally {
      await server.close();
    }
  });
});

/** Translation between the internal items and the Responses API's input and output. */
import type {
  FunctionTool,
  Response,
  ResponseInputItem,
  ResponseOutputItem,
} from "openai/resources/responses/responses";
import type { Item, ToolSpec, Usage } from "./types.ts";

export function toResponsesInput(items: readonly Item[]): ResponseInputItem[] {
  return items.flatMap((item): ResponseInputItem[] => {
    switch (item.type) {
      case "message":
        return [{ type: "message", role: item.role, content: item.text }];
      case "reasoning":
        // Stateless mode: the encrypted reasoning goes back verbatim so the model keeps its
        // chain of thought across turns. Without it the item only names a stored response
        // that does not exist (store: false), which the server would reject.
        if (item.encryptedContent === undefined) return [];
        return [{
          type: "reasoning",
          id: item.id,
          summary: item.summary.map((text) => ({ type: "summary_text", text })),
          encrypted_content: item.encryptedContent,
        }];
      case "function_call":
        return [{ type: "function_call", call_id: item.callId, name: item.name, arguments: item.arguments }];
      case "function_call_output":
        return [{ type: "function_call_output", call_id: item.callId, output: item.output }];
    }
  });
}

export function toResponsesTools(tools: readonly ToolSpec[]): FunctionTool[] {
  return tools.map((tool) => ({
    type: "function",
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
    // Strict mode would demand every property be required; Codex's tools have optional ones.
    strict: false,
  }));
}

export function fromResponsesOutput(output: readonly ResponseOutputItem[]): Item[] {
  const items: Item[] = [];
  for (const entry of output) {
    if (entry.type === "reasoning") {
      items.push({
        type: "reasoning",
        id: entry.id,
        summary: entry.summary.map((part) => part.text),
        ...(entry.encrypted_content ? { encryptedContent: entry.encrypted_content } : {}),
      });
    } else if (entry.type === "message") {
      const text = entry.content
        .map((part) => (part.type === "output_text" ? part.text : `(refused: ${part.refusal})`))
        .join("");
      if (text !== "") items.push({ type: "message", role: "assistant", text });
    } else if (entry.type === "function_call") {
      items.push({ type: "function_call", callId: entry.call_id, name: entry.name, arguments: entry.arguments });
    }
    // Other output kinds belong to hosted tools this agent never offers.
  }
  return items;
}

export function fromResponsesUsage(usage: Response["usage"]): Usage {
  return {
    inputTokens: usage?.input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    cachedTokens: usage?.input_tokens_details?.cached_tokens ?? 0,
  };
}

/** Translation between the internal items and Chat Completions messages. */
import type {
  ChatCompletion,
  ChatCompletionAssistantMessageParam,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions/completions";
import type { Item, ToolSpec, Usage } from "./types.ts";

export function toChatMessages(instructions: string, items: readonly Item[]): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [{ role: "system", content: instructions }];
  for (const item of items) {
    const last = messages.at(-1);
    switch (item.type) {
      case "message":
        messages.push({ role: item.role, content: item.text });
        break;
      case "function_call": {
        const call = { id: item.callId, type: "function" as const, function: { name: item.name, arguments: item.arguments } };
        // Chat wants one assistant message carrying the turn's text and all of its calls.
        if (last?.role === "assistant") (last.tool_calls ??= []).push(call);
        else messages.push({ role: "assistant", content: null, tool_calls: [call] } satisfies ChatCompletionAssistantMessageParam);
        break;
      }
      case "function_call_output":
        messages.push({ role: "tool", tool_call_id: item.callId, content: item.output });
        break;
      case "reasoning":
        // Chat servers have nowhere to put Responses reasoning; it is dropped.
        break;
    }
  }
  return messages;
}

export function toChatTools(tools: readonly ToolSpec[]): ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}

export function fromChatCompletion(completion: ChatCompletion): Item[] {
  const message = completion.choices[0]?.message;
  if (!message) throw new Error("the model server returned a chat completion without choices");
  const items: Item[] = [];
  const text = message.content ?? (message.refusal ? `(refused: ${message.refusal})` : "");
  if (text !== "") items.push({ type: "message", role: "assistant", text });
  for (const [index, call] of (message.tool_calls ?? []).entries()) {
    if (call.type !== "function") continue;
    // Some local servers leave the id empty, yet the tool message must point at one.
    const callId = call.id || `${completion.id || "call"}-${index}`;
    items.push({ type: "function_call", callId, name: call.function.name, arguments: call.function.arguments });
  }
  return items;
}

export function fromChatUsage(usage: ChatCompletion["usage"]): Usage {
  return {
    inputTokens: usage?.prompt_tokens ?? 0,
    outputTokens: usage?.completion_tokens ?? 0,
    cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
  };
}

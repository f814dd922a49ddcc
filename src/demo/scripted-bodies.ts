/** Response bodies of the scripted server, shaped like OpenAI's non-streaming answers. */

export interface ScriptTurn {
  text?: string;
  /** `arguments` is sent as JSON; a string is sent as is (to script malformed calls). */
  toolCalls?: { name: string; arguments: object | string }[];
  /** Becomes a reasoning item (Responses only), with a fake encrypted_content. */
  reasoning?: string;
  usage?: { input: number; output: number; cached: number };
  /** The answer stopped at the request's output cap (Responses `incomplete`, Chat `length`). */
  cutOff?: boolean;
  /** Answer with this HTTP error instead of a completion. */
  error?: { status: number; body?: object; headers?: Record<string, string> };
}

export type Api = "responses" | "chat";

export interface TurnContext {
  api: Api;
  body: Record<string, unknown>;
  /** 0-based number of the request among all the server has received. */
  index: number;
}

const argumentsText = (args: object | string): string => (typeof args === "string" ? args : JSON.stringify(args));

/** Roughly four characters a token, so the demo shows plausible numbers without a tokenizer. */
function usageOf(turn: ScriptTurn, body: unknown): { input: number; output: number; cached: number } {
  if (turn.usage) return turn.usage;
  const produced = (turn.text ?? "") + (turn.reasoning ?? "") + (turn.toolCalls ?? []).map((call) => argumentsText(call.arguments)).join("");
  return { input: Math.ceil(JSON.stringify(body).length / 4), output: Math.ceil(produced.length / 4), cached: 0 };
}

export function responseBody(turn: ScriptTurn, ctx: TurnContext, now: number): object {
  const n = ctx.index + 1;
  const output: object[] = [];
  if (turn.reasoning !== undefined) {
    output.push({
      type: "reasoning",
      id: `rs_${n}`,
      summary: [{ type: "summary_text", text: turn.reasoning }],
      encrypted_content: `scripted:${Buffer.from(turn.reasoning).toString("base64")}`,
    });
  }
  if (turn.text !== undefined) {
    output.push({
      type: "message",
      id: `msg_${n}`,
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: turn.text, annotations: [], logprobs: [] }],
    });
  }
  for (const [i, call] of (turn.toolCalls ?? []).entries()) {
    const ids = { id: `fc_${n}_${i}`, call_id: `call_${n}_${i}` };
    output.push({ type: "function_call", ...ids, name: call.name, arguments: argumentsText(call.arguments), status: "completed" });
  }
  const usage = usageOf(turn, ctx.body);
  return {
    id: `resp_${n}`,
    object: "response",
    created_at: Math.floor(now / 1000),
    status: turn.cutOff ? "incomplete" : "completed",
    model: ctx.body.model,
    output,
    error: null,
    incomplete_details: turn.cutOff ? { reason: "max_output_tokens" } : null,
    instructions: ctx.body.instructions ?? null,
    metadata: {},
    parallel_tool_calls: ctx.body.parallel_tool_calls ?? true,
    temperature: 1,
    top_p: 1,
    tool_choice: "auto",
    tools: ctx.body.tools ?? [],
    store: ctx.body.store ?? true,
    text: { format: { type: "text" } },
    usage: {
      input_tokens: usage.input,
      input_tokens_details: { cached_tokens: usage.cached },
      output_tokens: usage.output,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: usage.input + usage.output,
    },
  };
}

export function chatBody(turn: ScriptTurn, ctx: TurnContext, now: number): object {
  const n = ctx.index + 1;
  const calls = (turn.toolCalls ?? []).map((call, i) => ({
    id: `call_${n}_${i}`,
    type: "function",
    function: { name: call.name, arguments: argumentsText(call.arguments) },
  }));
  const usage = usageOf(turn, ctx.body);
  return {
    id: `chatcmpl-${n}`,
    object: "chat.completion",
    created: Math.floor(now / 1000),
    model: ctx.body.model,
    choices: [
      {
        index: 0,
        finish_reason: turn.cutOff ? "length" : calls.length > 0 ? "tool_calls" : "stop",
        logprobs: null,
        message: { role: "assistant", content: turn.text ?? null, refusal: null, ...(calls.length > 0 ? { tool_calls: calls } : {}) },
      },
    ],
    usage: {
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
      total_tokens: usage.input + usage.output,
      prompt_tokens_details: { cached_tokens: usage.cached },
    },
  };
}

export function errorBody(status: number, message: string): object {
  return { error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", param: null, code: null } };
}

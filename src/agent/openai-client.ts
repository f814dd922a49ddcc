import type OpenAI from "openai";
import type { Api } from "../tasks/types.ts";
import type { ModelClient, ModelRequest, ModelResponse } from "./types.ts";
import { fromResponsesOutput, fromResponsesUsage, toResponsesInput, toResponsesTools } from "./responses-mapping.ts";
import { fromChatCompletion, fromChatUsage, toChatMessages, toChatTools } from "./chat-mapping.ts";

export interface OpenAIClientOptions {
  apiKey: string;
  /** Any OpenAI-compatible server; OpenAI's own when undefined. */
  baseURL?: string;
  api: Api;
  /** Per request. Default 10 minutes: a long reasoning turn is slow but not stuck. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

const OPENAI_BASE_URL = "https://api.openai.com/v1";
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/**
 * The ModelClient for OpenAI and OpenAI-compatible servers, over Responses or Chat. The
 * openai package takes about 200 ms of the main thread to load, so no command loads it
 * until a task needs it: `warm()` starts the import while the task's worktree is reset (git
 * works in child processes then), and the first request waits for it.
 */
export function createOpenAIClient(options: OpenAIClientOptions): ModelClient {
  let openai: Promise<OpenAI> | undefined;
  const client = (): Promise<OpenAI> => (openai ??= import("openai").then(({ default: OpenAI }) => new OpenAI({
    apiKey: options.apiKey,
    // Everything explicit, so the SDK does not fill the gaps from process.env behind our back.
    baseURL: options.baseURL ?? OPENAI_BASE_URL,
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    // withRetry owns retrying: one policy, one place, and every retry in the transcript.
    maxRetries: 0,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    logLevel: "off",
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  })));
  const complete = options.api === "chat" ? completeWithChat : completeWithResponses;
  return {
    api: options.api,
    // A failed import is reported by the first request, not as an unhandled rejection.
    warm: () => void client().catch(() => undefined),
    complete: async (request) => complete(await client(), request),
  };
}

async function completeWithResponses(openai: OpenAI, request: ModelRequest): Promise<ModelResponse> {
  const response = await openai.responses.create(
    {
      model: request.model,
      instructions: request.instructions,
      input: toResponsesInput(request.items),
      // A request without tools (a compaction summary) says nothing about them.
      ...(request.tools.length > 0 ? { tools: toResponsesTools(request.tools), parallel_tool_calls: false } : {}),
      // Stateless: nothing kept server-side, no previous_response_id; the full input is
      // sent each turn and reasoning comes back encrypted so it can be replayed.
      store: false,
      include: ["reasoning.encrypted_content"],
      ...(request.maxOutputTokens === undefined ? {} : { max_output_tokens: request.maxOutputTokens }),
      ...(request.promptCacheKey === undefined ? {} : { prompt_cache_key: request.promptCacheKey }),
    },
    { signal: request.signal },
  );
  const cutOff = response.status === "incomplete" && response.incomplete_details?.reason === "max_output_tokens";
  return { items: fromResponsesOutput(response.output), usage: fromResponsesUsage(response.usage), ...(cutOff ? { cutOff } : {}) };
}

async function completeWithChat(openai: OpenAI, request: ModelRequest): Promise<ModelResponse> {
  const completion = await openai.chat.completions.create(
    {
      model: request.model,
      messages: toChatMessages(request.instructions, request.items),
      // OpenAI rejects an empty tools array; a compaction summary has none.
      ...(request.tools.length > 0 ? { tools: toChatTools(request.tools) } : {}),
      // max_tokens is deprecated and refused by reasoning models; current servers read this one.
      ...(request.maxOutputTokens === undefined ? {} : { max_completion_tokens: request.maxOutputTokens }),
      ...(request.promptCacheKey === undefined ? {} : { prompt_cache_key: request.promptCacheKey }),
    },
    { signal: request.signal },
  );
  const cutOff = completion.choices[0]?.finish_reason === "length";
  return { items: fromChatCompletion(completion), usage: fromChatUsage(completion.usage), ...(cutOff ? { cutOff } : {}) };
}

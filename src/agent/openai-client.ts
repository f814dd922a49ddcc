import OpenAI from "openai";
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

/** The ModelClient for OpenAI and OpenAI-compatible servers, over Responses or Chat. */
export function createOpenAIClient(options: OpenAIClientOptions): ModelClient {
  const openai = new OpenAI({
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
  });
  const complete = options.api === "chat" ? completeWithChat : completeWithResponses;
  return { api: options.api, complete: (request) => complete(openai, request) };
}

async function completeWithResponses(openai: OpenAI, request: ModelRequest): Promise<ModelResponse> {
  const response = await openai.responses.create(
    {
      model: request.model,
      instructions: request.instructions,
      input: toResponsesInput(request.items),
      tools: toResponsesTools(request.tools),
      // Stateless: nothing kept server-side, no previous_response_id; the full input is
      // sent each turn and reasoning comes back encrypted so it can be replayed.
      store: false,
      include: ["reasoning.encrypted_content"],
      parallel_tool_calls: false,
    },
    { signal: request.signal },
  );
  return { items: fromResponsesOutput(response.output), usage: fromResponsesUsage(response.usage) };
}

async function completeWithChat(openai: OpenAI, request: ModelRequest): Promise<ModelResponse> {
  const completion = await openai.chat.completions.create(
    {
      model: request.model,
      messages: toChatMessages(request.instructions, request.items),
      tools: toChatTools(request.tools),
    },
    { signal: request.signal },
  );
  return { items: fromChatCompletion(completion), usage: fromChatUsage(completion.usage) };
}

import type { AgentEvent, AgentOptions, AgentOutcome, Item, PlanStep, Usage, VerifyResult } from "./types.ts";
import { createTranscript, type Transcript } from "./transcript.ts";
import type { SentRequest } from "./context-window.ts";

/** Everything one run accumulates; owned by a single runAgent call, never shared. */
export interface RunState {
  /** The conversation as the model sees it, resent in full each turn; append-only between compactions. */
  items: Item[];
  /** The last request as the server counted it, anchoring the next estimate; cleared by a compaction. */
  sent?: SentRequest;
  usage: Usage;
  turns: number;
  plan: PlanStep[];
  verify: VerifyResult;
  verifyRuns: number;
  transcript: Transcript;
  started: number;
}

export interface Stop {
  outcome: AgentOutcome;
  reason?: string;
}

export const NO_FINAL_MESSAGE = "The agent made changes without a final message.";

export function newRunState(options: AgentOptions): RunState {
  const transcript = createTranscript(options.clock, options.redact);
  transcript.add({
    type: "task",
    prompt: options.prompt,
    model: options.model,
    api: options.client.api,
    sandbox: options.executor.sandbox,
  });
  return {
    items: [{ type: "message", role: "user", text: options.prompt }],
    usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0 },
    turns: 0,
    plan: [],
    verify: "skipped",
    verifyRuns: 0,
    transcript,
    started: options.clock.now(),
  };
}

/** Appends an item to the conversation and records it. */
export function appendItem(state: RunState, item: Item): void {
  state.items.push(item);
  state.transcript.add({ type: "item", turn: state.turns, item });
}

export function emit(options: AgentOptions, event: AgentEvent): void {
  options.onEvent?.(event);
}

export function elapsedMs(state: RunState, options: AgentOptions): number {
  return options.clock.now() - state.started;
}

export function finalMessage(items: readonly Item[]): string {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index];
    if (item?.type === "message" && item.role === "assistant" && item.text.trim() !== "") return item.text;
  }
  return NO_FINAL_MESSAGE;
}

import type { AgentOptions, AgentResult, Item, ModelResponse } from "./types.ts";
import { addUsage, budgetExceeded, DEFAULT_MAX_OUTPUT_TOKENS, planRequest, type RequestPlan } from "./budget.ts";
import { fitContext } from "./compact.ts";
import { estimateInputTokens, type RequestParts } from "./context-window.ts";
import { classifyModelError } from "./model-errors.ts";
import { ModelRequestError, withRetry } from "./retry.ts";
import { appendItem, elapsedMs, emit, finalMessage, newRunState, type RunState, type Stop } from "./run-state.ts";
import { checkToolNames, executeTool, toolSpecs } from "./tools.ts";
import { redactDeep } from "./transcript.ts";
import { runVerify, verifyFailureMessage } from "./verify.ts";

const DEFAULT_MAX_TOOL_OUTPUT = 16_000;
const DEFAULT_VERIFY_ROUNDS = 2;
const ABORTED: Stop = { outcome: "aborted", reason: "the task was cancelled" };

type FunctionCall = Extract<Item, { type: "function_call" }>;

/**
 * The agent: a stateless tool-calling loop. Each turn sends the whole conversation, runs
 * the tool calls that come back in order, and stops when the model answers without one,
 * when a budget runs out (checked before each request, against the request's worst case),
 * on a model error it cannot retry, or on abort. Old turns are summarised before the
 * conversation outgrows the model's context window (compact.ts). A finished run is
 * verified; failures go back to the model.
 */
export async function runAgent(options: AgentOptions): Promise<AgentResult> {
  checkToolNames(options.tools ?? []);
  const state = newRunState(options);
  const stop = await drive(state, options);
  state.transcript.add({ type: "stop", outcome: stop.outcome, ...(stop.reason ? { reason: stop.reason } : {}) });
  return {
    outcome: stop.outcome,
    ...(stop.reason ? { reason: options.redact(stop.reason) } : {}),
    // Both end up in status.json, the commit and the PR, so they are scrubbed here too.
    finalMessage: options.redact(finalMessage(state.items)),
    plan: redactDeep(state.plan, options.redact),
    verify: state.verify,
    usage: state.usage,
    turns: state.turns,
    transcript: state.transcript.entries,
  };
}

async function drive(state: RunState, options: AgentOptions): Promise<Stop> {
  for (;;) {
    if (options.signal?.aborted) return ABORTED;
    const spent = { turns: state.turns, elapsedMs: elapsedMs(state, options), usage: state.usage };
    const over = budgetExceeded(options.budget, options.model, spent, options.prices);
    if (over) return { outcome: "budget", reason: over };
    const parts = (): RequestParts => ({ instructions: options.instructions, tools: toolSpecs(options.tools), items: state.items });
    const overflow = await fitContext(state, options, parts);
    if (overflow) return overflow;
    const plan = planNext(state, options, parts());
    if (plan.stop) return { outcome: "budget", reason: plan.stop };
    const sentItems = state.items.length;
    let response: ModelResponse;
    try {
      response = await request(state, options, plan.maxOutputTokens);
    } catch (err) {
      if (options.signal?.aborted) return ABORTED;
      const message = err instanceof ModelRequestError ? err.message : classifyModelError(err, options.clock.now()).message;
      return { outcome: "model-error", reason: message };
    }
    recordTurn(state, options, response);
    state.sent = { inputTokens: response.usage.inputTokens, items: sentItems };
    // An answer cut at the cap we set may hold half a tool call: it is not acted on.
    if (response.cutOff && plan.maxOutputTokens !== undefined) return cutOff(plan.maxOutputTokens, options);
    const calls = response.items.filter((item): item is FunctionCall => item.type === "function_call");
    if (calls.length > 0) {
      await runCalls(state, options, calls);
      continue;
    }
    const stop = await verify(state, options);
    if (stop) return stop;
  }
}

/** Estimates the next request and what the budgets allow it; the estimate goes in the transcript. */
function planNext(state: RunState, options: AgentOptions, parts: RequestParts): RequestPlan {
  const inputTokens = estimateInputTokens(parts, state.sent);
  const plan = planRequest({ budget: options.budget, model: options.model, prices: options.prices, spent: state.usage, inputTokens, limit: options.spendLimit, maxOutputTokens: options.maxOutputTokens });
  state.transcript.add({
    type: "estimate",
    turn: state.turns + 1,
    inputTokens,
    ...(plan.maxOutputTokens === undefined ? {} : { maxOutputTokens: plan.maxOutputTokens }),
    ...(plan.worstCaseUsd === undefined ? {} : { worstCaseUsd: plan.worstCaseUsd }),
  });
  return plan;
}

function cutOff(maxOutputTokens: number, options: AgentOptions): Stop {
  if (maxOutputTokens < (options.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS)) {
    return { outcome: "budget", reason: `budget: the model's answer was cut off at ${maxOutputTokens} output tokens, all that the budget left room for` };
  }
  return { outcome: "model-error", reason: `the model's answer was cut off at the output cap of ${maxOutputTokens} tokens` };
}

function request(state: RunState, options: AgentOptions, maxOutputTokens: number | undefined): Promise<ModelResponse> {
  const { client, clock, signal } = options;
  const body = {
    model: options.model,
    instructions: options.instructions,
    items: [...state.items],
    tools: toolSpecs(options.tools),
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    ...(options.promptCacheKey ? { promptCacheKey: options.promptCacheKey } : {}),
    signal,
  };
  return withRetry(() => client.complete(body), {
    clock,
    signal,
    onRetry: ({ attempt, delayMs, failure }) => {
      state.transcript.add({ type: "retry", attempt, delayMs, error: failure.message });
    },
  });
}

function recordTurn(state: RunState, options: AgentOptions, response: ModelResponse): void {
  state.turns += 1;
  state.usage = addUsage(state.usage, response.usage);
  for (const item of response.items) appendItem(state, item);
  state.transcript.add({ type: "usage", turn: state.turns, usage: response.usage });
  emit(options, { type: "turn", turn: state.turns, usage: response.usage, elapsedMs: elapsedMs(state, options) });
}

async function runCalls(state: RunState, options: AgentOptions, calls: readonly FunctionCall[]): Promise<void> {
  const ctx = {
    workdir: options.workdir,
    executor: options.executor,
    maxOutputChars: options.maxToolOutputChars ?? DEFAULT_MAX_TOOL_OUTPUT,
    signal: options.signal,
    remainingMs: () => options.budget.minutes * 60_000 - elapsedMs(state, options),
    setPlan: ({ plan, explanation }: { plan: AgentResult["plan"]; explanation?: string }) => {
      state.plan = plan;
      state.transcript.add({ type: "plan", plan, ...(explanation ? { explanation } : {}) });
      emit(options, { type: "plan", plan });
    },
  };
  for (const call of calls) {
    // Every call gets an output, even after an abort: the conversation must stay well formed.
    const outcome = options.signal?.aborted
      ? { output: "Not run: the task was cancelled.", summary: `${call.name}: skipped` }
      : await executeTool(call, ctx, options.tools);
    // Tool output is scrubbed before the model sees it, not only before it is recorded.
    appendItem(state, { type: "function_call_output", callId: call.callId, output: options.redact(outcome.output) });
    emit(options, { type: "tool", name: call.name, summary: options.redact(outcome.summary) });
  }
}

/** Returns the stop when the run is over, or undefined when the model gets another round. */
async function verify(state: RunState, options: AgentOptions): Promise<Stop | undefined> {
  const command = options.verify;
  if (!command) return { outcome: "completed" };
  if (options.signal?.aborted) return ABORTED;
  const remainingMs = options.budget.minutes * 60_000 - elapsedMs(state, options);
  if (remainingMs <= 0) return { outcome: "budget", reason: `budget exhausted: ${options.budget.minutes} minutes` };
  const maxChars = options.maxToolOutputChars ?? DEFAULT_MAX_TOOL_OUTPUT;
  const run = await runVerify({ executor: options.executor, workdir: options.workdir, command, timeoutMs: remainingMs, maxChars, signal: options.signal });
  if (options.signal?.aborted) return ABORTED;
  state.verifyRuns += 1;
  const round = state.verifyRuns;
  state.transcript.add({ type: "verify", round, command, passed: run.passed, exitCode: run.exitCode, output: run.output });
  emit(options, { type: "verify", round, passed: run.passed });
  state.verify = run.passed ? "passed" : "failed";
  const attemptsLeft = (options.maxVerifyRounds ?? DEFAULT_VERIFY_ROUNDS) + 1 - round;
  if (run.passed || attemptsLeft <= 0) return { outcome: "completed" };
  const output = options.redact(run.output);
  appendItem(state, { type: "message", role: "user", text: verifyFailureMessage(command, { ...run, output }, attemptsLeft) });
  return undefined;
}

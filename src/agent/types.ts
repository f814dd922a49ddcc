/**
 * The agent's contracts. The agent sees a directory and a command executor; never git,
 * never GitHub, never process.env.
 */
import type { ProcessResult } from "../util/process.ts";
import type { Api, Budget } from "../tasks/types.ts";
import type { ModelPrice } from "./pricing.ts";

/** The internal transcript item format, shared by the Responses and Chat implementations. */
export type Item =
  | { type: "message"; role: "user" | "assistant"; text: string }
  /** Responses API reasoning, replayed verbatim on the next request (stateless mode). */
  | { type: "reasoning"; id: string; summary: string[]; encryptedContent?: string }
  | { type: "function_call"; callId: string; name: string; arguments: string }
  | { type: "function_call_output"; callId: string; output: string };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

/** What the model reads as a tool call's result, and one line for logs and progress. */
export interface ToolOutcome {
  output: string;
  summary: string;
}

/** What a tool beyond the built-in ones is given for one call. */
export interface AgentToolContext {
  /** Absolute path of the worktree. */
  workdir: string;
  /** Max characters of output the model should get; longer output is truncated with a marker. */
  maxOutputChars: number;
  /** Milliseconds left in the task's time budget. */
  remainingMs(): number;
  signal?: AbortSignal;
}

/**
 * A tool beyond shell, apply_patch and update_plan (MCP servers, web_fetch, images,
 * memory), offered to the model next to them. `run` may throw: the loop turns the error
 * into text the model reads, as it does for the built-in tools.
 */
export interface AgentTool {
  spec: ToolSpec;
  run(args: Record<string, unknown>, ctx: AgentToolContext): Promise<ToolOutcome>;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
}

export interface ModelRequest {
  model: string;
  instructions: string;
  items: Item[];
  tools: ToolSpec[];
  /** Caps the answer (reasoning included); set under a token or dollar budget, so the worst case is bounded. */
  maxOutputTokens?: number;
  /** Same for every request of a repository and model, so the provider routes them to its prompt cache. */
  promptCacheKey?: string;
  signal?: AbortSignal;
}

export interface ModelResponse {
  /** Output items in order: reasoning, assistant messages, function calls. */
  items: Item[];
  usage: Usage;
  /** The answer stopped at `maxOutputTokens`: it may be incomplete. */
  cutOff?: boolean;
}

/** What the agent loop talks to; the OpenAI implementation is one of several. */
export interface ModelClient {
  readonly api: Api;
  complete(request: ModelRequest): Promise<ModelResponse>;
  /** Starts loading what the first request needs, so that work overlaps other work. */
  warm?(): void;
}

export interface CommandRequest {
  argv: string[];
  /** Absolute directory inside the task's worktree. */
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** How to start one command inside the sandbox, for a caller that keeps it running (stdio servers, other agents). */
export interface Launch {
  file: string;
  args: string[];
  cwd: string;
  /** The complete environment: nothing may be inherited from the bot. */
  env: Record<string, string>;
}

/** Runs agent commands inside the OS sandbox. */
export interface CommandExecutor {
  /** e.g. "none" or "bubblewrap"; recorded in state and trailers. */
  readonly sandbox: string;
  /** Runs a command to completion, with a timeout and an output cap. */
  run(request: CommandRequest): Promise<ProcessResult>;
  /**
   * The same isolation as `run`, for a process the caller spawns and talks to itself
   * (in its own process group, killed with it). `argv` must not be empty.
   */
  launch(request: { argv: string[]; cwd: string }): Promise<Launch>;
}

export type PlanStatus = "pending" | "in_progress" | "completed";
export interface PlanStep {
  step: string;
  status: PlanStatus;
}

export type VerifyResult = "passed" | "failed" | "skipped";

/** One line of transcript.jsonl. `t` is an ISO timestamp. */
export type TranscriptEntry = { t: string } & (
  | { type: "task"; prompt: string; model: string; api: Api; sandbox: string }
  | { type: "item"; turn: number; item: Item }
  | { type: "usage"; turn: number; usage: Usage }
  | { type: "plan"; plan: PlanStep[]; explanation?: string }
  | { type: "verify"; round: number; command: string; passed: boolean; exitCode: number | null; output: string }
  | { type: "retry"; attempt: number; delayMs: number; error: string }
  /** Before a request: its estimated input, the output cap the budgets allow, and its worst-case cost. */
  | { type: "estimate"; turn: number; inputTokens: number; maxOutputTokens?: number; worstCaseUsd?: number }
  /** Old turns replaced by a summary; tokens are estimates of the conversation's size. */
  | { type: "compaction"; turn: number; itemsBefore: number; itemsAfter: number; tokensBefore: number; tokensAfter: number; usage: Usage; summary: string }
  /** What an external agent backend said that is no model item: a malformed line, its thread id, a dropped event. */
  | { type: "note"; text: string }
  | { type: "stop"; outcome: AgentOutcome; reason?: string }
);

export type AgentOutcome = "completed" | "budget" | "model-error" | "aborted";

export type AgentEvent =
  | { type: "turn"; turn: number; usage: Usage; elapsedMs: number }
  | { type: "tool"; name: string; summary: string }
  | { type: "plan"; plan: PlanStep[] }
  | { type: "verify"; round: number; passed: boolean }
  /** A summary request was made: its usage counts like a turn's. */
  | { type: "compaction"; usage: Usage; itemsBefore: number; itemsAfter: number };

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface AgentOptions {
  client: ModelClient;
  executor: CommandExecutor;
  clock: Clock;
  model: string;
  /** Absolute path of the worktree: the only directory the agent works in. */
  workdir: string;
  instructions: string;
  prompt: string;
  budget: Budget;
  /** Verify command (shell string) run after the agent stops; failures go back to it. */
  verify?: string;
  /** Verification rounds after the first attempt. Default 2. */
  maxVerifyRounds?: number;
  /** Max characters of one tool output given to the model. Default 16 000. */
  maxToolOutputChars?: number;
  /** Tools offered besides the built-in ones; names must not collide with them or each other. */
  tools?: readonly AgentTool[];
  /** US dollars per million tokens by model; the built-in table when absent. */
  prices?: Readonly<Record<string, ModelPrice>>;
  /** Money outside the task's own budget (a daemon's daily cap), checked before each request. */
  spendLimit?: SpendLimit;
  /** Output cap of a request under a token or dollar budget. Default 32 768. */
  maxOutputTokens?: number;
  /** Input tokens the model accepts; from the built-in table by model when absent. */
  contextWindow?: number;
  /** When to summarise old turns (see src/agent/compact.ts). */
  compaction?: CompactionOptions;
  /** Sent with every request (see ModelRequest.promptCacheKey). */
  promptCacheKey?: string;
  /** Scrubs secrets from anything recorded. */
  redact: (text: string) => string;
  onEvent?: (event: AgentEvent) => void;
  signal?: AbortSignal;
}

/** Money the task may spend besides its own budget's limit: what is left of a daemon's daily cap. */
export interface SpendLimit {
  /** US dollars left now; read before each request. */
  leftUsd(): number;
  /** Names the limit in a stop reason, e.g. "today's $5.00 daily cap". */
  label: string;
}

export interface CompactionOptions {
  /** Compact before a request whose estimated input passes this fraction of the window. Default 0.8. */
  threshold?: number;
  /** Items at the end of the conversation kept as they are (rounded up to whole turns). Default 8. */
  keepItems?: number;
}

export interface AgentResult {
  outcome: AgentOutcome;
  /** Why the run stopped, for anything but "completed". */
  reason?: string;
  /** The model's last assistant message; becomes the commit body. */
  finalMessage: string;
  plan: PlanStep[];
  verify: VerifyResult;
  usage: Usage;
  turns: number;
  transcript: TranscriptEntry[];
}

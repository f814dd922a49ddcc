import { join } from "node:path";
import { NO_FINAL_MESSAGE, type Stop } from "../run-state.ts";
import { redactDeep } from "../transcript.ts";
import type { AgentEvent, AgentResult, Clock, CommandExecutor } from "../types.ts";
import { runVerify, verifyFailureMessage } from "../verify.ts";
import type { AgentSetting, Api, Budget } from "../../tasks/types.ts";
import { backendCommand } from "./backend-command.ts";
import { runRound } from "./backend-round.ts";
import { addNote, newExternalRun, type ExternalRun } from "./external-run.ts";

export interface ExternalAgentOptions {
  backend: Exclude<AgentSetting, "builtin">;
  executor: CommandExecutor;
  clock: Clock;
  /** The task's model: passed to Codex, and what usage is priced at. */
  model: string;
  api: Api;
  /** Absolute path of the worktree. */
  workdir: string;
  /** Where the agent starts, relative to the worktree (`workdir:` of the task); "" = the root. */
  taskDir?: string;
  prompt: string;
  budget: Budget;
  verify?: string;
  /** Rounds after the first when verification fails. Default 2. */
  maxVerifyRounds?: number;
  /** Variables for the agent process alone, never for verify (see secret-env.ts). */
  agentEnv?: Readonly<Record<string, string>>;
  redact: (text: string) => string;
  onEvent?: (event: AgentEvent) => void;
  signal?: AbortSignal;
  /** Longest stdout line read; longer ones are dropped with a note. Default 1 MiB. */
  maxLineBytes?: number;
  /** Items and notes kept in the transcript, in characters. Default 4 000 000. */
  maxTranscriptChars?: number;
  /** Max characters of one command's output or of verify output. Default 16 000. */
  maxOutputChars?: number;
}

const DEFAULT_VERIFY_ROUNDS = 2;

/**
 * Another agent CLI as the backend: runs it in the worktree and sandbox, maps what it prints
 * into the built-in loop's transcript, and returns the same AgentResult, so the bot does
 * the git side unchanged. After the agent finishes the task's verify command runs; on a
 * failure the agent runs again, fresh, with the failure appended to the prompt (its own
 * session cannot be resumed reliably in a new sandbox home), for a bounded number of rounds.
 */
export async function runExternalAgent(options: ExternalAgentOptions): Promise<AgentResult> {
  const command = backendCommand(options.backend, options.model);
  const maxOutputChars = options.maxOutputChars ?? 16_000;
  const run = newExternalRun({ clock: options.clock, redact: options.redact, maxOutputChars, maxTranscriptChars: options.maxTranscriptChars ?? 4_000_000, ...(options.onEvent ? { onEvent: options.onEvent } : {}) });
  run.transcript.add({ type: "task", prompt: options.prompt, model: options.model, api: options.api, sandbox: options.executor.sandbox });
  addNote(run, `agent backend: ${command.argv.join(" ")} (${command.format}), prompt on stdin`);
  const round = (prompt: string): Promise<Stop> =>
    runRound({
      run, command, executor: options.executor, cwd: options.taskDir ? join(options.workdir, options.taskDir) : options.workdir, prompt,
      agentEnv: options.agentEnv ?? {}, budget: options.budget, model: options.model, redact: options.redact,
      maxLineBytes: options.maxLineBytes ?? 1024 * 1024, ...(options.signal ? { signal: options.signal } : {}),
    });
  let stop = await round(options.prompt);
  while (stop.outcome === "completed") {
    const failure = await verify(run, options, maxOutputChars);
    if (typeof failure !== "string") {
      stop = failure;
      break;
    }
    stop = await round(followUpPrompt(options.prompt, failure));
  }
  run.transcript.add({ type: "stop", outcome: stop.outcome, ...(stop.reason ? { reason: stop.reason } : {}) });
  return {
    outcome: stop.outcome,
    ...(stop.reason ? { reason: options.redact(stop.reason) } : {}),
    finalMessage: options.redact(run.lastMessage ?? NO_FINAL_MESSAGE),
    plan: redactDeep(run.plan, options.redact),
    verify: run.verify,
    usage: run.usage,
    turns: run.turns,
    transcript: run.transcript.entries,
  };
}

/** A stop when the run is over; otherwise the failure message for the next round. */
async function verify(run: ExternalRun, options: ExternalAgentOptions, maxChars: number): Promise<Stop | string> {
  const command = options.verify;
  if (!command) return { outcome: "completed" };
  if (options.signal?.aborted) return { outcome: "aborted", reason: "the task was cancelled" };
  const remainingMs = options.budget.minutes * 60_000 - run.elapsedMs();
  if (remainingMs <= 0) return { outcome: "budget", reason: `budget exhausted: ${options.budget.minutes} minutes` };
  const result = await runVerify({ executor: options.executor, workdir: options.workdir, command, timeoutMs: remainingMs, maxChars, ...(options.signal ? { signal: options.signal } : {}) });
  if (options.signal?.aborted) return { outcome: "aborted", reason: "the task was cancelled" };
  run.verifyRuns += 1;
  const round = run.verifyRuns;
  run.transcript.add({ type: "verify", round, command, passed: result.passed, exitCode: result.exitCode, output: result.output });
  run.emit({ type: "verify", round, passed: result.passed });
  run.verify = result.passed ? "passed" : "failed";
  const attemptsLeft = (options.maxVerifyRounds ?? DEFAULT_VERIFY_ROUNDS) + 1 - round;
  if (result.passed || attemptsLeft <= 0) return { outcome: "completed" };
  return verifyFailureMessage(command, { ...result, output: options.redact(result.output) }, attemptsLeft);
}

/** A fresh run's prompt after a failed verification: the task, what is there, and what failed. */
export function followUpPrompt(prompt: string, failure: string): string {
  return [
    prompt.trimEnd(),
    "",
    "An earlier run on this task left its changes in the working tree, and they did not pass verification.",
    failure,
  ].join("\n");
}

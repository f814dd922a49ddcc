import { budgetExceeded } from "../budget.ts";
import type { Stop } from "../run-state.ts";
import { truncateOutput } from "../truncate.ts";
import type { CommandExecutor } from "../types.ts";
import type { Budget } from "../../tasks/types.ts";
import { runAgentProcess, type AgentProcessResult } from "./agent-process.ts";
import type { BackendCommand } from "./backend-command.ts";
import { applyCodexEvent } from "./codex-mapper.ts";
import { parseCodexLine } from "./codex-events.ts";
import { addItem, addNote, type ExternalRun } from "./external-run.ts";
import { createLineSplitter } from "./line-splitter.ts";
import { secretEnvPayload, withSecretEnv } from "./secret-env.ts";

export interface RoundInput {
  run: ExternalRun;
  command: BackendCommand;
  executor: CommandExecutor;
  /** The agent's working directory, inside the worktree. */
  cwd: string;
  prompt: string;
  /** Values for the agent process only (codex.agentEnv). */
  agentEnv: Readonly<Record<string, string>>;
  budget: Budget;
  model: string;
  redact: (text: string) => string;
  maxLineBytes: number;
  signal?: AbortSignal;
}

const ABORTED: Stop = { outcome: "aborted", reason: "the task was cancelled" };
const TEXT_CAP_BYTES = 1024 * 1024;
const REASON_TAIL_CHARS = 1000;

/**
 * One invocation of the backend, start to exit, inside the sandbox: the prompt on stdin,
 * stdout mapped into the run as it streams. Stopped by the task's abort, by its time budget,
 * and by a token or dollar budget that a reported turn used up.
 */
export async function runRound(input: RoundInput): Promise<Stop> {
  const { run, budget } = input;
  if (input.signal?.aborted) return ABORTED;
  const over = overBudget(input);
  if (over) return { outcome: "budget", reason: over };
  const launch = await input.executor.launch({ argv: withSecretEnv(input.command.argv, input.agentEnv), cwd: input.cwd });
  const budgetStop = new AbortController();
  let budgetReason: string | undefined;
  const text: Buffer[] = [];
  let textSize = 0;
  const splitter = createLineSplitter(input.maxLineBytes, (line) => {
    const parsed = parseCodexLine(line);
    if ("malformed" in parsed) {
      addNote(run, `malformed output line (${parsed.malformed}): ${truncateOutput(line, 500)}`);
      return;
    }
    applyCodexEvent(run, parsed.event);
    if (parsed.event.type !== "turn.completed" || budgetReason) return;
    budgetReason = overBudget(input);
    if (budgetReason) budgetStop.abort();
  }, (bytes) => addNote(run, `an output line of ${bytes} bytes was dropped (the limit is ${input.maxLineBytes})`));
  const hasEnv = Object.keys(input.agentEnv).length > 0;
  const result = await runAgentProcess({
    launch,
    input: input.prompt,
    ...(hasEnv ? { fd3: secretEnvPayload(input.agentEnv) } : {}),
    timeoutMs: budget.minutes * 60_000 - run.elapsedMs(),
    signals: [budgetStop.signal, ...(input.signal ? [input.signal] : [])],
    onStdout: (chunk) => {
      if (input.command.format === "codex-json") splitter.push(chunk);
      else if (textSize < TEXT_CAP_BYTES) {
        text.push(chunk);
        textSize += chunk.length;
      }
    },
  });
  splitter.end();
  if (input.command.format === "text") recordText(run, Buffer.concat(text).toString("utf8"));
  if (input.signal?.aborted) return ABORTED;
  if (budgetReason) return { outcome: "budget", reason: budgetReason };
  return outcomeOf(input, result);
}

function outcomeOf(input: RoundInput, result: AgentProcessResult): Stop {
  const program = input.command.argv[0] ?? "";
  if (result.timedOut) return { outcome: "budget", reason: `budget exhausted: ${input.budget.minutes} minutes` };
  const said = input.redact(result.stderrTail.trim()).slice(-REASON_TAIL_CHARS);
  if (result.spawnError !== undefined) return { outcome: "model-error", reason: `could not start the agent command ${program}: ${result.spawnError}` };
  if (result.exitCode !== 0) {
    const how = result.exitCode === null ? `was killed by ${result.signal ?? "a signal"}` : `exited with ${result.exitCode}`;
    const why = input.run.failure ?? (said || "nothing on stderr");
    return { outcome: "model-error", reason: `the agent command ${program} ${how}: ${why}` };
  }
  if (input.run.failure) return { outcome: "model-error", reason: `the agent reported an error: ${input.run.failure}` };
  return { outcome: "completed" };
}

/** `format: text`: the whole of stdout is the agent's message. */
function recordText(run: ExternalRun, stdout: string): void {
  const message = truncateOutput(stdout.trim(), run.maxOutputChars);
  if (message !== "") run.lastMessage = message;
  addItem(run, { type: "message", role: "assistant", text: message });
  run.turns += 1;
}

/** The task's budget as far as an external agent reports what it spends: after each turn. */
function overBudget(input: RoundInput): string | undefined {
  const { run } = input;
  return budgetExceeded(input.budget, input.model, { turns: run.turns, elapsedMs: run.elapsedMs(), usage: run.usage });
}

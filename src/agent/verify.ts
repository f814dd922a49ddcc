import type { CommandExecutor } from "./types.ts";
import { truncateOutput } from "./truncate.ts";

export const MAX_VERIFY_MS = 20 * 60_000;

export interface VerifyRun {
  passed: boolean;
  exitCode: number | null;
  /** stdout and stderr, truncated, for the transcript and the model. */
  output: string;
}

export interface VerifyOptions {
  executor: CommandExecutor;
  workdir: string;
  command: string;
  timeoutMs: number;
  maxChars: number;
  signal?: AbortSignal;
}

/** Runs the task's verify command the way a person would type it: through a login shell. */
export async function runVerify(options: VerifyOptions): Promise<VerifyRun> {
  const result = await options.executor.run({
    argv: ["bash", "-lc", options.command],
    cwd: options.workdir,
    timeoutMs: Math.min(options.timeoutMs, MAX_VERIFY_MS),
    signal: options.signal,
  });
  const notes = [
    result.spawnError === undefined ? "" : `could not start: ${result.spawnError}\n`,
    result.timedOut ? `timed out after ${Math.round(Math.min(options.timeoutMs, MAX_VERIFY_MS) / 1000)} s\n` : "",
  ].join("");
  const joiner = result.stdout && result.stderr && !result.stdout.endsWith("\n") ? "\n" : "";
  const output = truncateOutput(notes + result.stdout + joiner + result.stderr, options.maxChars);
  return { passed: result.exitCode === 0 && !result.timedOut, exitCode: result.exitCode, output };
}

/** The user message that hands a failed verification back to the model. */
export function verifyFailureMessage(command: string, run: VerifyRun, attemptsLeft: number): string {
  return [
    `Verification failed: \`${command}\` exited with ${run.exitCode ?? "no exit code"}.`,
    "Output:",
    run.output || "(no output)",
    "",
    "Fix the problem, then finish with a summary as before.",
    `Verification runs again when you finish; ${attemptsLeft} attempt${attemptsLeft === 1 ? "" : "s"} left.`,
  ].join("\n");
}

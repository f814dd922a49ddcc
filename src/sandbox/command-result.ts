import type { ProcessResult } from "../util/process.ts";

/** The result of an empty argv: nothing was started. */
export function emptyCommandResult(): ProcessResult {
  return { stdout: "", stderr: "empty command", exitCode: null, signal: null, timedOut: false, aborted: false, truncated: false, spawnError: "empty command", durationMs: 0 };
}

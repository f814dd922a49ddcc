import type { Deps } from "../../run/context.ts";
import { runOnce, type RunSummary } from "../../run/run-once.ts";
import { formatProblem } from "../../tasks/index.ts";
import { TASK_FILE } from "../../run/intake.ts";
import { openRepo, remoteError } from "../open-repo.ts";
import { endProgressLine } from "../progress.ts";
import { statusTable } from "../render.ts";

export interface RunCommandOptions {
  cwd: string;
  since?: string;
  out: NodeJS.WritableStream;
  err: NodeJS.WriteStream;
}

/** `git codex run --once`. */
export async function runCommand(deps: Deps, options: RunCommandOptions): Promise<number> {
  const repo = await openRepo(options.cwd, deps, options.since ? { since: options.since } : {});
  let summary: RunSummary;
  try {
    summary = await runOnce(repo, deps);
  } catch (error) {
    throw remoteError(error, repo.settings.remote);
  } finally {
    endProgressLine(options.err);
  }
  options.out.write(renderSummary(summary));
  return summary.exitCode;
}

export function renderSummary(summary: RunSummary): string {
  const parts: string[] = [];
  if (summary.invalid.length > 0) {
    parts.push("Invalid tasks (recorded in git; fix the task file and push):");
    for (const status of summary.invalid) {
      for (const problem of status.problems ?? []) parts.push(`  ${formatProblem(TASK_FILE, problem)}`);
    }
    parts.push("");
  }
  parts.push(summary.ran.length === 0 ? "Nothing to do: no new tasks." : statusTable(summary.ran).trimEnd());
  return parts.join("\n") + "\n";
}

import type { TranscriptEntry } from "../../agent/types.ts";
import type { Deps } from "../../run/context.ts";
import { readRecordFile, taskRef } from "../../git/state-ref.ts";
import { formatProblem } from "../../tasks/index.ts";
import { TASK_FILE } from "../../run/intake.ts";
import type { TaskStatus } from "../../run/task-status.ts";
import { openRepo } from "../open-repo.ts";
import { renderTranscript } from "../render.ts";
import { findTask, readStatuses, type ReadOptions } from "./status.ts";

/** `git codex show <task>`: the task's state and its transcript. */
export async function showCommand(deps: Deps, query: string, options: ReadOptions & { json: boolean }): Promise<number> {
  const repo = await openRepo(options.cwd, deps);
  const status = findTask(await readStatuses(repo, options.fetch), query);
  const text = await readRecordFile(repo.git, taskRef(status.id), "transcript.jsonl");
  const transcript = (text ?? "").split("\n").filter(Boolean).map((line) => JSON.parse(line) as TranscriptEntry);
  if (options.json) {
    options.out.write(JSON.stringify({ status, transcript }, null, 2) + "\n");
    return 0;
  }
  options.out.write(describe(status));
  if (transcript.length > 0) options.out.write(`\nTranscript (git show ${taskRef(status.id)}:transcript.jsonl):\n${renderTranscript(transcript)}`);
  return 0;
}

function describe(status: TaskStatus): string {
  const lines = [`Task     ${status.id}`, `State    ${status.state}${status.reason ? ` — ${status.reason}` : ""}`];
  if (status.spec) lines.push(`Kind     ${status.spec.kind}${status.spec.key ? ` (${status.spec.key})` : ""}`, `Source   ${status.spec.requester.sha} by ${status.spec.requester.name} <${status.spec.requester.email}>`);
  lines.push(`Base     ${status.baseRef} @ ${status.base.slice(0, 12)}`);
  if (status.branch) lines.push(`Branch   ${status.branch} @ ${status.commit?.slice(0, 12)}`);
  if (status.pullRequest) lines.push(`PR       ${status.pullRequest.url}`);
  else if (status.pullRequestNote) lines.push(`PR       none: ${status.pullRequestNote}`);
  if (status.verify) lines.push(`Verify   ${status.verify}`);
  if (status.usage) lines.push(`Usage    input ${status.usage.inputTokens}, cached ${status.usage.cachedTokens}, output ${status.usage.outputTokens}${status.usage.costUsd === undefined ? "" : `, $${status.usage.costUsd.toFixed(4)}`}, ${status.turns ?? 0} turns`);
  if (status.sandbox) lines.push(`Sandbox  ${status.sandbox}`);
  if (status.spec) lines.push("", "Prompt:", ...status.spec.prompt.trimEnd().split("\n").map((l) => `  ${l}`));
  for (const problem of status.problems ?? []) lines.push(`  ${formatProblem(TASK_FILE, problem)}`);
  if (status.summary) lines.push("", "Summary:", ...status.summary.trimEnd().split("\n").map((l) => `  ${l}`));
  lines.push("", `Audit log: git log ${`refs/codex/tasks/${status.id}`}`);
  return lines.join("\n") + "\n";
}

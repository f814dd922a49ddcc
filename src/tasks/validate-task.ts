import { cronProblem } from "./cron.ts";
import { describeValue, isMapping, quote } from "./describe.ts";
import { byPosition } from "./problem.ts";
import type { Locate } from "./problem.ts";
import { fieldProblem, unknownKeys } from "./scope.ts";
import type { Scope } from "./scope.ts";
import { taskKeyProblem } from "./task-key.ts";
import type { FileTaskDefinition, Problem } from "./types.ts";
import { SETTINGS_KEYS, validateSettings } from "./validate-settings.ts";

export const TASK_KEYS: readonly string[] = ["prompt", "schedule", ...SETTINGS_KEYS];
const CRON_HINT = `use 5 fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * *"`;

/** Validates one entry of `tasks:`; a definition only when there is no problem at all. */
export function validateTask(key: string, raw: unknown, locate: Locate): { definition?: FileTaskDefinition; problems: Problem[] } {
  const scope: Scope = { path: ["tasks", key], label: `task ${quote(key)}`, locate };
  const problems: Problem[] = [];
  const keyProblem = taskKeyProblem(key);
  if (keyProblem !== undefined) {
    const hint = "the key names the branch codex/<key>; rename the task";
    problems.push(fieldProblem(scope, [], `task key ${quote(key)} ${keyProblem}`, hint, "key"));
  }
  if (!isMapping(raw)) {
    const hint = `write the text under prompt:, e.g. ${key.slice(0, 20)}: { prompt: "…" }`;
    problems.push(fieldProblem(scope, [], `${scope.label} must be a mapping with a prompt, got ${describeValue(raw)}`, hint));
    return { problems };
  }
  problems.push(...unknownKeys(raw, TASK_KEYS, scope));
  const prompt = validatePrompt(raw, scope, problems);
  const schedule = validateSchedule(raw, scope, problems);
  const { settings, problems: settingProblems } = validateSettings(raw, scope);
  problems.push(...settingProblems);
  if (problems.length > 0 || prompt === undefined) return { problems: byPosition(problems) };
  return { definition: { prompt, ...(schedule === undefined ? {} : { schedule }), ...settings }, problems };
}

function validatePrompt(raw: Record<string, unknown>, scope: Scope, problems: Problem[]): string | undefined {
  if (!Object.hasOwn(raw, "prompt")) {
    problems.push(fieldProblem(scope, [], `${scope.label} has no prompt`, "add prompt: with what the agent should do", "key"));
    return undefined;
  }
  const prompt = raw.prompt;
  if (prompt === null || (typeof prompt === "string" && prompt.trim() === "")) {
    const shown = prompt === null ? "" : `: ${quote(prompt)}`;
    problems.push(fieldProblem(scope, ["prompt"], `prompt in ${scope.label} is empty${shown}`, "say what the agent should do"));
    return undefined;
  }
  if (typeof prompt !== "string") {
    const hint = "quote it, or write a block: prompt: | and the text indented below";
    problems.push(fieldProblem(scope, ["prompt"], `prompt in ${scope.label} must be a string, got ${describeValue(prompt)}`, hint));
    return undefined;
  }
  return prompt;
}

function validateSchedule(raw: Record<string, unknown>, scope: Scope, problems: Problem[]): string | undefined {
  if (!Object.hasOwn(raw, "schedule")) return undefined;
  const schedule = raw.schedule;
  if (typeof schedule !== "string") {
    problems.push(fieldProblem(scope, ["schedule"], `schedule in ${scope.label} must be a string, got ${describeValue(schedule)}`, CRON_HINT));
    return undefined;
  }
  const reason = cronProblem(schedule);
  if (reason === undefined) return schedule.trim();
  problems.push(fieldProblem(scope, ["schedule"], `schedule ${quote(schedule)} in ${scope.label} is not a valid cron expression: ${reason}`, CRON_HINT));
  return undefined;
}

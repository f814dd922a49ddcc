import { describeValue, isMapping } from "./describe.ts";
import { duplicateProblem } from "./duplicates.ts";
import { byPosition, problemAt } from "./problem.ts";
import type { Locate } from "./problem.ts";
import { unknownKeys } from "./scope.ts";
import type { Scope } from "./scope.ts";
import { validateTasks } from "./tasks-section.ts";
import type { Problem, TaskFileParse, TaskSettings } from "./types.ts";
import { SETTINGS_KEYS, validateSettings } from "./validate-settings.ts";
import { loadYaml } from "./yaml-source.ts";

export { MAX_TASK_FILE_BYTES } from "./bytes.ts";

const TOP_LEVEL_KEYS = ["version", "defaults", "tasks"] as const;
const UNDER_DEFAULTS = "settings for every task go under defaults:";
const UNDER_TASK = "prompt and schedule belong to one task under tasks:";
const MISPLACED_AT_TOP: Record<string, string> = {
  ...Object.fromEntries(SETTINGS_KEYS.map((k) => [k, UNDER_DEFAULTS])),
  prompt: UNDER_TASK,
  schedule: UNDER_TASK,
};

/**
 * Validates a task file. Never throws: whatever the bytes, the answer is a file with its
 * valid tasks, per-task problems for the others, or file-level errors and no file.
 */
export function parseTaskFile(content: string | Uint8Array, fileName = ".codex-tasks.yml"): TaskFileParse {
  try {
    return parse(content, fileName);
  } catch (error) {
    // The net under a bug of ours or a surprise from yaml: still an answer, never a crash.
    const reason = error instanceof Error ? error.message : String(error);
    return failure([{ message: `${fileName} could not be read: ${reason.slice(0, 200)}`, line: 1, column: 1 }], []);
  }
}

function parse(content: string | Uint8Array, fileName: string): TaskFileParse {
  const loaded = loadYaml(content, fileName);
  if ("errors" in loaded) return failure(loaded.errors, []);
  const { value, locate, duplicates, warnings } = loaded;
  if (!isMapping(value)) {
    const message = value === null ? `${fileName} is empty` : `${fileName} must be a mapping with version: 1 and tasks:, got ${describeValue(value)}`;
    return failure([{ message, line: 1, column: 1, hint: "start from the file `git codex init` writes" }], warnings);
  }
  const errors: Problem[] = [
    ...unknownKeys(value, TOP_LEVEL_KEYS, { path: [], label: fileName, locate }, MISPLACED_AT_TOP),
    ...versionProblems(value, fileName, locate),
    ...duplicates.filter((d) => d.path[0] !== "tasks").map((d) => duplicateProblem(d, d.path.length === 0 ? fileName : d.path.join("."))),
  ];
  const defaults = validateDefaults(value, locate, errors, warnings);
  const tasks = value.tasks;
  if (!Object.hasOwn(value, "tasks")) {
    errors.push({ message: `${fileName} has no tasks`, line: 1, column: 1, hint: "add tasks: with at least one task and its prompt" });
  } else if (!isMapping(tasks)) {
    const hint = "each entry is a task key with a prompt under it";
    errors.push(problemAt(locate, ["tasks"], `tasks must be a mapping of task keys to tasks, got ${describeValue(tasks)}`, { hint }));
  }
  if (errors.length > 0 || !isMapping(tasks)) return failure(byPosition(errors), warnings);
  const section = validateTasks(tasks, locate, duplicates);
  return { file: { version: 1, defaults, tasks: section.tasks }, errors: [], ...section, warnings };
}

function failure(errors: Problem[], warnings: Problem[]): TaskFileParse {
  return { errors, invalidTasks: {}, invalidTaskHashes: {}, warnings };
}

function versionProblems(root: Record<string, unknown>, fileName: string, locate: Locate): Problem[] {
  if (!Object.hasOwn(root, "version")) {
    return [{ message: `${fileName} has no version`, line: 1, column: 1, hint: "add version: 1 as the first line" }];
  }
  const version = root.version;
  if (version === 1) return [];
  const hint = version === "1" ? "write version: 1 without quotes" : "this git-codex reads version 1 task files";
  return [problemAt(locate, ["version"], `version must be 1, got ${describeValue(version)}`, { hint })];
}

/** Defaults apply to every task, so a bad default is an error of the whole file. */
function validateDefaults(root: Record<string, unknown>, locate: Locate, errors: Problem[], warnings: Problem[]): TaskSettings {
  if (!Object.hasOwn(root, "defaults")) return {};
  const raw = root.defaults;
  if (raw === null) {
    // `defaults:` with everything below commented out: harmless, but say so rather than guess.
    warnings.push(problemAt(locate, ["defaults"], "defaults is empty; the built-in settings apply", { at: "key" }));
    return {};
  }
  if (!isMapping(raw)) {
    errors.push(problemAt(locate, ["defaults"], `defaults must be a mapping of settings, got ${describeValue(raw)}`));
    return {};
  }
  const scope: Scope = { path: ["defaults"], label: "defaults", locate };
  errors.push(...unknownKeys(raw, SETTINGS_KEYS, scope, { prompt: UNDER_TASK, schedule: UNDER_TASK }));
  const { settings, problems } = validateSettings(raw, scope);
  errors.push(...problems);
  return settings;
}

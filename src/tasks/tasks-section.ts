import { quote } from "./describe.ts";
import { duplicateProblem } from "./duplicates.ts";
import { rawTaskHash } from "./ids.ts";
import { byPosition } from "./problem.ts";
import type { Locate } from "./problem.ts";
import type { FileTaskDefinition, Problem } from "./types.ts";
import { validateTask } from "./validate-task.ts";
import type { DuplicateKey } from "./yaml-source.ts";

export interface TasksSection {
  tasks: Record<string, FileTaskDefinition>;
  invalidTasks: Record<string, Problem[]>;
  invalidTaskHashes: Record<string, string>;
}

/**
 * Validates every entry of `tasks:` on its own, so one broken task never stops the others.
 * `duplicates` are the document's duplicate keys; those under `tasks` belong to a task.
 */
export function validateTasks(raw: Record<string, unknown>, locate: Locate, duplicates: readonly DuplicateKey[]): TasksSection {
  const duplicatesByTask = new Map<string, Problem[]>();
  for (const duplicate of duplicates) {
    const [first, taskKey] = duplicate.path;
    const key = duplicate.path.length === 1 ? duplicate.key : taskKey;
    if (first !== "tasks" || key === undefined) continue;
    const where = duplicate.path.length === 2 ? `task ${quote(key)}` : duplicate.path.join(".");
    duplicatesByTask.set(key, [...(duplicatesByTask.get(key) ?? []), duplicateProblem(duplicate, where)]);
  }
  // Maps, then Object.fromEntries: a task called "__proto__" must stay an ordinary entry.
  const tasks = new Map<string, FileTaskDefinition>();
  const invalid = new Map<string, Problem[]>();
  const hashes = new Map<string, string>();
  for (const [key, value] of Object.entries(raw)) {
    const { definition, problems } = validateTask(key, value, locate);
    const all = byPosition([...(duplicatesByTask.get(key) ?? []), ...problems]);
    if (definition !== undefined && all.length === 0) {
      tasks.set(key, definition);
    } else {
      invalid.set(key, all);
      hashes.set(key, rawTaskHash(value));
    }
  }
  return {
    tasks: Object.fromEntries(tasks),
    invalidTasks: Object.fromEntries(invalid),
    invalidTaskHashes: Object.fromEntries(hashes),
  };
}

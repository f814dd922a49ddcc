import { ConfigError } from "./errors.ts";
import type { TaskStatus } from "./task-status.ts";

/** Finds a task by id, unique id prefix, or task key (its newest version). */
export function findTask(statuses: TaskStatus[], query: string): TaskStatus {
  const exact = statuses.find((s) => s.id === query);
  if (exact) return exact;
  const byKey = statuses.filter((s) => s.spec?.key === query);
  if (byKey.length > 0) return byKey[byKey.length - 1] as TaskStatus;
  const byPrefix = statuses.filter((s) => s.id.startsWith(query));
  if (byPrefix.length === 1) return byPrefix[0] as TaskStatus;
  if (byPrefix.length > 1) throw new ConfigError(`"${query}" matches ${byPrefix.length} tasks: ${byPrefix.slice(0, 5).map((s) => s.id).join(", ")}`, "give more of the task id");
  throw new ConfigError(`no task "${query}"`, "see the task ids with `git codex status`");
}

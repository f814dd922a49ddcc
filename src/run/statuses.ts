import { readAllRecords } from "../git/state-ref.ts";
import type { RepoContext } from "./context.ts";
import { parseStatus, type TaskStatus } from "./task-status.ts";

/** Every task record in the local copy of refs/codex/tasks, with the commit it is at. */
export async function loadStatuses(repo: RepoContext): Promise<Map<string, { status: TaskStatus; commit: string }>> {
  const result = new Map<string, { status: TaskStatus; commit: string }>();
  for (const [id, record] of await readAllRecords(repo.git)) {
    const status = parseStatus(record.content);
    if (status) result.set(id, { status, commit: record.commit });
    else repo.log.warn({ task: id }, "unreadable task record; leaving it alone");
  }
  return result;
}

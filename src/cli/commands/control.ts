import type { Deps } from "../../run/context.ts";
import { requestCancel, requestRetry } from "../../run/control.ts";
import { openRepo } from "../open-repo.ts";
import { findTask, readStatuses } from "./status.ts";

/** `git codex cancel <task>` and `git codex retry <task>`, from any clone. */
export async function controlCommand(deps: Deps, action: "cancel" | "retry", query: string, options: { cwd: string; out: NodeJS.WritableStream }): Promise<number> {
  const repo = await openRepo(options.cwd, deps);
  const task = findTask(await readStatuses(repo, true), query);
  const who = (await repo.git.probe(["config", "user.name"])).stdout.trim() || deps.host;
  const status = action === "cancel" ? await requestCancel(repo, deps, task.id, who) : await requestRetry(repo, deps, task.id, who);
  const next = action === "cancel" ? "whoever runs it stops within seconds" : "the next run or a watching daemon picks it up";
  options.out.write(`${task.id}: ${status.state} (${status.reason}); ${next}.\n`);
  return 0;
}

import type { Deps } from "../../run/context.ts";
import { taskRef } from "../../git/state-ref.ts";
import { openRepo } from "../open-repo.ts";
import { findTask, readStatuses, type ReadOptions } from "./status.ts";

/** `git codex log <task>`: every state change of the task, from its state ref's history. */
export async function logCommand(deps: Deps, query: string, options: ReadOptions): Promise<number> {
  const repo = await openRepo(options.cwd, deps);
  const status = findTask(await readStatuses(repo, options.fetch), query);
  const text = await repo.git.run(["log", "--reverse", "--format=%cI  %s", taskRef(status.id), "--"]);
  options.out.write(text);
  return 0;
}

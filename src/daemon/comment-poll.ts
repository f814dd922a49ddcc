import type { Deps, RepoContext } from "../run/context.ts";
import { recordCommentTasks } from "../run/comment-intake.ts";

/**
 * The daemon's reading of pull request comments (`codex.prComments`). A comment moves no
 * ref, so the remote poll never notices it: this reads them once per poll interval, and
 * triggers a cycle when it recorded a follow-up. Off, or without a forge, it returns at
 * once and costs nothing. Resolves when `signal` aborts.
 */
export async function pollComments(repo: RepoContext, deps: Deps, options: { intervalMs: number; signal: AbortSignal; onQueued: (ids: string[]) => void }): Promise<void> {
  if (!repo.settings.prComments || !repo.forge) return;
  while (!options.signal.aborted) {
    try {
      await deps.clock.sleep(options.intervalMs, options.signal);
    } catch {
      return;
    }
    if (options.signal.aborted) return;
    const queued = await recordCommentTasks(repo, deps);
    if (queued.length > 0) options.onQueued(queued);
  }
}
